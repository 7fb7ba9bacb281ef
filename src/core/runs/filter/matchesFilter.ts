import type { Run } from '../types';
import { likeToRegExp } from './likePattern';
import type { FilterClause, NumericOperator, RunFilter, StringAttribute, StringOperator } from './types';

/**
 * Whether a run passes every clause, as MLflow's search does: a run without the metric, param or tag
 * (or with a null attribute) does not match.
 *
 * NaN metrics never match. MLflow itself is inconsistent here: the file store compares with Python floats
 * (so `!=` matches NaN), the SQL store compares a stored 0 (it keeps NaN as value 0 with is_nan set).
 * Excluding NaN is the least surprising of the three.
 */
export function matchesFilter(run: Run, filter: RunFilter): boolean {
  return filter.clauses.every((c) => matchesClause(run, c));
}

function matchesClause(run: Run, c: FilterClause): boolean {
  switch (c.type) {
    case 'metric': {
      const m = run.metrics[c.key];
      return m !== undefined && compareNumber(m.value, c.op, c.value);
    }
    case 'numericAttribute': {
      const v = c.key === 'start_time' ? run.startTime : run.endTime;
      return v !== null && compareNumber(v, c.op, c.value);
    }
    case 'param':
    case 'tag': {
      const map = c.type === 'param' ? run.params : run.tags;
      return Object.prototype.hasOwnProperty.call(map, c.key) && compareString(map[c.key], c.op, c.value);
    }
    case 'stringAttribute': {
      const v = stringAttribute(run, c.key);
      return v !== null && compareString(v, c.op, c.value);
    }
    case 'runIdList':
      return c.value.includes(run.runId) === (c.op === 'IN');
  }
}

export function stringAttribute(run: Run, key: StringAttribute): string | null {
  switch (key) {
    case 'run_id': return run.runId;
    case 'run_name': return run.runName;
    case 'status': return run.status;
    case 'user_id': return run.userId;
    case 'artifact_uri': return run.artifactUri;
  }
}

function compareNumber(lhs: number, op: NumericOperator, rhs: number): boolean {
  if (Number.isNaN(lhs)) return false;
  switch (op) {
    case '=': return lhs === rhs;
    case '!=': return lhs !== rhs;
    case '<': return lhs < rhs;
    case '<=': return lhs <= rhs;
    case '>': return lhs > rhs;
    case '>=': return lhs >= rhs;
  }
}

function compareString(lhs: string, op: StringOperator, pattern: string): boolean {
  switch (op) {
    case '=': return lhs === pattern;
    case '!=': return lhs !== pattern;
    case 'LIKE': return likeToRegExp(pattern, false).test(lhs);
    case 'ILIKE': return likeToRegExp(pattern, true).test(lhs);
  }
}
