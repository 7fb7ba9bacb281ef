import type { Experiment, MetricAppend, MetricSeries, Run, StoreDelta, StoreRef } from '../../../src/core/runs/types';

// Small builders for index tests: plain model objects, as a store reader would produce them.

export const fileStore: StoreRef = { kind: 'mlflow-file', uri: 'file:///work/a/mlruns', path: '/work/a/mlruns' };
export const sqliteStore: StoreRef = { kind: 'mlflow-sqlite', uri: 'sqlite:////work/b/mlflow.db', path: '/work/b/mlflow.db' };

export function makeExperiment(store: StoreRef, experimentId: string, extra: Partial<Experiment> = {}): Experiment {
  return {
    experimentId,
    name: `exp ${experimentId}`,
    lifecycleStage: 'active',
    artifactLocation: `${store.uri}/${experimentId}`,
    creationTime: 1700000000000,
    lastUpdateTime: null,
    tags: { 'mlflow.note.content': 'notes ü' },
    store,
    ...extra,
  };
}

export function makeRun(store: StoreRef, runId: string, extra: Partial<Run> = {}): Run {
  return {
    runId,
    runName: `run ${runId}`,
    experimentId: '1',
    status: 'FINISHED',
    startTime: 1700000000000,
    endTime: 1700000005000,
    lifecycleStage: 'active',
    artifactUri: `${store.uri}/1/${runId}/artifacts`,
    userId: 'ada',
    params: { lr: '0.01' },
    tags: { 'mlflow.runName': `run ${runId}` },
    metrics: { loss: { value: 0.5, step: 3, timestamp: 1700000004000 } },
    parentRunId: null,
    store,
    ...extra,
  };
}

export function series(steps: number[], values: number[], timestamps = steps.map((s) => 1700000000000 + s * 1000)): MetricSeries {
  return { steps: Float64Array.from(steps), timestamps: Float64Array.from(timestamps), values: Float64Array.from(values) };
}

export function append(runId: string, key: string, points: MetricSeries, replaced = false): MetricAppend {
  return { runId, key, series: points, replaced };
}

export function delta(store: StoreRef, parts: Partial<Omit<StoreDelta, 'store'>>): StoreDelta {
  return { store, experiments: [], removedExperimentIds: [], runs: [], removedRunIds: [], appends: [], problems: [], ...parts };
}

/** Plain arrays, so assertion diffs stay readable. */
export function points(s: MetricSeries | undefined): { steps: number[]; timestamps: number[]; values: number[] } | undefined {
  return s && { steps: [...s.steps], timestamps: [...s.timestamps], values: [...s.values] };
}
