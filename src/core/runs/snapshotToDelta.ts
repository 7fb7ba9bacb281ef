import type { Experiment, Run, StoreDelta, StoreSnapshot } from './types';

/**
 * A store read whole (mlflow.db) as a delta against what the index holds: changed runs replaced,
 * vanished ones removed. Histories stay in the db, so no appends.
 */
export function snapshotToDelta(snapshot: StoreSnapshot, indexed: readonly Run[], indexedExperiments: readonly Experiment[]): StoreDelta {
  const present = new Set(snapshot.runs.map((r) => r.runId));
  const presentExperiments = new Set(snapshot.experiments.map((e) => e.experimentId));
  const before = new Map(indexed.map((r) => [r.runId, r]));
  return {
    store: snapshot.store,
    experiments: snapshot.experiments,
    removedExperimentIds: indexedExperiments.filter((e) => !presentExperiments.has(e.experimentId)).map((e) => e.experimentId),
    runs: snapshot.runs.filter((r) => !sameRun(before.get(r.runId), r)),
    removedRunIds: indexed.filter((r) => !present.has(r.runId)).map((r) => r.runId),
    appends: [],
    problems: snapshot.problems,
  };
}

function sameRun(a: Run | undefined, b: Run): boolean {
  return a !== undefined && JSON.stringify(a) === JSON.stringify(b);
}
