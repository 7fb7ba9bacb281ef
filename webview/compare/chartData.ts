// From the host's wire series to chart.js points, and the labels of the x axis. Pure: tested in plain Node.
import type { SeriesWire, XAxisKind } from '../../src/protocol/compare';
import { emaSmooth } from '../../src/core/compare/smoothing';

export interface XY {
  x: number;
  y: number;
}

/** chart.js points (parsing: false wants {x, y} objects) from x0 + float32 offsets. */
export function wirePoints(series: Pick<SeriesWire, 'x0' | 'xs' | 'ys'>): XY[] {
  const n = series.xs.length;
  const out: XY[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = { x: series.x0 + series.xs[i], y: series.ys[i] };
  return out;
}

/** For a log axis, which cannot place 0 or negatives: they become gaps rather than a line diving off the chart. */
export function positivePoints(points: XY[]): XY[] {
  return points.some((p) => !(p.y > 0)) ? points.map((p) => (p.y > 0 ? p : { x: p.x, y: NaN })) : points;
}

/** The EMA of the points' y (TensorBoard's debiased EMA); weight 0 returns the points themselves. */
export function smoothedPoints(points: readonly XY[], weight: number, logScale = false): XY[] {
  if (!(weight > 0)) return points as XY[];
  const ys = new Float64Array(points.length);
  for (let i = 0; i < points.length; i++) ys[i] = points[i].y;
  const smooth = emaSmooth(ys, weight);
  const out: XY[] = new Array(points.length);
  for (let i = 0; i < points.length; i++) {
    const y = smooth[i];
    out[i] = { x: points[i].x, y: logScale && !(y > 0) ? NaN : y };
  }
  return out;
}

/** Appends live points to a run's line, keeping x sorted (a point at or before the last x replaces nothing: it is skipped). */
export function appendPoints(existing: XY[], added: readonly XY[]): XY[] {
  const lastX = existing.length ? existing[existing.length - 1].x : -Infinity;
  const fresh = added.filter((p) => p.x > lastX);
  return fresh.length ? existing.concat(fresh) : existing;
}

const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });
const grouped = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** A metric value for tooltips and axis ticks: short, but enough digits to tell nearby runs apart. */
export function formatValue(y: number): string {
  if (Number.isNaN(y)) return 'NaN';
  if (!Number.isFinite(y)) return y > 0 ? '∞' : '-∞';
  if (y === 0) return '0';
  const abs = Math.abs(y);
  if (abs >= 1e6 || abs < 1e-4) return y.toExponential(2);
  if (Number.isInteger(y)) return grouped.format(y);
  return String(Number(y.toPrecision(5)));
}

const pad = (n: number) => String(n).padStart(2, '0');

/** An x tick: `span` is the visible x range, so ticks across hours show minutes, across days show dates. */
export function formatX(x: number, axis: XAxisKind, span: number): string {
  switch (axis) {
    case 'step':
      return Math.abs(x) >= 10_000 ? compact.format(x) : grouped.format(x);
    case 'wallTime': {
      const d = new Date(x);
      if (Number.isNaN(d.getTime())) return '';
      const time = `${pad(d.getHours())}:${pad(d.getMinutes())}${span < 10 * 60_000 ? `:${pad(d.getSeconds())}` : ''}`;
      return span >= 24 * 3_600_000 ? `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${time}` : time;
    }
    case 'relativeTime':
      return formatElapsed(x, span);
  }
}

/** The x of a hovered point, in full. */
export function formatXLong(x: number, axis: XAxisKind): string {
  switch (axis) {
    case 'step':
      return `step ${grouped.format(x)}`;
    case 'wallTime': {
      const d = new Date(x);
      return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
    }
    case 'relativeTime':
      return `${formatElapsed(x, Math.abs(x))} since start`;
  }
}

/** Elapsed time: seconds with decimals under 10 s of span, then s, m s, h m, d h. */
export function formatElapsed(ms: number, span: number): string {
  const abs = Math.abs(ms);
  if (span < 10_000 && abs < 60_000) {
    // One precision along an axis: hundredths when it spans under 2 s, tenths above.
    const text = (abs / 1000).toFixed(span < 2000 ? 2 : 1);
    // A tick a hair below zero is not "-0.00s".
    return `${ms < 0 && Number(text) !== 0 ? '-' : ''}${text}s`;
  }
  const s = Math.round(abs / 1000);
  const sign = ms < 0 && s !== 0 ? '-' : '';
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (d > 0) return `${sign}${d}d ${h}h`;
  if (h > 0) return `${sign}${h}h ${pad(m)}m`;
  if (m > 0) return `${sign}${m}m ${pad(sec)}s`;
  return `${sign}${sec}s`;
}

export const X_AXIS_LABELS: Record<XAxisKind, string> = { step: 'Step', wallTime: 'Wall time', relativeTime: 'Relative time' };

/**
 * The x axis' ticks without a last one crowding the one before it. With `bounds: 'data'`, chart.js always puts a
 * tick at the data's end: 0.20s then 0.21s overlap. A last gap under half the others drops that end tick.
 */
export function withoutCrowdedEnd<T extends { value: number }>(ticks: T[]): T[] {
  const n = ticks.length;
  if (n < 3) return ticks;
  const spacing = ticks[n - 2].value - ticks[n - 3].value;
  const last = ticks[n - 1].value - ticks[n - 2].value;
  return spacing > 0 && last < spacing / 2 ? ticks.slice(0, n - 1) : ticks;
}

/**
 * The x range to show when the data has no extent (every point at one x, e.g. a metric logged once): that x in
 * the middle of one step, or one second, either side. Null without points.
 */
export function rangeAroundSingleX(lines: Iterable<readonly XY[]>, axis: XAxisKind): [number, number] | null {
  for (const points of lines) {
    if (points.length === 0) continue;
    const pad = axis === 'step' ? 1 : 1000;
    return [points[0].x - pad, points[0].x + pad];
  }
  return null;
}
