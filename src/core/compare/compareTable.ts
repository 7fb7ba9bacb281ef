import type { Run } from '../runs/types';
import { naturalCompare } from './naturalCompare';
import { numericParam } from './paramValue';
import type { CompareRow, CompareTable } from './types';

export type CompareValue = CompareRow['values'][number];

/** Attribute rows, in the order the table shows them. */
export const ATTRIBUTE_KEYS = ['status', 'duration', 'startTime', 'user', 'gitCommit', 'source', 'store', 'experiment'] as const;

const SYSTEM_TAG_PREFIX = 'mlflow.';

/**
 * The key `opts.experimentNames` may use when experiment ids repeat between stores (every MLflow store has an
 * experiment "0"); a plain experiment id works too.
 */
export function experimentNameKey(storeUri: string, experimentId: string): string {
  return `${storeUri}\n${experimentId}`;
}

/**
 * Rows: attributes (status, duration ms, startTime epoch ms, user, gitCommit from mlflow.source.git.commit, source
 * from mlflow.source.name, store kind, experiment), then params, latest metrics, tags (system tags mlflow.* last),
 * keys sorted naturally; `differs` set. Numeric-looking params become numbers. Duration is null while a run has no
 * end time; the experiment row shows the name from `experimentNames` (see experimentNameKey), else the id.
 */
export function buildCompareTable(runs: readonly Run[], opts: { experimentNames?: Record<string, string> } = {}): CompareTable {
  const names = opts.experimentNames ?? {};
  const own = (map: object, key: string) => Object.prototype.hasOwnProperty.call(map, key);
  const experimentName = (run: Run) => {
    const qualified = experimentNameKey(run.store.uri, run.experimentId);
    if (own(names, qualified)) return names[qualified];
    return own(names, run.experimentId) ? names[run.experimentId] : run.experimentId;
  };
  const tag = (run: Run, key: string) => (own(run.tags, key) ? run.tags[key] : null);
  const attributes: Record<(typeof ATTRIBUTE_KEYS)[number], (run: Run) => CompareValue> = {
    status: (r) => r.status,
    duration: (r) => (r.startTime !== null && r.endTime !== null ? r.endTime - r.startTime : null),
    startTime: (r) => r.startTime,
    user: (r) => r.userId ?? tag(r, 'mlflow.user'),
    gitCommit: (r) => tag(r, 'mlflow.source.git.commit'),
    source: (r) => tag(r, 'mlflow.source.name'),
    store: (r) => r.store.kind,
    experiment: experimentName,
  };
  const rows: CompareRow[] = ATTRIBUTE_KEYS.map((key) => makeRow('attribute', key, runs.map(attributes[key])));

  for (const key of unionOfKeys(runs, (r) => r.params).sort(naturalCompare)) {
    rows.push(makeRow('param', key, runs.map((r) => (own(r.params, key) ? numericParam(r.params[key]) ?? r.params[key] : null))));
  }
  for (const key of unionOfKeys(runs, (r) => r.metrics).sort(naturalCompare)) {
    rows.push(makeRow('metric', key, runs.map((r) => (own(r.metrics, key) ? r.metrics[key].value : null))));
  }
  const tagKeys = unionOfKeys(runs, (r) => r.tags);
  const isSystem = (key: string) => key.startsWith(SYSTEM_TAG_PREFIX);
  tagKeys.sort((a, b) => Number(isSystem(a)) - Number(isSystem(b)) || naturalCompare(a, b));
  for (const key of tagKeys) rows.push(makeRow('tag', key, runs.map((r) => tag(r, key))));

  return { runIds: runs.map((r) => r.runId), runNames: runs.map((r) => r.runName), rows };
}

function unionOfKeys(runs: readonly Run[], map: (run: Run) => object): string[] {
  const keys = new Set<string>();
  for (const run of runs) for (const key of Object.keys(map(run))) keys.add(key);
  return [...keys];
}

function makeRow(section: CompareRow['section'], key: string, values: CompareValue[]): CompareRow {
  return { section, key, values, differs: valuesDiffer(values) };
}

/** Same value, with NaN equal to NaN (two diverged runs agree) and null a value of its own. */
export function sameValue(a: CompareValue, b: CompareValue): boolean {
  return a === b || (typeof a === 'number' && typeof b === 'number' && Number.isNaN(a) && Number.isNaN(b));
}

/** Not every value is the same (missing counts as a value). */
export function valuesDiffer(values: readonly CompareValue[]): boolean {
  return values.some((v) => !sameValue(v, values[0]));
}

/** A row is numeric when it has numbers and nothing else but gaps. */
export function isNumericRow(row: CompareRow): boolean {
  return row.values.some((v) => typeof v === 'number') && row.values.every((v) => v === null || typeof v === 'number');
}

/**
 * Group means per row for numeric rows (other rows: the common value or null). Columns are the groups, in the
 * map's order (runIds and runNames are the group names). Means skip missing values and NaN (NaN only when every
 * member is NaN); a group with no value is null. Run ids not in the table are ignored.
 */
export function groupMeansTable(table: CompareTable, groups: Map<string, string[]>): CompareTable {
  const columnOf = new Map(table.runIds.map((id, i) => [id, i]));
  const members = [...groups.values()].map((ids) => ids.map((id) => columnOf.get(id)).filter((i): i is number => i !== undefined));
  const rows = table.rows.map((row) => {
    const numeric = isNumericRow(row);
    const values = members.map((columns) => (numeric ? meanOf(columns.map((c) => row.values[c])) : commonValue(columns.map((c) => row.values[c]))));
    return { section: row.section, key: row.key, values, differs: valuesDiffer(values) };
  });
  const names = [...groups.keys()];
  return { runIds: names, runNames: [...names], rows };
}

function meanOf(values: readonly CompareValue[]): number | null {
  let sum = 0;
  let count = 0;
  let sawNaN = false;
  for (const v of values) {
    if (typeof v !== 'number') continue;
    if (Number.isNaN(v)) {
      sawNaN = true;
      continue;
    }
    sum += v;
    count++;
  }
  if (count > 0) return sum / count;
  return sawNaN ? NaN : null;
}

function commonValue(values: readonly CompareValue[]): CompareValue {
  if (values.length === 0) return null;
  return values.every((v) => sameValue(v, values[0])) ? values[0] : null;
}

/**
 * Baseline deltas: value - baseline value for numeric rows, null otherwise (also where either value is missing
 * or not a number). One array per row, one entry per run, in the table's order.
 */
export function deltasAgainst(table: CompareTable, baselineRunId: string): (number | null)[][] {
  const base = table.runIds.indexOf(baselineRunId);
  if (base < 0) throw new RangeError(`baseline run '${baselineRunId}' is not one of the compared runs`);
  return table.rows.map((row) => {
    const baseline = row.values[base];
    const numeric = isNumericRow(row) && typeof baseline === 'number';
    return row.values.map((v) => (numeric && typeof v === 'number' ? v - (baseline as number) : null));
  });
}

/**
 * Runs (columns) ordered by a row's values, missing last, stable. Returns the new run order. Numbers sort before
 * text, text naturally; missing values and NaN come last in either direction. An unknown row keeps the order.
 */
export function sortRunsByRow(table: CompareTable, rowKey: { section: CompareRow['section']; key: string }, descending: boolean): string[] {
  const row = table.rows.find((r) => r.section === rowKey.section && r.key === rowKey.key);
  if (!row) return [...table.runIds];
  const isMissing = (v: CompareValue) => v === null || (typeof v === 'number' && Number.isNaN(v));
  const direction = descending ? -1 : 1;
  const order = table.runIds.map((_, i) => i);
  order.sort((a, b) => {
    const va = row.values[a];
    const vb = row.values[b];
    const missing = Number(isMissing(va)) - Number(isMissing(vb));
    if (missing !== 0) return missing;
    if (isMissing(va)) return a - b;
    return direction * compareValues(va as string | number, vb as string | number) || a - b;
  });
  return order.map((i) => table.runIds[i]);
}

function compareValues(a: string | number, b: string | number): number {
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'number') return -1;
  if (typeof b === 'number') return 1;
  return naturalCompare(a, b);
}
