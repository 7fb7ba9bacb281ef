import type { Run } from '../runs/types';
import { naturalCompare } from './naturalCompare';
import { numericParam } from './paramValue';
import { parseRunKey, runKeyValue, type RunKey } from './runKey';

export interface ParamMetricPoints {
  kind: 'numeric' | 'categorical';
  /** Categorical only: the values in natural order; a point's x is the index of its category. */
  categories?: string[];
  points: { runId: string; x: number; y: number }[];
}

/**
 * Scatter points of one param (numeric, else categorical with the category list) against one metric's latest
 * value. `param` and `metric` are plain keys (`lr`, `val/loss`). Runs lacking either, or whose metric is NaN or
 * infinite, have no point. The param is numeric when every value present reads as a number.
 */
export function paramVsMetric(runs: readonly Run[], param: string, metric: string): ParamMetricPoints {
  const present = runs.filter((r) => Object.prototype.hasOwnProperty.call(r.params, param) &&
    Object.prototype.hasOwnProperty.call(r.metrics, metric) && Number.isFinite(r.metrics[metric].value));
  const axis = axisOf(present.map((r) => r.params[param]));
  const points = present.map((r) => ({ runId: r.runId, x: axis.position(r.params[param]) as number, y: r.metrics[metric].value }));
  return axis.kind === 'numeric' ? { kind: 'numeric', points } : { kind: 'categorical', categories: axis.categories, points };
}

export interface ParallelAxis {
  key: string;
  kind: 'numeric' | 'categorical';
  /** Numeric: the smallest and largest value (equal with one distinct value, 0 and 0 with none); categorical: 0 and categories - 1. */
  min: number;
  max: number;
  categories?: string[];
}

/**
 * Parallel coordinates: one axis per chosen `params.x`/`metrics.y` (`tags.z` too), numeric or categorical, with
 * each run's position: the value on a numeric axis, the category's index on a categorical one, null where the
 * run lacks the key or its metric is NaN. A param or tag axis is numeric when every value present reads as a number.
 */
export function parallelCoordinates(runs: readonly Run[], axes: string[]): { axes: ParallelAxis[]; lines: { runId: string; values: (number | null)[] }[] } {
  const keys = axes.map((a) => parseRunKey(a));
  const scales = keys.map((key) => axisOf(runs.map((r) => valueOf(r, key)).filter((v): v is string | number => v !== undefined)));
  return {
    axes: scales.map((scale, i) => ({
      key: axes[i],
      kind: scale.kind,
      min: scale.min,
      max: scale.max,
      ...(scale.kind === 'categorical' ? { categories: scale.categories } : {}),
    })),
    lines: runs.map((r) => ({
      runId: r.runId,
      values: keys.map((key, i) => {
        const v = valueOf(r, key);
        return v === undefined ? null : scales[i].position(v);
      }),
    })),
  };
}

/** A metric that is NaN or infinite cannot be placed on an axis: it counts as missing. */
function valueOf(run: Run, key: RunKey): string | number | undefined {
  const v = runKeyValue(run, key);
  return typeof v === 'number' && !Number.isFinite(v) ? undefined : v;
}

interface Axis {
  kind: 'numeric' | 'categorical';
  min: number;
  max: number;
  categories: string[];
  position(value: string | number): number | null;
}

/** Numeric when every value is a number or text that reads as one; otherwise categories in natural order. */
function axisOf(values: readonly (string | number)[]): Axis {
  const asNumber = (v: string | number) => (typeof v === 'number' ? v : numericParam(v));
  const numbers = values.map(asNumber);
  if (numbers.every((n) => n !== null)) {
    let min = Infinity;
    let max = -Infinity;
    for (const n of numbers as number[]) {
      if (n < min) min = n;
      if (n > max) max = n;
    }
    return {
      kind: 'numeric', min: numbers.length ? min : 0, max: numbers.length ? max : 0, categories: [],
      position: (v) => asNumber(v),
    };
  }
  const categories = [...new Set(values.map(String))].sort(naturalCompare);
  const index = new Map(categories.map((c, i) => [c, i]));
  return {
    kind: 'categorical', min: 0, max: categories.length - 1, categories,
    position: (v) => index.get(String(v)) ?? null,
  };
}
