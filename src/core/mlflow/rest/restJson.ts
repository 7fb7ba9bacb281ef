import { isLaterPoint } from '../../runs/latestMetric';
import { parseRunStatus } from '../../runs/statusNames';
import type { Experiment, LatestMetric, MetricPoint, Run, StoreProblem, StoreRef } from '../../runs/types';

// MLflow's REST JSON (mlflow/protos/service.proto through message_to_json) mapped to our run model, as the file and
// SQLite readers map MLflow's stores. int64 fields come as numbers from MLflow's server, but as strings from the
// protobuf JSON mapping proper (other servers, proxies): both are read. Doubles may be "NaN", "Infinity", "-Infinity".
// Absent fields are proto2 defaults: an absent end_time or creation time is "none", as MLflow's from_proto reads it.

export interface RestKeyValue {
  key?: string;
  value?: string;
}

export interface RestMetric {
  key?: string;
  value?: number | string;
  timestamp?: number | string;
  step?: number | string;
}

export interface RestRunInfo {
  run_id?: string;
  run_uuid?: string;
  run_name?: string;
  experiment_id?: string;
  user_id?: string;
  status?: string | number;
  start_time?: number | string;
  end_time?: number | string;
  artifact_uri?: string;
  lifecycle_stage?: string;
}

export interface RestRun {
  info?: RestRunInfo;
  data?: { metrics?: RestMetric[]; params?: RestKeyValue[]; tags?: RestKeyValue[] };
}

export interface RestExperiment {
  experiment_id?: string;
  name?: string;
  artifact_location?: string;
  lifecycle_stage?: string;
  creation_time?: number | string;
  last_update_time?: number | string;
  tags?: RestKeyValue[];
}

export interface SearchRunsResponse {
  runs?: RestRun[];
  next_page_token?: string;
}

export interface SearchExperimentsResponse {
  experiments?: RestExperiment[];
  next_page_token?: string;
}

export interface GetRunResponse {
  run?: RestRun;
}

export interface MetricHistoryResponse {
  metrics?: RestMetric[];
  next_page_token?: string;
}

/** An int64 as MLflow or protobuf JSON writes it; undefined when absent or not a number. */
function int64(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && /^-?\d+$/.test(v.trim())) return Number(v);
  return undefined;
}

/** A double: a number, or the strings the protobuf JSON mapping uses for non-finite values. */
export function restDouble(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    if (v === 'Infinity') return Infinity;
    if (v === '-Infinity') return -Infinity;
    const t = v.trim();
    return t === '' ? NaN : Number(t);
  }
  return NaN;
}

const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** Sets an own property, even for a key named `__proto__` (keys are data from the server). */
function setOwn<T>(record: Record<string, T>, key: string, value: T): void {
  if (key === '__proto__') Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
  else record[key] = value;
}

const ownValue = (record: Record<string, string>, key: string): string | undefined =>
  Object.prototype.hasOwnProperty.call(record, key) ? record[key] : undefined;

/** `[{key, value}]` as a record; a missing value is the empty string (proto2 leaves empty strings out). */
function keyValues(list: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!Array.isArray(list)) return out;
  for (const kv of list as RestKeyValue[]) {
    const key = text(kv?.key);
    if (key !== undefined) setOwn(out, key, text(kv.value) ?? '');
  }
  return out;
}

export function metricPointFromRest(m: RestMetric): MetricPoint {
  return { step: int64(m.step) ?? 0, timestamp: int64(m.timestamp) ?? 0, value: restDouble(m.value) };
}

function latestMetrics(list: unknown): Record<string, LatestMetric> {
  const out: Record<string, LatestMetric> = {};
  if (!Array.isArray(list)) return out;
  for (const m of list as RestMetric[]) {
    const key = text(m?.key);
    if (key === undefined) continue;
    const point = metricPointFromRest(m);
    const current = Object.prototype.hasOwnProperty.call(out, key) ? out[key] : undefined;
    // A server sends one latest value per key; should one send several, MLflow's rule picks.
    if (!current || isLaterPoint(point, current)) setOwn(out, key, point);
  }
  return out;
}

export function experimentFromRest(e: RestExperiment, store: StoreRef): Experiment | undefined {
  const experimentId = text(e?.experiment_id);
  if (experimentId === undefined || experimentId === '') return undefined;
  return {
    experimentId,
    name: text(e.name) ?? '',
    lifecycleStage: e.lifecycle_stage === 'deleted' ? 'deleted' : 'active',
    artifactLocation: text(e.artifact_location) ?? null,
    creationTime: int64(e.creation_time) || null,
    lastUpdateTime: int64(e.last_update_time) || null,
    tags: keyValues(e.tags),
    store,
  };
}

/**
 * A run from runs/search or runs/get; undefined (with a problem) when it has no id. An unknown status is shown as
 * SCHEDULED, as the SQLite reader does, and reported once per value by the caller through `badStatuses`.
 */
export function runFromRest(r: RestRun, store: StoreRef, badStatuses: Map<string, number>): Run | undefined {
  const info = r?.info ?? {};
  const runId = text(info.run_id) || text(info.run_uuid);
  if (!runId) return undefined;
  let status = parseRunStatus(info.status);
  if (!status) {
    const shown = JSON.stringify(info.status ?? null);
    badStatuses.set(shown, (badStatuses.get(shown) ?? 0) + 1);
    status = 'SCHEDULED';
  }
  const tags = keyValues(r.data?.tags);
  const endTime = int64(info.end_time);
  return {
    runId,
    // MLflow falls back to the mlflow.runName tag when the run has no name (old servers).
    runName: text(info.run_name) || ownValue(tags, 'mlflow.runName') || '',
    experimentId: text(info.experiment_id) ?? '',
    status,
    startTime: int64(info.start_time) ?? null,
    endTime: endTime === undefined || endTime === 0 ? null : endTime,
    lifecycleStage: info.lifecycle_stage === 'deleted' ? 'deleted' : 'active',
    artifactUri: text(info.artifact_uri) ?? null,
    userId: text(info.user_id) ?? null,
    params: keyValues(r.data?.params),
    tags,
    metrics: latestMetrics(r.data?.metrics),
    parentRunId: ownValue(tags, 'mlflow.parentRunId') ?? null,
    store,
  };
}

/** The problems `runFromRest` counted, one per bad status value. */
export function statusProblems(badStatuses: ReadonlyMap<string, number>, server: string): StoreProblem[] {
  return [...badStatuses].map(([value, count]) => ({
    severity: 'warning' as const,
    file: server,
    message: `${count} run(s) on ${server} have status ${value}, not one of MLflow's (RUNNING, SCHEDULED, FINISHED, FAILED, KILLED); shown as SCHEDULED.`,
  }));
}
