import type { Run } from '../types';
import { stringAttribute } from './matchesFilter';
import type { RunOrder, StringAttribute } from './types';

type SortValue = number | string | null | undefined;

/**
 * A comparator following MLflow's run ordering (SearchUtils.sort / _get_value_for_sort, and the SQL store's
 * order clauses): each order in turn, missing values last whatever the direction, NaN after every number but
 * before missing; metrics compare as numbers, params and tags as strings. Ties fall back to MLflow's default
 * order: start_time DESC, then run_id ASC.
 */
export function compareRuns(orders: readonly RunOrder[]): (a: Run, b: Run) => number {
  return (a, b) => {
    for (const o of orders) {
      const c = compareValues(sortValue(a, o), sortValue(b, o), o.ascending);
      if (c !== 0) return c;
    }
    return compareValues(a.startTime, b.startTime, false) || compareValues(a.runId, b.runId, true);
  };
}

/** A sorted copy of `runs`. */
export function sortRuns(runs: readonly Run[], orders: readonly RunOrder[]): Run[] {
  return [...runs].sort(compareRuns(orders));
}

function sortValue(run: Run, o: RunOrder): SortValue {
  switch (o.type) {
    case 'metric': return run.metrics[o.key]?.value;
    case 'param': return own(run.params, o.key);
    case 'tag': return own(run.tags, o.key);
    case 'attribute':
      if (o.key === 'start_time') return run.startTime;
      if (o.key === 'end_time') return run.endTime;
      return stringAttribute(run, o.key as StringAttribute);
  }
}

function own(map: Record<string, string>, key: string): string | undefined {
  return Object.prototype.hasOwnProperty.call(map, key) ? map[key] : undefined;
}

/** 0 for a value, 1 for NaN, 2 for missing: the order they take in either direction. */
function rank(v: SortValue): number {
  if (v === null || v === undefined) return 2;
  return typeof v === 'number' && Number.isNaN(v) ? 1 : 0;
}

function compareValues(a: SortValue, b: SortValue, ascending: boolean): number {
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb || ra !== 0) return ra - rb;
  // Strings compare by code unit, like Python's str ordering for all but astral characters.
  const c = (a as number | string) < (b as number | string) ? -1 : (a as number | string) > (b as number | string) ? 1 : 0;
  return ascending ? c : -c;
}
