import { isLaterPoint } from '../../runs/latestMetric';
import { parseRunStatus } from '../../runs/statusNames';
import { StoreError, type Experiment, type LatestMetric, type MetricPoint, type StoreProblem, type StoreRef, type StoreSnapshot } from '../../runs/types';
import { KNOWN_MLFLOW_REVISIONS } from './alembicRevisions';
import {
  MAX_CHANGED_SHARE, maxRowids, ROWID_TABLES, runIdsOfRowids, runsWithRowsAfter, scanRunFingerprints, wantsFullRead, type ChangeState, type SqliteReadCursor,
} from './changeRead';
import { RUN_STATUS_ORDER, type ColumnarSnapshot, type RunColumns } from './runColumns';
import { initialRows, KeyValueBuilder, MetricBuilder, RunRowBuilder } from './runColumnsBuilder';
import { runsFromColumns } from './runsFromColumns';
import { SnapshotConnection, type Query, type Scan, type SnapshotOptions, type SqlValue } from './snapshotConnection';
import * as C from './sqliteCodes';
import type { SqliteEngine } from './sqliteEngine';
import { grown, StringTableBuilder } from './stringTableBuilder';

// MLflow's tracking tables (mlflow/store/tracking/dbmodels/models.py), read in bulk: one statement per table,
// never one query per run. Columns added by later migrations are looked up with
// PRAGMA table_info and read as NULL where an older schema lacks them.

const OPTIONAL_TABLES = ['experiment_tags', 'params', 'tags', 'latest_metrics', 'metrics'] as const;

interface Schema {
  tables: Set<string>;
  columns: Map<string, Set<string>>;
}

function num(v: SqlValue | undefined): number | null {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return null;
}

function str(v: SqlValue | undefined): string | null {
  if (v === null || v === undefined) return null;
  return typeof v === 'string' ? v : String(v);
}

/** A metric value as MLflow reads it back: is_nan wins, and a NULL value (allowed by old schemas) is NaN too. */
function metricValue(value: SqlValue | undefined, isNan: SqlValue | undefined): number {
  if (num(isNan) === 1) return NaN;
  return num(value) ?? NaN;
}

/** A change read: everything (`full`), or only the runs changed since the cursor's read and the ids of vanished ones. */
export type ChangeReadResult =
  | { kind: 'full'; snapshot: ColumnarSnapshot; cursor: SqliteReadCursor }
  | { kind: 'changed'; snapshot: ColumnarSnapshot; removedRunIds: string[]; cursor: SqliteReadCursor };

/** Row and string counts of the last run list read, to size the next one's columns. */
interface ColumnSizes {
  runs: number;
  params: number;
  tags: number;
  metrics: number;
  strings: number;
  bytes: number;
}

export class MlflowDb {
  readonly conn: SnapshotConnection;
  private lastSizes: Partial<ColumnSizes> = {};
  /** What the last readChanges saw, for the next one to compare with. */
  private changeState: ChangeState | undefined;

  constructor(private readonly engine: SqliteEngine, readonly path: string, opts: SnapshotOptions = {}) {
    this.conn = new SnapshotConnection(engine, path, opts);
  }

  /** Every experiment and run (deleted ones too), from one consistent snapshot. */
  async readAll(ref: StoreRef, isCancelled?: () => boolean): Promise<StoreSnapshot> {
    const snapshot = await this.readColumns(ref, isCancelled);
    return { ...snapshot, runs: runsFromColumns(snapshot.runs, snapshot.store) };
  }

  /** As readAll, with the runs as columns: what the worker sends (see runColumns.ts). */
  readColumns(ref: StoreRef, isCancelled?: () => boolean): Promise<ColumnarSnapshot> {
    return this.conn.read((q, scan) => this.columnsIn(q, scan, ref), isCancelled);
  }

  /**
   * The runs changed since the read `cursor` came from (see changeRead.ts), or a full read when the cursor is
   * stale, a full read is due, or too many runs changed. All from one snapshot.
   */
  async readChanges(ref: StoreRef, cursor: SqliteReadCursor | undefined, isCancelled?: () => boolean): Promise<ChangeReadResult> {
    // The state is kept only once the read returns: a read retried on a torn snapshot must compare with the old one.
    const { result, state } = await this.conn.read((q, scan) => this.changesIn(q, scan, ref, cursor), isCancelled);
    this.changeState = state;
    return result;
  }

  private async changesIn(q: Query, scan: Scan, ref: StoreRef, cursor: SqliteReadCursor | undefined): Promise<{ result: ChangeReadResult; state: ChangeState }> {
    const now = Date.now();
    const schema = await this.schema(q);
    const prev = this.changeState;
    // Without latest_metrics the latest values come from the whole history: no cheap way to re-read a few runs.
    const canDiff = cursor && prev && !wantsFullRead(cursor, prev, now) && schema.tables.has('latest_metrics');
    const maxRowid = await maxRowids(q, schema.tables);
    const runColumns = schema.columns.get('runs') ?? new Set<string>();
    const full = async () => {
      const { fingerprints, runIds } = await scanRunFingerprints(scan, this.engine.raw, runColumns, true);
      const snapshot = await this.columnsIn(q, scan, ref);
      const state: ChangeState = { epoch: (prev?.epoch ?? 0) + 1, maxRowid, fingerprints, runIds: runIds ?? new Map() };
      return { result: { kind: 'full' as const, snapshot, cursor: { epoch: state.epoch, changeReads: 0, fullAt: now } }, state };
    };
    // Rows gone from the top of a table: their rowids may be reused, and rows above the mark missed.
    if (!canDiff || ROWID_TABLES.some((t) => maxRowid[t] < prev.maxRowid[t])) return full();
    const changed = new Set<string>();
    for (const t of ROWID_TABLES) {
      if (maxRowid[t] > prev.maxRowid[t]) for (const id of await runsWithRowsAfter(q, t, prev.maxRowid[t])) changed.add(id);
    }
    const { fingerprints } = await scanRunFingerprints(scan, this.engine.raw, runColumns, false);
    const changedRows = [...fingerprints].filter(([rowid, fp]) => prev.fingerprints.get(rowid) !== fp).map(([rowid]) => rowid);
    const goneRows = [...prev.fingerprints.keys()].filter((rowid) => !fingerprints.has(rowid));
    const runCount = Math.max(fingerprints.size, prev.fingerprints.size);
    if (changed.size + changedRows.length + goneRows.length > MAX_CHANGED_SHARE * runCount) return full();
    const runIds = changedRows.length + goneRows.length > 0 ? new Map(prev.runIds) : prev.runIds;
    const maybeRemoved = goneRows.map((rowid) => prev.runIds.get(rowid));
    for (const rowid of goneRows) runIds.delete(rowid);
    for (const [rowid, id] of await runIdsOfRowids(q, changedRows)) {
      maybeRemoved.push(prev.runIds.get(rowid)); // a rowid reused for another run
      runIds.set(rowid, id);
      changed.add(id);
    }
    const candidates = maybeRemoved.filter((id): id is string => id !== undefined && !changed.has(id));
    const present = candidates.length > 0 ? new Set(runIds.values()) : new Set<string>();
    const removedRunIds = [...new Set(candidates.filter((id) => !present.has(id)))];
    for (const id of removedRunIds) changed.delete(id); // rows logged by a run deleted since
    const snapshot = await this.columnsIn(q, scan, ref, [...changed]);
    return {
      result: { kind: 'changed', snapshot, removedRunIds, cursor: { ...cursor, changeReads: cursor.changeReads + 1 } },
      state: { epoch: prev.epoch, maxRowid, fingerprints, runIds },
    };
  }

  /** Experiments, problems and the runs (only those of `onlyRuns` when given) inside the current snapshot. */
  private async columnsIn(q: Query, scan: Scan, ref: StoreRef, onlyRuns?: string[]): Promise<ColumnarSnapshot> {
    const problems: StoreProblem[] = [];
    const schema = await this.schema(q);
    await this.checkRevision(q, schema, problems);
    for (const t of OPTIONAL_TABLES) {
      if (schema.tables.has(t)) continue;
      const message = t === 'latest_metrics' && schema.tables.has('metrics')
        ? `${this.path} has no latest_metrics table (an old MLflow schema): latest values are computed from the full metric history, which is slower. Run \`mlflow db upgrade\` to add it.`
        : `${this.path} has no ${t} table; runs are shown without it.`;
      problems.push({ severity: 'warning', file: this.path, message });
    }
    const experiments = await this.experiments(q, schema, ref);
    const runs = await this.runColumns(q, scan, schema, problems, onlyRuns);
    return { store: ref, experiments, runs, problems };
  }

  /** One metric's history in MLflow's order: timestamp, step, value (SqlAlchemyStore.get_metric_history). */
  metricHistory(runId: string, key: string, isCancelled?: () => boolean): Promise<MetricPoint[]> {
    return this.conn.read(async (q) => {
      const schema = await this.schema(q);
      if (!schema.tables.has('metrics')) return [];
      const c = schema.columns.get('metrics') ?? new Set<string>();
      // `+key` stops SQLite (mlflow.db has no ANALYZE statistics) from choosing the (key, timestamp, ...)
      // primary-key index, which scans every row of that key across all runs, over the run_uuid index.
      const rows = await q(
        `SELECT ${c.has('step') ? 'step' : '0'}, timestamp, value, ${c.has('is_nan') ? 'is_nan' : '0'}
         FROM metrics WHERE run_uuid = ? AND +key = ? ORDER BY 2, 1, 3`,
        [runId, key],
      );
      return rows.map((r) => ({ step: num(r[0]) ?? 0, timestamp: num(r[1]) ?? 0, value: metricValue(r[2], r[3]) }));
    }, isCancelled);
  }

  close(): Promise<void> {
    return this.conn.close();
  }

  private async schema(q: Query): Promise<Schema> {
    const tables = new Set((await q(`SELECT name FROM sqlite_master WHERE type = 'table'`)).map((r) => String(r[0])));
    if (!tables.has('experiments') || !tables.has('runs')) {
      throw new StoreError(
        `${this.path} is a SQLite database without MLflow's tracking tables (experiments, runs). ` +
          'Point the tracking URI at the mlflow.db MLflow writes to, or log a run to it first.',
        this.path,
      );
    }
    const columns = new Map<string, Set<string>>();
    for (const t of ['experiments', 'runs', ...OPTIONAL_TABLES]) {
      if (tables.has(t)) columns.set(t, new Set((await q(`PRAGMA table_info("${t}")`)).map((r) => String(r[1]))));
    }
    return { tables, columns };
  }

  private async checkRevision(q: Query, schema: Schema, problems: StoreProblem[]): Promise<void> {
    const warn = (message: string) => problems.push({ severity: 'warning', file: this.path, message });
    if (!schema.tables.has('alembic_version')) {
      warn(`${this.path} has no alembic_version table, so its MLflow schema version is unknown; runs are read from the columns found.`);
      return;
    }
    const revisions = (await q('SELECT version_num FROM alembic_version')).map((r) => String(r[0]));
    const unknown = revisions.filter((r) => !KNOWN_MLFLOW_REVISIONS.has(r));
    if (revisions.length === 0) {
      warn(`${this.path} has an empty alembic_version table; runs are read from the columns found.`);
    } else if (unknown.length > 0) {
      warn(
        `${this.path} is at MLflow schema revision ${unknown.join(', ')}, which this extension does not know ` +
          '(a newer MLflow made it?). Runs are read from the columns found; update the extension if something is missing.',
      );
    }
  }

  private async experiments(q: Query, schema: Schema, ref: StoreRef): Promise<Experiment[]> {
    const c = schema.columns.get('experiments') ?? new Set<string>();
    const col = (name: string) => (c.has(name) ? name : 'NULL');
    const rows = await q(
      `SELECT experiment_id, name, ${col('artifact_location')}, ${col('lifecycle_stage')}, ${col('creation_time')}, ${col('last_update_time')}
       FROM experiments ORDER BY experiment_id`,
    );
    const byId = new Map<string, Experiment>();
    for (const r of rows) {
      const experimentId = str(r[0]) ?? '';
      byId.set(experimentId, {
        experimentId,
        name: str(r[1]) ?? '',
        artifactLocation: str(r[2]),
        lifecycleStage: r[3] === 'deleted' ? 'deleted' : 'active',
        creationTime: num(r[4]),
        lastUpdateTime: num(r[5]),
        tags: {},
        store: ref,
      });
    }
    if (schema.tables.has('experiment_tags')) {
      for (const r of await q('SELECT experiment_id, key, value FROM experiment_tags')) {
        const e = byId.get(str(r[0]) ?? '');
        if (e && r[1] !== null) e.tags[String(r[1])] = str(r[2]) ?? '';
      }
    }
    return [...byId.values()];
  }

  /**
   * The runs as columns (see runColumns.ts), one plain scan per table in table order: SQLite neither sorts nor
   * builds JSON, and cells go from SQLite's memory into the columns without a JS string or array per row
   * (10,000 runs: 0.2 s warm, 0.5 s cold for all four tables; GROUP BY run with json_group_object and JSON.parse
   * took 0.7 s). Rows of one run need not be adjacent.
   */
  private async runColumns(q: Query, scan: Scan, schema: Schema, problems: StoreProblem[], onlyRuns?: string[]): Promise<RunColumns> {
    const { raw } = this.engine;
    const last = this.lastSizes;
    const strings = new StringTableBuilder(initialRows(last.strings), Math.max(1 << 16, initialRows(last.bytes)));
    const runs = new RunRowBuilder(initialRows(last.runs));
    /** Per string id: 1 + the index of the run with that id, 0 if none. */
    let runOfString = new Int32Array(1024);
    const deletedId = strings.addText('deleted');
    const statusOf = new Map<number, number>();
    const badStatuses = new Map<string, number>();
    /** The cell as a string id; -1 for NULL. */
    const textId = (stmt: number, col: number): number => {
      if (raw.columnType(stmt, col) === C.SQLITE_NULL) return -1;
      const ptr = raw.columnText(stmt, col);
      const len = raw.columnBytes(stmt, col);
      return strings.add(raw.heap(), ptr, len);
    };
    /** A number cell; NaN (read as null) for NULL or text that is not a number, as `num` does. */
    const numberOrNaN = (stmt: number, col: number): number => {
      const type = raw.columnType(stmt, col);
      if (type === C.SQLITE_INTEGER || type === C.SQLITE_FLOAT) return raw.columnDouble(stmt, col);
      if (type === C.SQLITE_NULL) return NaN;
      return num(strings.text(textId(stmt, col))) ?? NaN;
    };
    const statusIndex = (stmt: number): number => {
      const type = raw.columnType(stmt, 4);
      const id = type === C.SQLITE_NULL ? -1 : textId(stmt, 4);
      let index = statusOf.get(id);
      if (index === undefined) {
        const value = type === C.SQLITE_INTEGER || type === C.SQLITE_FLOAT ? raw.columnDouble(stmt, 4) : id < 0 ? null : strings.text(id);
        const status = parseRunStatus(value);
        index = status ? RUN_STATUS_ORDER.indexOf(status) : -1;
        statusOf.set(id, index);
      }
      if (index >= 0) return index;
      const shown = String(type === C.SQLITE_NULL ? null : type === C.SQLITE_TEXT ? strings.text(id) : raw.columnDouble(stmt, 4));
      badStatuses.set(shown, (badStatuses.get(shown) ?? 0) + 1);
      return RUN_STATUS_ORDER.indexOf('SCHEDULED'); // MLflow's column default
    };

    // A change read names its runs as one JSON array parameter: no limit on SQL variables, and SQLite looks each
    // id up in the run_uuid indexes instead of scanning the tables.
    const only = onlyRuns ? [JSON.stringify(onlyRuns)] : undefined;
    const onlyWhere = onlyRuns ? 'run_uuid IN (SELECT value FROM json_each(?)) AND' : '';
    const c = schema.columns.get('runs') ?? new Set<string>();
    const col = (name: string) => (c.has(name) ? name : 'NULL');
    await scan(
      `SELECT run_uuid, ${col('name')}, experiment_id, ${col('user_id')}, ${col('status')}, ${col('start_time')},
              ${col('end_time')}, ${col('lifecycle_stage')}, ${col('artifact_uri')}
       FROM runs WHERE ${onlyWhere} 1 ORDER BY start_time DESC, run_uuid`,
      (stmt) => {
        const runId = textId(stmt, 0);
        if (runId < 0 || raw.columnBytes(stmt, 0) === 0) return;
        runOfString = grown(runOfString, runId + 1);
        if (runOfString[runId] !== 0) return; // a duplicate id (no primary key in a hand-made db)
        const status = statusIndex(stmt);
        const index = runs.push(
          runId, textId(stmt, 1), textId(stmt, 2), textId(stmt, 3), textId(stmt, 8), status,
          textId(stmt, 7) === deletedId, numberOrNaN(stmt, 5), numberOrNaN(stmt, 6),
        );
        runOfString[runId] = index + 1;
      },
      only,
    );
    for (const [value, count] of badStatuses) {
      problems.push({
        severity: 'warning',
        file: this.path,
        message: `${count} run(s) in ${this.path} have status ${JSON.stringify(value)}, not one of MLflow's (RUNNING, SCHEDULED, FINISHED, FAILED, KILLED); shown as SCHEDULED.`,
      });
    }

    // The run of a row: most tables hold a run's rows together, so compare with the previous row's id first.
    let lastRunString = -1;
    let lastRun = -1;
    const runOf = (stmt: number): number => {
      const ptr = raw.columnText(stmt, 0);
      const len = raw.columnBytes(stmt, 0);
      const heap = raw.heap();
      if (lastRunString >= 0 && strings.equalsAt(lastRunString, heap, ptr, len)) return lastRun;
      lastRunString = strings.add(heap, ptr, len);
      lastRun = lastRunString < runOfString.length ? runOfString[lastRunString] - 1 : -1;
      return lastRun;
    };
    const keyValues = async (table: 'params' | 'tags'): Promise<KeyValueBuilder> => {
      const out = new KeyValueBuilder(initialRows(last[table]));
      if (!schema.tables.has(table)) return out;
      lastRunString = -1;
      // Values as text, NULL as '' (MLflow's columns are NOT NULL; hand-made dbs may differ).
      const from = onlyRuns ? `${table} WHERE ${onlyWhere}` : `${table} NOT INDEXED WHERE`;
      await scan(`SELECT run_uuid, key, value FROM ${from} key IS NOT NULL`, (stmt) => {
        const run = runOf(stmt);
        if (run < 0) return;
        const key = textId(stmt, 1);
        const ptr = raw.columnText(stmt, 2);
        const len = raw.columnBytes(stmt, 2);
        out.push(run, key, strings.add(raw.heap(), ptr, len));
      }, only);
      return out;
    };
    const params = await keyValues('params');
    const tags = await keyValues('tags');
    const metrics = new MetricBuilder(initialRows(last.metrics));
    if (schema.tables.has('latest_metrics')) {
      const m = schema.columns.get('latest_metrics') ?? new Set<string>();
      lastRunString = -1;
      await scan(
        `SELECT run_uuid, key, value, ifnull(timestamp, 0), ${m.has('step') ? 'ifnull(step, 0)' : '0'}, ${m.has('is_nan') ? 'is_nan' : '0'}
         FROM ${onlyRuns ? `latest_metrics WHERE ${onlyWhere}` : 'latest_metrics NOT INDEXED WHERE'} key IS NOT NULL`,
        (stmt) => {
          const run = runOf(stmt);
          if (run < 0) return;
          const value = raw.columnDouble(stmt, 5) === 1 ? NaN : numberOrNaN(stmt, 2);
          metrics.push(run, textId(stmt, 1), value, numberOrNaN(stmt, 3) || 0, numberOrNaN(stmt, 4) || 0);
        },
        only,
      );
    } else {
      await this.foldMetricHistory(q, schema, (runId, key, point) => {
        const id = strings.addText(runId);
        const run = id < runOfString.length ? runOfString[id] - 1 : -1;
        if (run >= 0) metrics.push(run, strings.addText(key), point.value, point.timestamp, point.step);
      });
    }
    // A change read's few runs say nothing about the size of the next full read.
    if (!onlyRuns) this.lastSizes = { runs: runs.count, params: params.count, tags: tags.count, metrics: metrics.count, strings: strings.size, bytes: strings.bytesUsed };
    return { strings: strings.finish(), runs: runs.finish(), params: params.finish(), tags: tags.finish(), metrics: metrics.finish() };
  }

  /** Schemas from before latest_metrics (89d4b8295536): the latest point of each (run, key) of the full history. */
  private async foldMetricHistory(q: Query, schema: Schema, give: (runId: string, key: string, point: LatestMetric) => void): Promise<void> {
    if (!schema.tables.has('metrics')) return;
    const c = schema.columns.get('metrics') ?? new Set<string>();
    const rows = await q(
      `SELECT run_uuid, key, value, ${c.has('is_nan') ? 'is_nan' : '0'}, timestamp, ${c.has('step') ? 'step' : '0'} FROM metrics WHERE key IS NOT NULL`,
    );
    const latest = new Map<string, Map<string, LatestMetric>>();
    for (const r of rows) {
      const runId = str(r[0]) ?? '';
      let byKey = latest.get(runId);
      if (!byKey) latest.set(runId, (byKey = new Map()));
      const point: LatestMetric = { value: metricValue(r[2], r[3]), timestamp: num(r[4]) ?? 0, step: num(r[5]) ?? 0 };
      const current = byKey.get(String(r[1]));
      if (!current || isLaterPoint(point, current)) byKey.set(String(r[1]), point);
    }
    for (const [runId, byKey] of latest) for (const [key, point] of byKey) give(runId, key, point);
  }
}
