import type { MetricAppend, StoreDelta } from './types';

/**
 * Splits a large delta (a first read of 10,000 runs) into pieces of about `runsPerPiece` runs, so whoever applies
 * it can yield between pieces instead of blocking for seconds. Experiments, removals and problems go with the first
 * piece (runs may need their experiment), appends with their run, appends without a run in the delta last.
 */
export function splitDelta(delta: StoreDelta, runsPerPiece: number): StoreDelta[] {
  if (delta.runs.length <= runsPerPiece) return [delta];
  const appendsByRun = new Map<string, MetricAppend[]>();
  for (const a of delta.appends) {
    const list = appendsByRun.get(a.runId);
    if (list) list.push(a);
    else appendsByRun.set(a.runId, [a]);
  }
  const pieces: StoreDelta[] = [];
  for (let i = 0; i < delta.runs.length; i += runsPerPiece) {
    const runs = delta.runs.slice(i, i + runsPerPiece);
    const appends = runs.flatMap((r) => appendsByRun.get(r.runId) ?? []);
    for (const r of runs) appendsByRun.delete(r.runId);
    pieces.push(i === 0
      ? { ...delta, runs, appends }
      : { store: delta.store, experiments: [], removedExperimentIds: [], runs, removedRunIds: [], appends, problems: [] });
  }
  const orphanAppends = [...appendsByRun.values()].flat();
  if (orphanAppends.length) pieces[pieces.length - 1].appends.push(...orphanAppends);
  return pieces;
}
