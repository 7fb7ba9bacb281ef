import type { Run } from './types';

/** Metrics people usually judge a run by, best first; the first one a run set has is the default key metric. */
const PREFERRED = ['accuracy', 'val_accuracy', 'test_accuracy', 'f1', 'val_f1', 'auc', 'val_auc', 'r2', 'val_loss', 'loss', 'rmse', 'mae'];

export function metricKeysOf(runs: readonly Run[]): string[] {
  const keys = new Set<string>();
  for (const run of runs) for (const key of Object.keys(run.metrics)) keys.add(key);
  return [...keys].sort((a, b) => a.localeCompare(b));
}

export function paramKeysOf(runs: readonly Run[]): string[] {
  const keys = new Set<string>();
  for (const run of runs) for (const key of Object.keys(run.params)) keys.add(key);
  return [...keys].sort((a, b) => a.localeCompare(b));
}

/** The user's choice if the runs still have it, else a sensible default, else undefined (no metrics at all). */
export function resolveKeyMetric(runs: readonly Run[], chosen: string | undefined): string | undefined {
  const keys = metricKeysOf(runs);
  if (chosen && keys.includes(chosen)) return chosen;
  return PREFERRED.find((k) => keys.includes(k)) ?? keys[0];
}
