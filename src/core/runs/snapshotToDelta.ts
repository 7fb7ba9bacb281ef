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

/** Field by field with early exits: cheaper than serialising 10,000 runs on every re-read of a busy db. */
function sameRun(a: Run | undefined, b: Run): boolean {
  if (a === undefined) return false;
  if (a.status !== b.status || a.endTime !== b.endTime || a.startTime !== b.startTime || a.lifecycleStage !== b.lifecycleStage ||
    a.runName !== b.runName || a.experimentId !== b.experimentId || a.parentRunId !== b.parentRunId ||
    a.artifactUri !== b.artifactUri || a.userId !== b.userId || a.metaPath !== b.metaPath) return false;
  return sameStrings(a.params, b.params) && sameStrings(a.tags, b.tags) && sameMetrics(a.metrics, b.metrics);
}

function sameStrings(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((k) => Object.prototype.hasOwnProperty.call(b, k) && a[k] === b[k]);
}

function sameMetrics(a: Run['metrics'], b: Run['metrics']): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((k) => {
    const x = a[k];
    const y = b[k];
    return y !== undefined && Object.is(x.value, y.value) && x.step === y.step && x.timestamp === y.timestamp;
  });
}
