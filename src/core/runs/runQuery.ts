import { FilterSyntaxError } from './filter/filterSyntaxError';
import { matchesFilter } from './filter/matchesFilter';
import { parseOrderBy } from './filter/parseOrderBy';
import { parseRunFilter } from './filter/parseRunFilter';
import { compareRuns } from './filter/sortRuns';
import type { Run } from './types';

/** A view's filter and order, compiled once per change rather than per repaint. */
export interface RunQuery {
  /** A filter is set: views show only matching runs. */
  active: boolean;
  matches(run: Run): boolean;
  compare(a: Run, b: Run): number;
}

/** Throws FilterSyntaxError for a bad filter or order-by. */
export function compileRunQuery(filterText: string, orderByText: string): RunQuery {
  const filter = parseRunFilter(filterText);
  const orders = orderByText.trim() ? parseOrderBy(orderByText) : [];
  return {
    active: filter.clauses.length > 0,
    matches: (run) => matchesFilter(run, filter),
    compare: compareRuns(orders),
  };
}

/** For input boxes: a message pointing at the bad token, or undefined when both parse. */
export function validateRunQuery(filterText: string, orderByText: string): { filter?: string; orderBy?: string } | undefined {
  const describe = (e: unknown) => (e instanceof FilterSyntaxError ? e.message : String(e));
  try {
    parseRunFilter(filterText);
  } catch (e) {
    return { filter: describe(e) };
  }
  try {
    if (orderByText.trim()) parseOrderBy(orderByText);
  } catch (e) {
    return { orderBy: describe(e) };
  }
  return undefined;
}
