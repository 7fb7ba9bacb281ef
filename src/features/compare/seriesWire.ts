import { rangeWindow } from '../../core/compare/decimate';
import type { GroupBand, XYSeries } from '../../core/compare/types';
import type { BandWire, SeriesWire } from '../../protocol/compare';

/**
 * A decimated series as it crosses to the webview: x as float32 offsets from the first x (a float64), y as float32.
 * Fresh typed arrays with their own buffers: VS Code sends a typed array's whole underlying buffer.
 */
export function toSeriesWire(runId: string, series: XYSeries, sourcePoints: number): SeriesWire {
  const n = series.xs.length;
  const x0 = n > 0 ? series.xs[0] : 0;
  const xs = new Float32Array(n);
  for (let i = 0; i < n; i++) xs[i] = series.xs[i] - x0;
  return { runId, x0, xs, ys: Float32Array.from(series.ys), sourcePoints };
}

export function toBandWire(band: GroupBand, colorIndex: number): BandWire {
  const n = band.xs.length;
  const x0 = n > 0 ? band.xs[0] : 0;
  const xs = new Float32Array(n);
  for (let i = 0; i < n; i++) xs[i] = band.xs[i] - x0;
  return {
    group: band.group, colorIndex, runIds: band.runIds, x0, xs,
    mean: Float32Array.from(band.mean), lo: Float32Array.from(band.lo), hi: Float32Array.from(band.hi),
  };
}

/** The part of a series inside [lo, hi] (x sorted), plus one point either side so lines reach the edges. */
export function sliceToRange(series: XYSeries, range: [number, number] | null): XYSeries {
  if (!range) return series;
  const { from, to } = rangeWindow(series.xs, { xMin: range[0], xMax: range[1] });
  if (from === 0 && to === series.xs.length - 1) return series;
  return { xs: series.xs.subarray(from, to + 1), ys: series.ys.subarray(from, to + 1) };
}

/** Points of a sorted series a chart of [lo, hi] draws (the range, and a neighbour either side). */
export function countInRange(xs: Float64Array, range: [number, number] | null): number {
  if (!range) return xs.length;
  const { from, to } = rangeWindow(xs, { xMin: range[0], xMax: range[1] });
  return Math.max(0, to - from + 1);
}
