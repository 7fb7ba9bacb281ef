import type { Experiment, MetricPoint, Run, StoreRef } from '../core/runs/types';

// The CLI's --json shapes. Field names are stable: scripts depend on them (documented in notes/cli-readme.md).

/** A number as MLflow's REST JSON writes it: NaN and the infinities as strings (protobuf JSON mapping). */
export type JsonNumber = number | 'NaN' | 'Infinity' | '-Infinity';

export interface StoreJson {
  kind: StoreRef['kind'];
  uri: string;
}

export interface RunJson {
  runId: string;
  runName: string;
  experimentId: string;
  experimentName: string | null;
  status: Run['status'];
  startTime: number | null;
  endTime: number | null;
  lifecycleStage: Run['lifecycleStage'];
  params: Record<string, string>;
  metrics: Record<string, JsonNumber>;
  tags: Record<string, string>;
  parentRunId: string | null;
  store: StoreJson;
}

export interface ExperimentJson {
  experimentId: string;
  name: string;
  lifecycleStage: Experiment['lifecycleStage'];
  artifactLocation: string | null;
  creationTime: number | null;
  lastUpdateTime: number | null;
  tags: Record<string, string>;
  store: StoreJson;
}

export interface MetricPointJson {
  step: number;
  timestamp: number;
  value: JsonNumber;
}

export function jsonNumber(n: number): JsonNumber {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return 'Infinity';
  if (n === -Infinity) return '-Infinity';
  return n;
}

/** `experimentName` is null when the run's experiment is not in the store (an orphan run folder). */
export function runToJson(run: Run, experimentName: string | null): RunJson {
  const metrics: Record<string, JsonNumber> = {};
  for (const key of sortedKeys(run.metrics)) metrics[key] = jsonNumber(run.metrics[key].value);
  return {
    runId: run.runId,
    runName: run.runName,
    experimentId: run.experimentId,
    experimentName,
    status: run.status,
    startTime: run.startTime,
    endTime: run.endTime,
    lifecycleStage: run.lifecycleStage,
    params: sortedCopy(run.params),
    metrics,
    tags: sortedCopy(run.tags),
    parentRunId: run.parentRunId,
    store: storeToJson(run.store),
  };
}

export function experimentToJson(exp: Experiment): ExperimentJson {
  return {
    experimentId: exp.experimentId,
    name: exp.name,
    lifecycleStage: exp.lifecycleStage,
    artifactLocation: exp.artifactLocation,
    creationTime: exp.creationTime,
    lastUpdateTime: exp.lastUpdateTime,
    tags: sortedCopy(exp.tags),
    store: storeToJson(exp.store),
  };
}

export function metricPointToJson(p: MetricPoint): MetricPointJson {
  return { step: p.step, timestamp: p.timestamp, value: jsonNumber(p.value) };
}

/** Pretty JSON with a final newline, as a file or a pipe expects. */
export function toJsonText(value: unknown): string {
  return JSON.stringify(value, null, 2) + '\n';
}

function storeToJson(ref: StoreRef): StoreJson {
  return { kind: ref.kind, uri: ref.uri };
}

// Sorted keys make the output stable across stores and reads, so it can be diffed.
function sortedKeys(map: object): string[] {
  return Object.keys(map).sort();
}

function sortedCopy(map: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of sortedKeys(map)) out[key] = map[key];
  return out;
}
