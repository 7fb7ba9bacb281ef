import type { Run } from '../runs/types';
import { minMaxIndices } from './decimate';
import { naturalCompare } from './naturalCompare';
import { parseRunKey, runKeyValue } from './runKey';
import type { GroupBand, XYSeries } from './types';

/** The group of runs that lack the param or tag. */
export const NO_GROUP = '(none)';

/**
 * Runs grouped by the value of a param or tag (`params.seed`, `tags.model`; runs without it form group "(none)").
 * Groups come in natural order of their value, "(none)" last; runs keep their given order inside a group.
 */
export function groupRuns(runs: readonly Run[], by: string): Map<string, Run[]> {
  const key = parseRunKey(by, ['param', 'tag']);
  const byValue = new Map<string, Run[]>();
  for (const run of runs) {
    const value = runKeyValue(run, key);
    const group = value === undefined ? NO_GROUP : String(value);
    const members = byValue.get(group);
    if (members) members.push(run);
    else byValue.set(group, [run]);
  }
  // Numbers by value (a learning rate of 0.05 before 0.1), other values in natural order, "(none)" last.
  const allNumeric = [...byValue.keys()].every((k) => k === NO_GROUP || (k.trim() !== '' && Number.isFinite(Number(k))));
  const order = (a: string, b: string) => (allNumeric ? Number(a) - Number(b) : 0) || naturalCompare(a, b);
  const names = [...byValue.keys()].sort((a, b) => (a === NO_GROUP ? 1 : 0) - (b === NO_GROUP ? 1 : 0) || order(a, b));
  return new Map(names.map((name) => [name, byValue.get(name) ?? []]));
}

/**
 * Mean with a min-max or +-1 std band over aligned x (union of xs, values carried by linear interpolation inside
 * each run's range, not extrapolated), decimated to maxPoints. At each x only the runs whose range covers it
 * count; NaN points are left out of the interpolation. `std` is the population standard deviation (numpy's
 * default). Decimation keeps the mean's shape (min-max) and widens the band to cover every point it drops.
 */
export function groupBand(group: string, runIds: string[], series: XYSeries[], band: 'minmax' | 'std', maxPoints: number): GroupBand {
  const clean = series.map(withoutNaN);
  const xs = unionOfXs(clean);
  const n = xs.length;
  const sum = new Float64Array(n);
  const count = new Float64Array(n);
  const lo = new Float64Array(n).fill(Infinity);
  const hi = new Float64Array(n).fill(-Infinity);
  for (const s of clean) {
    forEachAligned(s, xs, (i, value) => {
      sum[i] += value;
      count[i]++;
      if (value < lo[i]) lo[i] = value;
      if (value > hi[i]) hi[i] = value;
    });
  }
  const mean = new Float64Array(n);
  for (let i = 0; i < n; i++) mean[i] = count[i] > 0 ? sum[i] / count[i] : NaN;
  if (band === 'std') {
    // A second pass over deviations: sum(x^2)/n - mean^2 cancels badly for large values with a small spread.
    const squares = new Float64Array(n);
    for (const s of clean) forEachAligned(s, xs, (i, value) => (squares[i] += (value - mean[i]) ** 2));
    for (let i = 0; i < n; i++) {
      const spread = Math.sqrt(squares[i] / count[i]);
      lo[i] = mean[i] - spread;
      hi[i] = mean[i] + spread;
    }
  }
  for (let i = 0; i < n; i++) {
    if (count[i] === 0) lo[i] = hi[i] = NaN;
  }
  return { group, runIds: [...runIds], ...decimateBand(xs, mean, lo, hi, maxPoints) };
}

/** Calls `use` with each union index inside the run's x range and the run's value there. */
function forEachAligned(s: XYSeries, xs: Float64Array, use: (i: number, value: number) => void): void {
  if (s.xs.length === 0) return;
  const last = s.xs.length - 1;
  // Both walks move forward only: O(union + points) per run.
  let j = 0;
  for (let i = firstIndexAtLeast(xs, s.xs[0]); i < xs.length; i++) {
    const x = xs[i];
    if (x > s.xs[last]) break;
    while (j < last && s.xs[j + 1] <= x) j++;
    use(i, valueAt(s, j, x));
  }
}

function firstIndexAtLeast(xs: Float64Array, value: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The value at x of a run whose point j is the last with xs[j] <= x: exact, else interpolated toward j + 1. */
function valueAt(s: XYSeries, j: number, x: number): number {
  // Equal xs (a step logged twice): the last point logged at that x counts, as MLflow's latest value does.
  if (s.xs[j] === x || j + 1 >= s.xs.length) return s.ys[j];
  const x0 = s.xs[j];
  const x1 = s.xs[j + 1];
  return s.ys[j] + ((s.ys[j + 1] - s.ys[j]) * (x - x0)) / (x1 - x0);
}

function withoutNaN(s: XYSeries): XYSeries {
  let finite = 0;
  for (let i = 0; i < s.ys.length; i++) if (!Number.isNaN(s.ys[i])) finite++;
  if (finite === s.ys.length) return s;
  const xs = new Float64Array(finite);
  const ys = new Float64Array(finite);
  let k = 0;
  for (let i = 0; i < s.ys.length; i++) {
    if (Number.isNaN(s.ys[i])) continue;
    xs[k] = s.xs[i];
    ys[k++] = s.ys[i];
  }
  return { xs, ys };
}

/** Sorted distinct xs of all series: pairwise linear merges (runs often share their steps), no global sort. */
function unionOfXs(series: readonly XYSeries[]): Float64Array {
  let level = series.map((s) => mergeUnique(s.xs, new Float64Array(0)));
  if (level.length === 0) return new Float64Array(0);
  while (level.length > 1) {
    const next: Float64Array[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(i + 1 < level.length ? mergeUnique(level[i], level[i + 1]) : level[i]);
    level = next;
  }
  return level[0];
}

/** Merges two sorted arrays, dropping repeats. */
function mergeUnique(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < a.length || j < b.length) {
    const x = j >= b.length || (i < a.length && a[i] <= b[j]) ? a[i++] : b[j++];
    if (n === 0 || x !== out[n - 1]) out[n++] = x;
  }
  return out.slice(0, n);
}

/**
 * Keeps the points min-max decimation picks on the mean; each kept point's band covers the points nearest to it
 * (up to half way to its kept neighbours), so a spike in the band survives even where the mean is flat.
 */
function decimateBand(xs: Float64Array, mean: Float64Array, lo: Float64Array, hi: Float64Array, maxPoints: number) {
  const keep = minMaxIndices(xs, mean, 0, xs.length - 1, maxPoints);
  if (keep.length === xs.length) return { xs, mean, lo, hi };
  const out = { xs: new Float64Array(keep.length), mean: new Float64Array(keep.length), lo: new Float64Array(keep.length), hi: new Float64Array(keep.length) };
  for (let k = 0; k < keep.length; k++) {
    const from = k === 0 ? 0 : Math.floor((keep[k - 1] + keep[k]) / 2) + 1;
    const to = k === keep.length - 1 ? xs.length - 1 : Math.floor((keep[k] + keep[k + 1]) / 2);
    let low = Infinity;
    let high = -Infinity;
    for (let i = from; i <= to; i++) {
      if (lo[i] < low) low = lo[i];
      if (hi[i] > high) high = hi[i];
    }
    const at = keep[k];
    out.xs[k] = xs[at];
    out.mean[k] = mean[at];
    out.lo[k] = Number.isNaN(mean[at]) ? NaN : low;
    out.hi[k] = Number.isNaN(mean[at]) ? NaN : high;
  }
  return out;
}
