import type { Experiment, Run, StoreSnapshot } from '../core/runs/types';

/** Finds a run's experiment across several stores (ids repeat between stores). */
export function experimentLookup(snapshots: readonly StoreSnapshot[]): (run: Run) => Experiment | undefined {
  const byKey = new Map<string, Experiment>();
  for (const s of snapshots) for (const e of s.experiments) byKey.set(`${e.store.uri}\n${e.experimentId}`, e);
  return (run) => byKey.get(`${run.store.uri}\n${run.experimentId}`);
}

/**
 * What MLflow lists by default (ViewType.ACTIVE_ONLY): active runs of active experiments. `all` adds deleted
 * ones. A run whose experiment is unknown counts as in an active experiment, so it is not silently hidden.
 */
export function isListedRun(run: Run, experiment: Experiment | undefined, all: boolean): boolean {
  return all || (run.lifecycleStage === 'active' && experiment?.lifecycleStage !== 'deleted');
}
