import type { SqlValue } from 'sql.js';
import type { Experiment, LatestMetric, LifecycleStage, Run, RunStatus, StoreRef } from '../runs/types';

// Conversions between the model objects and the index's rows. Optional model fields (metaPath) are
// stored as NULL and left out again on the way back, so objects round-trip deep-equal.

export const RUN_COLUMNS =
  'r.id, r.store_id, r.run_id, r.run_name, r.experiment_id, r.status, r.start_time, r.end_time, ' +
  'r.lifecycle_stage, r.artifact_uri, r.user_id, r.parent_run_id, r.meta_path';

export function runValues(run: Run): SqlValue[] {
  return [
    run.runName, run.experimentId, run.status, run.startTime, run.endTime, run.lifecycleStage,
    run.artifactUri, run.userId, run.parentRunId, run.metaPath ?? null,
  ];
}

/** A run from a RUN_COLUMNS row, with empty params/tags/metrics for the caller to fill. */
export function runFromRow(row: SqlValue[], store: StoreRef): Run {
  const run: Run = {
    runId: row[2] as string,
    runName: row[3] as string,
    experimentId: row[4] as string,
    status: row[5] as RunStatus,
    startTime: row[6] as number | null,
    endTime: row[7] as number | null,
    lifecycleStage: row[8] as LifecycleStage,
    artifactUri: row[9] as string | null,
    userId: row[10] as string | null,
    params: {},
    tags: {},
    metrics: {},
    parentRunId: row[11] as string | null,
    store,
  };
  if (row[12] !== null) run.metaPath = row[12] as string;
  return run;
}

export const EXPERIMENT_COLUMNS =
  'store_id, experiment_id, name, lifecycle_stage, artifact_location, creation_time, last_update_time, tags, meta_path';

export function experimentValues(storeId: number, e: Experiment): SqlValue[] {
  return [
    storeId, e.experimentId, e.name, e.lifecycleStage, e.artifactLocation, e.creationTime, e.lastUpdateTime,
    JSON.stringify(e.tags), e.metaPath ?? null,
  ];
}

export function experimentFromRow(row: SqlValue[], store: StoreRef): Experiment {
  const experiment: Experiment = {
    experimentId: row[1] as string,
    name: row[2] as string,
    lifecycleStage: row[3] as LifecycleStage,
    artifactLocation: row[4] as string | null,
    creationTime: row[5] as number | null,
    lastUpdateTime: row[6] as number | null,
    tags: JSON.parse(row[7] as string) as Record<string, string>,
    store,
  };
  if (row[8] !== null) experiment.metaPath = row[8] as string;
  return experiment;
}

/** [value, is_nan, step, timestamp] for the latest_metrics row. */
export function latestValues(metric: LatestMetric): SqlValue[] {
  const nan = Number.isNaN(metric.value);
  return [nan ? null : metric.value, nan ? 1 : 0, metric.step, metric.timestamp];
}

export function latestFromRow(value: SqlValue, isNan: SqlValue, step: SqlValue, timestamp: SqlValue): LatestMetric {
  return { value: isNan ? NaN : (value as number), step: step as number, timestamp: timestamp as number };
}
