import type { Run, StoreRef } from '../../../src/core/runs/types';

export const TEST_STORE: StoreRef = { kind: 'mlflow-file', uri: 'file:///tmp/mlruns', path: '/tmp/mlruns' };

/** A run with sensible defaults, for tests that care about a few fields. */
export function makeRun(runId: string, over: Partial<Run> = {}): Run {
  return {
    runId, runName: runId, experimentId: '1', status: 'FINISHED', startTime: 1_700_000_000_000, endTime: 1_700_000_060_000,
    lifecycleStage: 'active', artifactUri: null, userId: 'ana', params: {}, tags: {}, metrics: {}, parentRunId: null,
    store: TEST_STORE, ...over,
  };
}
