import type { Query, Scan } from './snapshotConnection';
import * as C from './sqliteCodes';
import type { RawSqlite } from './sqliteEngine';

// Incremental re-reads of mlflow.db (MlflowDb.readChanges). A full run list read of a 10,000-run db takes
// ~450 ms of CPU, and repeating it under a writer logging 40 commits/s slowed that writer (2 cores). A change read
// finds the runs a commit touched from cheap reads and re-reads only those:
// - metrics, params, tags are append-mostly: rows with a rowid above the last read's max rowid (a rowid range is
//   a search of the table's b-tree, not a scan) name the runs with new points, params or tags. latest_metrics
//   rows are UPDATEd in place (same rowid), so new metric points are found through the metrics table instead.
// - one scan of the runs table alone (no joins) hashes each row's (run_uuid, status, end_time, lifecycle_stage,
//   name, experiment_id), keyed by rowid: new, changed and vanished (hard-deleted) runs. Hashed from SQLite's
//   memory without a JS string per row (10-17 ms for 10,000 runs; rows as JS arrays took 45-55 ms). Run ids are decoded
//   on full reads only, and for the few rowids that changed.
// What this misses, and why full reads still happen (every FULL_READ_EVERY-th read, or after FULL_READ_AFTER_MS):
// an UPDATE that keeps the rowid (MLflow's set_tag on an existing key, a param or tag rewritten in place), rows
// deleted from the top of a table and rowids reused, a run edited in a column outside the fingerprint.

/** Every this many reads one is a full read: it catches in-place tag updates the rowids cannot see. */
export const FULL_READ_EVERY = 20;
/** ... or when the last full read is this old. */
export const FULL_READ_AFTER_MS = 30_000;
/** More changed runs than this share of all runs: a full read is as cheap and simpler. */
export const MAX_CHANGED_SHARE = 0.2;

/** The tables whose new rows (by rowid) name changed runs. */
export const ROWID_TABLES = ['metrics', 'params', 'tags'] as const;
export type RowidTable = (typeof ROWID_TABLES)[number];

/**
 * What the caller keeps between reads: which full read the worker's remembered state belongs to (a new worker or
 * another caller's full read makes it stale, and the next read is full) and how many reads since.
 */
export interface SqliteReadCursor {
  epoch: number;
  changeReads: number;
  /** Date.now() of the last full read. */
  fullAt: number;
}

/** What the worker remembers from the last read, to compare the next one with. */
export interface ChangeState {
  epoch: number;
  maxRowid: Record<RowidTable, number>;
  /** Per runs rowid: the row's fingerprint. */
  fingerprints: Map<number, number>;
  /** Per runs rowid: its run id. */
  runIds: Map<number, string>;
}

/** Whether this read must be a full one, by the cursor alone. */
export function wantsFullRead(cursor: SqliteReadCursor | undefined, state: ChangeState | undefined, now: number): boolean {
  return !cursor || !state || cursor.epoch !== state.epoch || cursor.changeReads + 1 >= FULL_READ_EVERY || now - cursor.fullAt >= FULL_READ_AFTER_MS;
}

/** max(rowid) of each table: SQLite answers it from the last leaf of the b-tree. A missing table is 0. */
export async function maxRowids(q: Query, tables: Set<string>): Promise<Record<RowidTable, number>> {
  const out = { metrics: 0, params: 0, tags: 0 };
  for (const t of ROWID_TABLES) {
    if (!tables.has(t)) continue;
    const v = (await q(`SELECT max(rowid) FROM ${t}`))[0]?.[0];
    out[t] = typeof v === 'number' || typeof v === 'bigint' ? Number(v) : 0;
  }
  return out;
}

/**
 * Run ids (repeated) with rows in `table` above rowid `after`: a range search of the rowid b-tree. No DISTINCT:
 * with it SQLite scans the whole run_uuid covering index (EXPLAIN QUERY PLAN: "SCAN metrics USING COVERING INDEX",
 * millions of rows); NOT INDEXED keeps it on "SEARCH metrics USING INTEGER PRIMARY KEY (rowid>?)".
 */
export async function runsWithRowsAfter(q: Query, table: RowidTable, after: number): Promise<string[]> {
  const rows = await q(`SELECT run_uuid FROM ${table} NOT INDEXED WHERE rowid > ?`, [after]);
  return rows.map((r) => String(r[0]));
}

/** The runs columns a fingerprint covers: what MLflow changes in a run's row after creating it. */
const FINGERPRINT_COLUMNS = ['status', 'end_time', 'lifecycle_stage', 'name', 'experiment_id'];

/**
 * One scan of the runs table: per rowid, a 53-bit hash (two 32-bit FNV-1a variants) of run_uuid and the
 * FINGERPRINT_COLUMNS, each cell hashed where SQLite holds it (no quote() or || in SQL: building a string per row
 * there doubled the scan's time), and with `withIds` the run id. A collision hides a change until the next full read.
 */
export async function scanRunFingerprints(
  scan: Scan, raw: RawSqlite, runColumns: Set<string>, withIds: boolean,
): Promise<{ fingerprints: Map<number, number>; runIds?: Map<number, string> }> {
  const fingerprints = new Map<number, number>();
  const runIds = withIds ? new Map<number, string>() : undefined;
  const cols = FINGERPRINT_COLUMNS.map((c) => (runColumns.has(c) ? c : 'NULL')).join(', ');
  const last = FINGERPRINT_COLUMNS.length + 1;
  await scan(`SELECT rowid, run_uuid, ${cols} FROM runs WHERE run_uuid IS NOT NULL`, (stmt) => {
    let a = 0x811c9dc5;
    let b = 0x2f1c4e93;
    for (let col = 1; col <= last; col++) {
      const type = raw.columnType(stmt, col);
      // The type goes in too: NULL is not '', 1 is not '1'.
      a = Math.imul(a ^ type, 0x01000193);
      b = Math.imul(b ^ type, 0x5bd1e995);
      if (type === C.SQLITE_INTEGER || type === C.SQLITE_FLOAT) {
        const v = raw.columnDouble(stmt, col);
        a = Math.imul(a ^ (v % 0x100000000), 0x01000193);
        b = Math.imul(b ^ Math.floor(v / 0x100000000), 0x5bd1e995);
      } else if (type !== C.SQLITE_NULL) {
        const ptr = raw.columnText(stmt, col);
        const end = ptr + raw.columnBytes(stmt, col);
        const heap = raw.heap();
        for (let i = ptr; i < end; i++) {
          a = Math.imul(a ^ heap[i], 0x01000193);
          b = Math.imul(b ^ heap[i], 0x5bd1e995);
        }
      }
    }
    const rowid = raw.columnDouble(stmt, 0);
    fingerprints.set(rowid, (a >>> 0) * 0x200000 + (b >>> 11));
    if (runIds) {
      const ptr = raw.columnText(stmt, 1);
      runIds.set(rowid, Buffer.from(raw.heap().subarray(ptr, ptr + raw.columnBytes(stmt, 1))).toString('utf8'));
    }
  });
  return { fingerprints, runIds };
}

/** The run ids of some runs rowids. */
export async function runIdsOfRowids(q: Query, rowids: number[]): Promise<Map<number, string>> {
  const rows = await q('SELECT rowid, run_uuid FROM runs WHERE rowid IN (SELECT value FROM json_each(?))', [JSON.stringify(rowids)]);
  return new Map(rows.map((r) => [Number(r[0]), String(r[1])]));
}
