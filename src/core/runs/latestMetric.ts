import type { LatestMetric, MetricPoint } from './types';

/**
 * MLflow's rule for a metric's latest value: the point with the largest (step, timestamp, value),
 * compared in that order (mlflow/store/tracking/file_store.py `get_latest_metric`, and the SQL store's
 * latest_metrics update). NaN compares below every number, as the SQL store's is_nan handling does.
 */
export function isLaterPoint(candidate: MetricPoint, current: MetricPoint): boolean {
  if (candidate.step !== current.step) return candidate.step > current.step;
  if (candidate.timestamp !== current.timestamp) return candidate.timestamp > current.timestamp;
  if (Number.isNaN(current.value)) return !Number.isNaN(candidate.value);
  return candidate.value > current.value;
}

/** Folds points into the latest one; `current` is the latest so far (for appends), if any. */
export function latestOf(points: readonly MetricPoint[], current?: LatestMetric): LatestMetric | undefined {
  let best: MetricPoint | undefined = current;
  for (const p of points) if (!best || isLaterPoint(p, best)) best = p;
  return best && { value: best.value, step: best.step, timestamp: best.timestamp };
}
