import type { XYSeries } from './types';

// Decimation runs in the extension host so the webview never receives a full history: a chart is ~2,000 pixels
// wide, so about 2,000 points per series draw the same picture as 100,000.

export interface XRange {
  xMin: number;
  xMax: number;
}

/** Inclusive index window of a sorted series. */
export interface IndexWindow {
  from: number;
  to: number;
}

/**
 * The points with x in [xMin, xMax] plus one neighbour on each side (so lines reach the chart's edges);
 * the whole series without a range. Empty when the series is (to < from).
 */
export function rangeWindow(xs: Float64Array, range?: XRange): IndexWindow {
  const n = xs.length;
  if (!range || n === 0 || Number.isNaN(range.xMin) || Number.isNaN(range.xMax)) return { from: 0, to: n - 1 };
  const lo = Math.min(range.xMin, range.xMax);
  const hi = Math.max(range.xMin, range.xMax);
  const first = firstIndexAbove(xs, lo, false);
  const afterLast = firstIndexAbove(xs, hi, true);
  return { from: Math.max(0, first - 1), to: Math.min(n - 1, afterLast) };
}

/** First index whose x is >= value (or > value when `strict`); xs.length when none. */
function firstIndexAbove(xs: Float64Array, value: number, strict: boolean): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (strict ? xs[mid] <= value : xs[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A budget below first + last makes no sense; fractional budgets round down. */
function budget(maxPoints: number): number {
  return Number.isFinite(maxPoints) ? Math.max(2, Math.floor(maxPoints)) : Number.MAX_SAFE_INTEGER;
}

function hasNonFinite(ys: Float64Array, from: number, to: number): boolean {
  for (let i = from; i <= to; i++) if (!Number.isFinite(ys[i])) return true;
  return false;
}

function hasNaN(ys: Float64Array, from: number, to: number): boolean {
  for (let i = from; i <= to; i++) if (Number.isNaN(ys[i])) return true;
  return false;
}

function gather(series: XYSeries, indices: Int32Array, count: number): XYSeries {
  const xs = new Float64Array(count);
  const ys = new Float64Array(count);
  for (let k = 0; k < count; k++) {
    xs[k] = series.xs[indices[k]];
    ys[k] = series.ys[indices[k]];
  }
  return { xs, ys };
}

/**
 * Returns the window as is when it fits the budget: the input itself without a range, a copy with one (a
 * subarray would drag its whole buffer into a structured clone).
 */
function smallEnough(series: XYSeries, window: IndexWindow, max: number, range?: XRange): XYSeries | undefined {
  const count = window.to - window.from + 1;
  if (count > max) return undefined;
  if (!range) return series;
  if (count <= 0) return { xs: new Float64Array(0), ys: new Float64Array(0) };
  return { xs: series.xs.slice(window.from, window.to + 1), ys: series.ys.slice(window.from, window.to + 1) };
}

/**
 * How many min-max buckets a budget allows: each bucket keeps its min and max, and one NaN point when the
 * series has gaps, so first + last + buckets x slots never exceeds maxPoints.
 */
export function minMaxBucketCount(maxPoints: number, withGaps: boolean): number {
  return Math.floor((budget(maxPoints) - 2) / (withGaps ? 3 : 2));
}

/**
 * Indices (ascending) that min-max decimation keeps from window [from, to] of a sorted series: the first and
 * last, and from each bucket its min, its max and its first NaN. Buckets split the x span of the points between
 * first and last into equal widths (point i of that span [x0, x1] falls in floor((x - x0) * (B / (x1 - x0))),
 * the last bucket closed); when that span is empty, buckets split by index instead.
 */
export function minMaxIndices(xs: Float64Array, ys: Float64Array, from: number, to: number, maxPoints: number): Int32Array {
  const max = budget(maxPoints);
  const count = to - from + 1;
  if (count <= max) {
    const all = new Int32Array(Math.max(0, count));
    for (let k = 0; k < all.length; k++) all[k] = from + k;
    return all;
  }
  const withGaps = hasNaN(ys, from + 1, to - 1);
  const buckets = minMaxBucketCount(max, withGaps);
  const out = new Int32Array(max);
  let n = 0;
  out[n++] = from;
  if (buckets >= 1) {
    const first = from + 1;
    const last = to - 1;
    const x0 = xs[first];
    const span = xs[last] - x0;
    const byX = span > 0 && Number.isFinite(span);
    const scale = byX ? buckets / span : buckets / (last - first + 1);
    let start = first;
    while (start <= last) {
      // floor(position) === bucket exactly while position < bucket + 1 (the last bucket takes the rest): one
      // multiply and compare per point, no floor. This runs over every point of every series on each chart update.
      const startPosition = byX ? (xs[start] - x0) * scale : (start - first) * scale;
      const bucket = Math.min(buckets - 1, Math.floor(startPosition));
      const limit = bucket === buckets - 1 ? Infinity : bucket + 1;
      let end = start + 1;
      if (byX) while (end <= last && (xs[end] - x0) * scale < limit) end++;
      else while (end <= last && (end - first) * scale < limit) end++;
      let minAt = -1;
      let maxAt = -1;
      let nanAt = -1;
      let minY = Infinity;
      let maxY = -Infinity;
      for (let i = start; i < end; i++) {
        const y = ys[i];
        if (y < minY) {
          minY = y;
          minAt = i;
        }
        if (y > maxY) {
          maxY = y;
          maxAt = i;
        }
      }
      if (withGaps || minAt < 0 || maxAt < 0) {
        // Rare cases: NaN points (never win a comparison) and buckets of only +-Infinity.
        for (let i = start; i < end; i++) {
          const y = ys[i];
          if (y !== y) {
            if (nanAt < 0) nanAt = i;
          } else {
            if (minAt < 0 && y === minY) minAt = i;
            if (maxAt < 0 && y === maxY) maxAt = i;
          }
        }
      }
      // Up to three distinct indices, written in x order.
      let a = Math.min(minAt, maxAt);
      let b = Math.max(minAt, maxAt);
      let c = nanAt;
      if (b > c) {
        const t = b;
        b = c;
        c = t;
        if (a > b) {
          const u = a;
          a = b;
          b = u;
        }
      }
      if (a >= 0) out[n++] = a;
      if (b >= 0 && b !== a) out[n++] = b;
      if (c >= 0 && c !== b) out[n++] = c;
      start = end;
    }
  }
  out[n++] = to;
  return out.slice(0, n);
}

/**
 * Shape-preserving min-max decimation: x range split into ~maxPoints/2 buckets; each keeps its min and max y (in
 * x order), first and last point always kept. Only points with x in [xMin,xMax] (plus one neighbour on each side,
 * so lines reach the edge) when a range is given. NaN y kept as gaps: a bucket holding a NaN keeps its first NaN
 * where it is, so the chart breaks the line there. Input sorted by x. Returns the input arrays unchanged when
 * already small enough (and no range is given).
 */
export function decimateMinMax(series: XYSeries, maxPoints: number, range?: XRange): XYSeries {
  const window = rangeWindow(series.xs, range);
  const small = smallEnough(series, window, budget(maxPoints), range);
  if (small) return small;
  const indices = minMaxIndices(series.xs, series.ys, window.from, window.to, maxPoints);
  return gather(series, indices, indices.length);
}

/**
 * Largest-Triangle-Three-Buckets (Steinarsson 2013) over typed arrays, same range rule. Points between first and
 * last are split by index into maxPoints - 2 buckets; from each, the point forming the largest triangle with the
 * previously kept point and the mean of the next bucket is kept. Non-finite y never wins a triangle and never
 * enters a mean; a bucket holding one keeps its first such point as a gap (the budget then allows half as many
 * buckets, so the output still fits maxPoints).
 */
export function decimateLttb(series: XYSeries, maxPoints: number, range?: XRange): XYSeries {
  const max = budget(maxPoints);
  const window = rangeWindow(series.xs, range);
  const small = smallEnough(series, window, max, range);
  if (small) return small;
  const { xs, ys } = series;
  const { from, to } = window;
  const first = from + 1;
  const interior = to - from - 1;
  const withGaps = hasNonFinite(ys, first, to - 1);
  const buckets = Math.min(interior, withGaps ? Math.floor((max - 2) / 2) : max - 2);
  const out = new Int32Array(max);
  let n = 0;
  out[n++] = from;
  const every = interior / Math.max(1, buckets);
  // Bucket k is [boundary(k), boundary(k + 1)); the last one ends at `to` whatever the rounding of `every`.
  const boundary = (k: number) => (k >= buckets ? to : first + Math.floor(k * every));
  let anchorX = xs[from];
  let anchorY = ys[from];
  for (let k = 0; k < buckets; k++) {
    const start = boundary(k);
    const end = boundary(k + 1);
    // The third corner: the mean of the next bucket's finite points; for the last bucket, the last point.
    const nextStart = end;
    const nextEnd = k + 1 >= buckets ? to + 1 : boundary(k + 2);
    let sumX = 0;
    let sumY = 0;
    let finite = 0;
    for (let i = nextStart; i < nextEnd; i++) {
      if (!Number.isFinite(ys[i])) continue;
      sumX += xs[i];
      sumY += ys[i];
      finite++;
    }
    // Gaps at the anchor or in the whole next bucket: measure against a flat line instead of poisoning the area.
    if (!Number.isFinite(anchorY)) anchorY = finite > 0 ? sumY / finite : 0;
    const cx = finite > 0 ? sumX / finite : xs[nextStart];
    const cy = finite > 0 ? sumY / finite : anchorY;
    let best = -1;
    let bestArea = -1;
    let gapAt = -1;
    for (let i = start; i < end; i++) {
      const y = ys[i];
      if (!Number.isFinite(y)) {
        if (gapAt < 0) gapAt = i;
        continue;
      }
      // Twice the triangle's area; the factor does not change which point wins.
      const area = Math.abs((anchorX - cx) * (y - anchorY) - (anchorX - xs[i]) * (cy - anchorY));
      if (area > bestArea) {
        bestArea = area;
        best = i;
      }
    }
    if (gapAt >= 0 && (best < 0 || gapAt < best)) out[n++] = gapAt;
    if (best >= 0) {
      out[n++] = best;
      anchorX = xs[best];
      anchorY = ys[best];
    }
    if (gapAt >= 0 && best >= 0 && gapAt > best) out[n++] = gapAt;
  }
  out[n++] = to;
  return gather(series, out, n);
}
