// The chart.js datasets of one metric chart, from the runs' points and the view: pure (colours come in as
// strings), so the styling rules (faint raw line behind the smoothed one, highlight, bands) are tested in Node.
import { withAlpha } from './colors';
import { smoothedPoints, type XY } from './chartData';

export type DatasetRole = 'raw' | 'smooth' | 'mean' | 'lo' | 'hi';

export interface DatasetSpec {
  label: string;
  data: XY[];
  role: DatasetRole;
  /** The run (runs' lines) or group (bands) the dataset draws. */
  runId?: string;
  group?: string;
  borderColor: string;
  backgroundColor: string;
  borderWidth: number;
  /** chart.js's line pattern; empty is solid. */
  borderDash: number[];
  pointRadius: number;
  fill: false | '-1';
  hidden: boolean;
  /** chart.js draws higher orders first: the highlighted line gets the lowest so it is on top. */
  order: number;
}

export interface RunLine {
  runId: string;
  name: string;
  color: string;
  /** Line pattern (runs beyond the palette repeat colours with a pattern). */
  dash?: number[];
  points: XY[];
}

export interface BandLines {
  group: string;
  label: string;
  color: string;
  runIds: string[];
  mean: XY[];
  lo: XY[];
  hi: XY[];
}

export interface DatasetOptions {
  smoothing: number;
  logScale: boolean;
  hiddenRunIds: ReadonlySet<string>;
  /** A run (or a group, in grouped mode) the pointer is on in the legend. */
  highlight: string | null;
}

export const FAINT_RAW_ALPHA = 0.25;
export const FADED_ALPHA = 0.12;
export const BAND_ALPHA = 0.18;
export const LINE_WIDTH = 1.5;
export const HIGHLIGHT_WIDTH = 3;

/** One line per run (two when smoothing: the raw one faint behind the smoothed one). */
export function runDatasets(lines: readonly RunLine[], opts: DatasetOptions): DatasetSpec[] {
  const out: DatasetSpec[] = [];
  const smoothing = opts.smoothing > 0;
  for (const line of lines) {
    const lit = opts.highlight === null || opts.highlight === line.runId;
    const color = lit ? line.color : withAlpha(line.color, FADED_ALPHA);
    const width = opts.highlight === line.runId ? HIGHLIGHT_WIDTH : LINE_WIDTH;
    const order = opts.highlight === line.runId ? 0 : 10;
    // A run with one point (a final test score) draws as a marker: a line needs two.
    const pointRadius = line.points.length === 1 ? 4 : 0;
    const hidden = opts.hiddenRunIds.has(line.runId);
    const base = { label: line.name, runId: line.runId, backgroundColor: color, pointRadius, fill: false as const, hidden, borderDash: line.dash ?? [] };
    if (smoothing) {
      out.push({ ...base, data: line.points, role: 'raw', borderColor: withAlpha(color, FAINT_RAW_ALPHA), backgroundColor: withAlpha(color, FAINT_RAW_ALPHA), borderWidth: 1, borderDash: [], order: order + 1 });
      out.push({ ...base, data: smoothedPoints(line.points, opts.smoothing, opts.logScale), role: 'smooth', borderColor: color, borderWidth: width, order });
    } else {
      out.push({ ...base, data: line.points, role: 'raw', borderColor: color, borderWidth: width, order });
    }
  }
  return out;
}

/** Per group: the band (lo, then hi filled down to lo) and the mean line on top. */
export function bandDatasets(bands: readonly BandLines[], opts: DatasetOptions): DatasetSpec[] {
  const out: DatasetSpec[] = [];
  for (const band of bands) {
    const lit = opts.highlight === null || opts.highlight === band.group;
    const color = lit ? band.color : withAlpha(band.color, FADED_ALPHA);
    const hidden = band.runIds.length > 0 && band.runIds.every((id) => opts.hiddenRunIds.has(id));
    const order = opts.highlight === band.group ? 0 : 10;
    const common = { label: band.label, group: band.group, pointRadius: band.mean.length === 1 ? 4 : 0, hidden, borderDash: [] };
    out.push({ ...common, data: band.lo, role: 'lo', borderColor: 'transparent', backgroundColor: 'transparent', borderWidth: 0, fill: false, order: order + 2 });
    out.push({ ...common, data: band.hi, role: 'hi', borderColor: 'transparent', backgroundColor: withAlpha(color, lit ? BAND_ALPHA : BAND_ALPHA / 3), borderWidth: 0, fill: '-1', order: order + 2 });
    out.push({
      ...common, data: smoothedPoints(band.mean, opts.smoothing, opts.logScale), role: 'mean', borderColor: color, backgroundColor: color,
      borderWidth: opts.highlight === band.group ? HIGHLIGHT_WIDTH : LINE_WIDTH + 0.5, fill: false, order,
    });
  }
  return out;
}

/** Whether the tooltip lists this dataset: the line a reader looks at, not the faint raw copy or the band edges. */
export function inTooltip(role: DatasetRole, smoothing: number): boolean {
  if (role === 'raw') return !(smoothing > 0);
  return role === 'smooth' || role === 'mean';
}
