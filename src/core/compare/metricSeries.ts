import type { MetricPoint, MetricSeries } from '../runs/types';
import type { XAxisKind, XYSeries } from './types';

/**
 * A run's history as the x axis asks: step, wall time (epoch ms) or relative (ms since the first point, the
 * earliest timestamp). Sorted by x; points with equal x keep log order. Always new arrays: the caller may keep
 * or send them while the index appends to its own.
 */
export function toXYSeries(points: MetricSeries | readonly MetricPoint[], x: XAxisKind): XYSeries {
  const columns = isColumnar(points) ? points : toColumns(points);
  const n = columns.values.length;
  const xs = new Float64Array(n);
  if (x === 'step') {
    xs.set(columns.steps.subarray(0, n));
  } else {
    xs.set(columns.timestamps.subarray(0, n));
    if (x === 'relativeTime' && n > 0) {
      let start = Infinity;
      for (let i = 0; i < n; i++) if (xs[i] < start) start = xs[i];
      for (let i = 0; i < n; i++) xs[i] -= start;
    }
  }
  const ys = columns.values.slice(0, n);
  if (isSorted(xs)) return { xs, ys };
  // MLflow logs steps in any order (a resumed run, `step=` given by hand): sort, ties in log order.
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => xs[a] - xs[b] || a - b);
  const sortedXs = new Float64Array(n);
  const sortedYs = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    sortedXs[k] = xs[order[k]];
    sortedYs[k] = ys[order[k]];
  }
  return { xs: sortedXs, ys: sortedYs };
}

function isColumnar(points: MetricSeries | readonly MetricPoint[]): points is MetricSeries {
  return !Array.isArray(points);
}

function toColumns(points: readonly MetricPoint[]): MetricSeries {
  const n = points.length;
  const steps = new Float64Array(n);
  const timestamps = new Float64Array(n);
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    steps[i] = points[i].step;
    timestamps[i] = points[i].timestamp;
    values[i] = points[i].value;
  }
  return { steps, timestamps, values };
}

function isSorted(xs: Float64Array): boolean {
  for (let i = 1; i < xs.length; i++) if (xs[i] < xs[i - 1]) return false;
  return true;
}
