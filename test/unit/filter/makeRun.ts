import type { Run } from '../../../src/core/runs/types';

/** A run with defaults, for filter and sort tests; `metrics` takes plain latest values. */
export function makeRun(over: Partial<Omit<Run, 'metrics'>> & { metrics?: Record<string, number> } = {}): Run {
  const { metrics = {}, ...rest } = over;
  return {
    runId: 'a1',
    runName: 'run',
    experimentId: '0',
    status: 'FINISHED',
    startTime: 1000,
    endTime: 2000,
    lifecycleStage: 'active',
    artifactUri: 'file:///tmp/mlruns/0/a1/artifacts',
    userId: 'alice',
    params: {},
    tags: {},
    parentRunId: null,
    store: { kind: 'mlflow-file', uri: 'file:///tmp/mlruns', path: '/tmp/mlruns' },
    ...rest,
    metrics: Object.fromEntries(Object.entries(metrics).map(([k, value]) => [k, { value, step: 0, timestamp: 0 }])),
  };
}
