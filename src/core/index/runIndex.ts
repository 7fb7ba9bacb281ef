import type { Database, SqlValue } from 'sql.js';
import type { Experiment, MetricAppend, MetricSeries, Run, StoreDelta, StoreKind, StoreRef } from '../runs/types';
import { writeFileAtomic } from './atomicWrite';
import { loadIndexFile } from './indexFile';
import {
  EXPERIMENT_COLUMNS, RUN_COLUMNS, experimentFromRow, experimentValues, latestFromRow, latestValues, runFromRow, runValues,
} from './indexRows';
import { configureConnection, createSchema } from './indexSchema';
import { loadSqlJs } from './loadSqlJs';
import { decodeSeries, encodeSeries, seriesLength } from './seriesCodec';
import { StatementCache } from './statementCache';

export interface RunIndexOpenOptions {
  /** The persisted database; absent => in memory only. */
  file?: string;
}

export interface RunFilter {
  storeUri?: string;
  experimentId?: string;
}

const ROWS_PER_INSERT = 32;

interface StoreRow {
  id: number;
  ref: StoreRef;
}

/** A WHERE clause over `runs r`; `narrow` when it selects a few runs, so child rows are fetched by run. */
interface RunWhere {
  sql: string;
  params: SqlValue[];
  narrow: boolean;
}

/**
 * Our own index of the runs of every store (sql.js, in memory, persisted as one file), so that a
 * reopened window shows thousands of runs without re-reading the stores, and sorts them by a metric
 * fast. It is a cache: whatever goes wrong with the file, the stores rebuild it.
 */
export class RunIndex {
  private readonly sql: StatementCache;
  private storeRows = new Map<string, StoreRow>();
  /** Bumped by every change; save() writes only when it moved since the last successful save. */
  private changes = 0;
  private savedChanges = 0;
  private saving: Promise<void> = Promise.resolve();
  private closed = false;

  private constructor(private readonly db: Database, private readonly file: string | undefined) {
    this.sql = new StatementCache(db);
    configureConnection(db);
    this.loadStoreRows();
  }

  /** Never throws for a damaged file: the index starts empty and `note` says why. */
  static async open(opts: RunIndexOpenOptions): Promise<{ index: RunIndex; note?: string }> {
    const sql = await loadSqlJs();
    const loaded = opts.file ? await loadIndexFile(sql, opts.file) : {};
    if ('db' in loaded) return { index: new RunIndex(loaded.db, opts.file) };
    const db = new sql.Database();
    createSchema(db);
    const index = new RunIndex(db, opts.file);
    if (!loaded.problem) return { index };
    index.changes++; // so the first save() replaces the bad file
    return { index, note: `The run index file ${opts.file} was ${loaded.problem}; it was discarded and will be rebuilt from the stores.` };
  }

  /**
   * Applies what a store reader reports, in one transaction (all or nothing; a failure throws).
   * Runs and experiments replace their old rows and are filed under their own `store`; removals and
   * appends under `delta.store`. A removed experiment takes its runs along.
   */
  applyDelta(delta: StoreDelta): void {
    this.transaction(() => {
      const storeId = this.storeId(delta.store);
      for (const experiment of delta.experiments) {
        this.sql.run(
          `INSERT OR REPLACE INTO experiments (${EXPERIMENT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          experimentValues(this.storeId(experiment.store), experiment),
        );
      }
      for (const run of delta.runs) this.upsertRun(run);
      for (const runId of delta.removedRunIds) {
        this.deleteRuns('r.store_id = ? AND r.run_id = ?', [storeId, runId]);
        // Histories may have arrived for a run whose row never did.
        this.sql.run('DELETE FROM series WHERE store_id = ? AND run_id = ?', [storeId, runId]);
      }
      for (const experimentId of delta.removedExperimentIds) {
        // An experiment that is gone takes its runs along, even if the reader did not list them.
        this.deleteRuns('r.store_id = ? AND r.experiment_id = ?', [storeId, experimentId]);
        this.sql.run('DELETE FROM experiments WHERE store_id = ? AND experiment_id = ?', [storeId, experimentId]);
      }
      const removed = new Set(delta.removedRunIds);
      for (const append of delta.appends) if (!removed.has(append.runId)) this.applyAppend(storeId, append);
    });
  }

  /** Forgets a store that disappeared, with everything read from it. */
  removeStore(storeUri: string): void {
    const row = this.storeRows.get(storeUri);
    this.transaction(() => {
      this.sql.run('DELETE FROM reader_states WHERE uri = ?', [storeUri]);
      if (!row) return;
      this.deleteRuns('r.store_id = ?', [row.id]);
      this.sql.run('DELETE FROM series WHERE store_id = ?', [row.id]);
      this.sql.run('DELETE FROM experiments WHERE store_id = ?', [row.id]);
      this.sql.run('DELETE FROM stores WHERE id = ?', [row.id]);
      this.storeRows.delete(storeUri);
    });
  }

  stores(): string[] {
    return [...this.storeRows.keys()].sort();
  }

  experiments(storeUri?: string): Experiment[] {
    const refs = this.refsById();
    const where = storeUri === undefined ? '' : 'WHERE store_id = ?';
    const params = storeUri === undefined ? [] : [this.storeRows.get(storeUri)?.id ?? -1];
    return this.sql
      .rows(`SELECT ${EXPERIMENT_COLUMNS} FROM experiments ${where} ORDER BY store_id, experiment_id`, params)
      .map((row) => experimentFromRow(row, refs.get(row[0] as number)!));
  }

  /** Full runs, newest first; deleted runs only with `includeDeleted`. */
  runs(opts: RunFilter & { includeDeleted?: boolean } = {}): Run[] {
    const where = this.runWhere(opts, !opts.includeDeleted);
    if (!where) return [];
    return [...this.loadRuns(where, 'ORDER BY r.start_time DESC, r.run_id, r.store_id').values()];
  }

  run(storeUri: string, runId: string): Run | undefined {
    const storeId = this.storeRows.get(storeUri)?.id;
    if (storeId === undefined) return undefined;
    const found = this.loadRuns({ sql: 'r.store_id = ? AND r.run_id = ?', params: [storeId, runId], narrow: true }, '');
    return found.values().next().value;
  }

  metricHistory(storeUri: string, runId: string, key: string): MetricSeries | undefined {
    const storeId = this.storeRows.get(storeUri)?.id;
    if (storeId === undefined) return undefined;
    const row = this.sql.rows('SELECT count, data FROM series WHERE store_id = ? AND run_id = ? AND key = ?', [storeId, runId, key])[0];
    return row && decodeSeries(row[1] as Uint8Array, row[0] as number);
  }

  /**
   * The `limit` active runs with the best latest value of `key`, walking the (key, value) index.
   * Runs without the metric are left out; NaN values come after all numbers, as in MLflow's search.
   */
  topRunsByMetric(key: string, limit: number, order: 'asc' | 'desc', opts: RunFilter = {}): Run[] {
    const where = this.runWhere(opts, true);
    if (!where || limit <= 0) return [];
    const direction = order === 'asc' ? 'ASC' : 'DESC';
    const pick = (valueTest: string, count: number): number[] =>
      this.sql
        .rows(
          `SELECT m.run_pk FROM latest_metrics m JOIN runs r ON r.id = m.run_pk
           WHERE m.key = ? AND ${valueTest} AND ${where.sql}
           ORDER BY m.value ${direction}, m.run_pk ${direction} LIMIT ?`,
          [key, ...where.params, count],
        )
        .map((row) => row[0] as number);
    const ids = pick('m.value IS NOT NULL', limit);
    if (ids.length < limit) ids.push(...pick('m.is_nan = 1', limit - ids.length));
    if (ids.length === 0) return [];
    // Row ids are integers from the index itself, safe to inline.
    const byPk = this.loadRuns({ sql: `r.id IN (${ids.join(',')})`, params: [], narrow: true }, '', false);
    return ids.map((id) => byPk.get(id)!);
  }

  /** The opaque state a store reader exported, to resume incremental reading after a reopen. */
  readerState(storeUri: string): unknown | undefined {
    const text = this.sql.value('SELECT state FROM reader_states WHERE uri = ?', [storeUri]);
    return typeof text === 'string' ? JSON.parse(text) : undefined;
  }

  setReaderState(storeUri: string, state: unknown): void {
    const text = state === undefined ? undefined : JSON.stringify(state);
    if (text === undefined) this.sql.run('DELETE FROM reader_states WHERE uri = ?', [storeUri]);
    else this.sql.run('INSERT OR REPLACE INTO reader_states (uri, state) VALUES (?, ?)', [storeUri, text]);
    this.changes++;
  }

  /**
   * Writes the file atomically when something changed since the last save. Calls are queued, so
   * concurrent saves never interleave. A failed write rejects and leaves the previous file intact.
   */
  save(): Promise<void> {
    const next = this.saving.then(() => this.saveNow());
    this.saving = next.catch(() => undefined);
    return next;
  }

  /** Frees the database. Await save() first: a save not yet started when closing is dropped. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.sql.freeAll();
    this.db.close();
  }

  private async saveNow(): Promise<void> {
    if (!this.file || this.closed || this.changes === this.savedChanges) return;
    const changes = this.changes;
    const bytes = this.db.export();
    await writeFileAtomic(this.file, bytes);
    this.savedChanges = changes;
  }

  private transaction(body: () => void): void {
    this.db.exec('BEGIN');
    try {
      body();
      this.db.exec('COMMIT');
    } catch (error) {
      this.db.exec('ROLLBACK');
      this.loadStoreRows();
      throw error;
    }
    this.changes++;
  }

  private loadStoreRows(): void {
    this.storeRows = new Map();
    for (const [id, uri, kind, path] of this.sql.rows('SELECT id, uri, kind, path FROM stores')) {
      this.storeRows.set(uri as string, { id: id as number, ref: { kind: kind as StoreKind, uri: uri as string, path: path as string } });
    }
  }

  /** The row id of a store, adding it (or updating its kind and path) as needed. */
  private storeId(ref: StoreRef): number {
    const known = this.storeRows.get(ref.uri);
    if (known && known.ref.kind === ref.kind && known.ref.path === ref.path) return known.id;
    const id = Number(this.sql.value(
      'INSERT INTO stores (uri, kind, path) VALUES (?, ?, ?) ON CONFLICT (uri) DO UPDATE SET kind = excluded.kind, path = excluded.path RETURNING id',
      [ref.uri, ref.kind, ref.path],
    ));
    this.storeRows.set(ref.uri, { id, ref: { kind: ref.kind, uri: ref.uri, path: ref.path } });
    return id;
  }

  /** Fresh StoreRef objects per query, so callers cannot alter the index's own. */
  private refsById(): Map<number, StoreRef> {
    return new Map([...this.storeRows.values()].map((row) => [row.id, { ...row.ref }]));
  }

  private upsertRun(run: Run): void {
    const storeId = this.storeId(run.store);
    const existing = this.sql.value('SELECT id FROM runs WHERE store_id = ? AND run_id = ?', [storeId, run.runId]);
    let pk: number;
    if (existing === undefined) {
      pk = Number(this.sql.value(
        `INSERT INTO runs (store_id, run_id, run_name, experiment_id, status, start_time, end_time, lifecycle_stage,
           artifact_uri, user_id, parent_run_id, meta_path) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
        [storeId, run.runId, ...runValues(run)],
      ));
    } else {
      pk = existing as number;
      this.sql.run(
        `UPDATE runs SET run_name = ?, experiment_id = ?, status = ?, start_time = ?, end_time = ?, lifecycle_stage = ?,
           artifact_uri = ?, user_id = ?, parent_run_id = ?, meta_path = ? WHERE id = ?`,
        [...runValues(run), pk],
      );
      for (const table of ['params', 'tags', 'latest_metrics']) this.sql.run(`DELETE FROM ${table} WHERE run_pk = ?`, [pk]);
    }
    this.insertRows('params', 3, Object.entries(run.params).map(([key, value]) => [pk, key, value]));
    this.insertRows('tags', 3, Object.entries(run.tags).map(([key, value]) => [pk, key, value]));
    this.insertRows('latest_metrics', 6, Object.entries(run.metrics).map(([key, metric]) => [pk, key, ...latestValues(metric)]));
  }

  /** Multi-row INSERTs: building the index is dominated by per-statement calls into sql.js. */
  private insertRows(table: string, width: number, rows: SqlValue[][]): void {
    const tuple = `(${Array(width).fill('?').join(', ')})`;
    for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
      const chunk = rows.slice(i, i + ROWS_PER_INSERT);
      this.sql.run(`INSERT INTO ${table} VALUES ${Array(chunk.length).fill(tuple).join(', ')}`, chunk.flat());
    }
  }

  /** Deletes the runs matching a WHERE over `runs r`, with their child rows and histories. */
  private deleteRuns(whereSql: string, params: SqlValue[]): void {
    const selected = `SELECT r.id FROM runs r WHERE ${whereSql}`;
    for (const table of ['params', 'tags', 'latest_metrics']) {
      this.sql.run(`DELETE FROM ${table} WHERE run_pk IN (${selected})`, params);
    }
    this.sql.run(
      `DELETE FROM series WHERE id IN (SELECT s.id FROM series s JOIN runs r ON s.store_id = r.store_id AND s.run_id = r.run_id WHERE ${whereSql})`,
      params,
    );
    this.sql.run(`DELETE FROM runs WHERE id IN (${selected})`, params);
  }

  private applyAppend(storeId: number, append: MetricAppend): void {
    const at = [storeId, append.runId, append.key];
    let encoded: { count: number; blob: Uint8Array };
    if (append.replaced) {
      encoded = encodeSeries(append.series);
    } else {
      if (seriesLength(append.series) === 0) return;
      const row = this.sql.rows('SELECT count, data FROM series WHERE store_id = ? AND run_id = ? AND key = ?', at)[0];
      // A damaged stored series is dropped rather than kept growing on top of garbage.
      const old = row && decodeSeries(row[1] as Uint8Array, row[0] as number);
      // A tail without its beginning (the history was never stored, or was dropped) would pass for a whole history.
      if (!old) return;
      encoded = encodeSeries(old, append.series);
    }
    this.sql.run(
      `INSERT INTO series (store_id, run_id, key, count, data) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (store_id, run_id, key) DO UPDATE SET count = excluded.count, data = excluded.data`,
      [...at, encoded.count, encoded.blob],
    );
  }

  private runWhere(filter: RunFilter, activeOnly: boolean): RunWhere | undefined {
    const clauses: string[] = [];
    const params: SqlValue[] = [];
    if (filter.storeUri !== undefined) {
      const storeId = this.storeRows.get(filter.storeUri)?.id;
      if (storeId === undefined) return undefined;
      clauses.push('r.store_id = ?');
      params.push(storeId);
    }
    if (filter.experimentId !== undefined) {
      clauses.push('r.experiment_id = ?');
      params.push(filter.experimentId);
    }
    const narrow = clauses.length > 0;
    if (activeOnly) clauses.push("r.lifecycle_stage = 'active'");
    return { sql: clauses.length > 0 ? clauses.join(' AND ') : '1', params, narrow };
  }

  /**
   * Runs with their params, tags and latest metrics in four queries joined in JS maps (never one
   * query per run). A broad filter scans the child tables whole, which beats a join for most runs.
   * Returns the runs by row id, in `orderBy` order.
   */
  private loadRuns(where: RunWhere, orderBy: string, cache = true): Map<number, Run> {
    const refs = this.refsById();
    const byPk = new Map<number, Run>();
    for (const row of this.sql.rows(`SELECT ${RUN_COLUMNS} FROM runs r WHERE ${where.sql} ${orderBy}`, where.params, cache)) {
      byPk.set(row[0] as number, runFromRow(row, refs.get(row[1] as number)!));
    }
    if (byPk.size === 0) return byPk;
    const eachChild = (table: string, columns: string, onRow: (run: Run, row: SqlValue[]) => void): void => {
      const visit = (row: SqlValue[]) => {
        const run = byPk.get(row[0] as number);
        if (run) onRow(run, row);
      };
      if (where.narrow) {
        const sql = `SELECT ${columns} FROM ${table} WHERE run_pk IN (SELECT r.id FROM runs r WHERE ${where.sql})`;
        this.sql.forEach(sql, where.params, visit, cache);
      } else {
        this.sql.forEach(`SELECT ${columns} FROM ${table}`, [], visit);
      }
    };
    eachChild('params', 'run_pk, key, value', (run, row) => setEntry(run.params, row[1] as string, row[2] as string));
    eachChild('tags', 'run_pk, key, value', (run, row) => setEntry(run.tags, row[1] as string, row[2] as string));
    eachChild('latest_metrics', 'run_pk, key, value, is_nan, step, timestamp', (run, row) =>
      setEntry(run.metrics, row[1] as string, latestFromRow(row[2], row[3], row[4], row[5])),
    );
    return byPk;
  }
}

/** Plain assignment would treat a key named `__proto__` as the prototype; keys are user data. */
function setEntry<T>(record: Record<string, T>, key: string, value: T): void {
  if (key === '__proto__') Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
  else record[key] = value;
}
