import { isLaterPoint } from '../../runs/latestMetric';
import { parseRunStatus } from '../../runs/statusNames';
import { StoreError, type Experiment, type LatestMetric, type MetricPoint, type Run, type StoreProblem, type StoreRef, type StoreSnapshot } from '../../runs/types';
import { KNOWN_MLFLOW_REVISIONS } from './alembicRevisions';
import { SnapshotConnection, type Query, type SnapshotOptions, type SqlValue } from './snapshotConnection';
import type { SqliteEngine } from './sqliteEngine';

// MLflow's tracking tables (mlflow/store/tracking/dbmodels/models.py), read in bulk: one statement per table,
// grouped per run inside SQLite, never one query per run. Columns added by later migrations are looked up with
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

/**
 * SQL for a REAL as exact JSON: SQLite's JSON rendering keeps 15 significant digits, '%!.17g' round-trips every
 * double. NaN (is_nan = 1, or a NULL value that old schemas allowed) becomes null; infinities 9e999.
 */
function jsonReal(value: string, isNan: string): string {
  return `CASE WHEN ${isNan} = 1 OR ${value} IS NULL THEN NULL WHEN abs(${value}) <= 1.7976931348623157e308 THEN json(printf('%!.17g', ${value}))
    WHEN ${value} > 0 THEN json('9e999') ELSE json('-9e999') END`;
}

/** A metric value as MLflow reads it back: is_nan wins, and a NULL value (allowed by old schemas) is NaN too. */
function metricValue(value: SqlValue | undefined, isNan: SqlValue | undefined): number {
  if (num(isNan) === 1) return NaN;
  return num(value) ?? NaN;
}

export class MlflowDb {
  readonly conn: SnapshotConnection;

  constructor(engine: SqliteEngine, readonly path: string, opts: SnapshotOptions = {}) {
    this.conn = new SnapshotConnection(engine, path, opts);
  }

  /** Every experiment and run (deleted ones too), from one consistent snapshot. */
  readAll(ref: StoreRef, isCancelled?: () => boolean): Promise<StoreSnapshot> {
    return this.conn.read(async (q) => {
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
      const runs = await this.runs(q, schema, ref, problems);
      return { store: ref, experiments, runs, problems };
    }, isCancelled);
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

  private async runs(q: Query, schema: Schema, ref: StoreRef, problems: StoreProblem[]): Promise<Run[]> {
    const c = schema.columns.get('runs') ?? new Set<string>();
    const col = (name: string) => (c.has(name) ? name : 'NULL');
    const rows = await q(
      `SELECT run_uuid, ${col('name')}, experiment_id, ${col('user_id')}, ${col('status')}, ${col('start_time')},
              ${col('end_time')}, ${col('lifecycle_stage')}, ${col('artifact_uri')}
       FROM runs ORDER BY start_time DESC, run_uuid`,
    );
    const byId = new Map<string, Run>();
    const badStatuses = new Map<string, number>();
    for (const r of rows) {
      const runId = str(r[0]);
      if (!runId) continue;
      let status = parseRunStatus(r[4]);
      if (!status) {
        badStatuses.set(String(r[4]), (badStatuses.get(String(r[4])) ?? 0) + 1);
        status = 'SCHEDULED'; // MLflow's column default
      }
      byId.set(runId, {
        runId,
        runName: str(r[1]) ?? '',
        experimentId: str(r[2]) ?? '',
        status,
        startTime: num(r[5]),
        endTime: num(r[6]),
        lifecycleStage: r[7] === 'deleted' ? 'deleted' : 'active',
        artifactUri: str(r[8]),
        userId: str(r[3]),
        params: {},
        tags: {},
        metrics: {},
        parentRunId: null,
        store: ref,
      });
    }
    for (const [value, count] of badStatuses) {
      problems.push({
        severity: 'warning',
        file: this.path,
        message: `${count} run(s) in ${this.path} have status ${JSON.stringify(value)}, not one of MLflow's (RUNNING, SCHEDULED, FINISHED, FAILED, KILLED); shown as SCHEDULED.`,
      });
    }
    await this.keyValues(q, schema, 'params', byId, (run, values) => (run.params = values));
    await this.keyValues(q, schema, 'tags', byId, (run, values) => (run.tags = values));
    await this.latestMetrics(q, schema, byId);
    for (const run of byId.values()) {
      // MLflow falls back to the mlflow.runName tag when runs.name is empty (old schemas and clients).
      if (!run.runName) run.runName = run.tags['mlflow.runName'] ?? '';
      run.parentRunId = run.tags['mlflow.parentRunId'] ?? null;
    }
    return [...byId.values()];
  }

  /**
   * One row per run with all its keys and values as a JSON object: 200k params cross into JS as 10k rows and
   * become the run's record in one JSON.parse. (JSON.parse defines own properties, so a `__proto__` key is data.)
   * NOT INDEXED: a scan of the table and an in-memory sort touch half the pages of a walk of the run_uuid index
   * with a table lookup per row, so the whole run list fits in the VFS's snapshot cache (see there).
   */
  private async keyValues(q: Query, schema: Schema, table: 'params' | 'tags', byId: Map<string, Run>, set: (run: Run, values: Record<string, string>) => void): Promise<void> {
    if (!schema.tables.has(table)) return;
    const rows = await q(`SELECT run_uuid, json_group_object(key, ifnull(CAST(value AS TEXT), '')) FROM ${table} NOT INDEXED WHERE key IS NOT NULL GROUP BY run_uuid`);
    for (const r of rows) {
      const run = byId.get(str(r[0]) ?? '');
      if (run) set(run, JSON.parse(String(r[1])) as Record<string, string>);
    }
  }

  private async latestMetrics(q: Query, schema: Schema, byId: Map<string, Run>): Promise<void> {
    if (!schema.tables.has('latest_metrics')) return this.foldMetricHistory(q, schema, byId);
    const c = schema.columns.get('latest_metrics') ?? new Set<string>();
    const rows = await q(
      `SELECT run_uuid, json_group_object(key, json_object('value', ${jsonReal('value', c.has('is_nan') ? 'is_nan' : '0')},
         'timestamp', ifnull(timestamp, 0), 'step', ${c.has('step') ? 'ifnull(step, 0)' : '0'}))
       FROM latest_metrics NOT INDEXED WHERE key IS NOT NULL GROUP BY run_uuid`,
    );
    for (const r of rows) {
      const run = byId.get(str(r[0]) ?? '');
      if (!run) continue;
      const metrics = JSON.parse(String(r[1])) as Record<string, { value: number | null; timestamp: number; step: number }>;
      for (const m of Object.values(metrics)) if (m.value === null) m.value = NaN;
      run.metrics = metrics as Record<string, LatestMetric>;
    }
  }

  /** Schemas from before latest_metrics (89d4b8295536): the latest point of each full history. */
  private async foldMetricHistory(q: Query, schema: Schema, byId: Map<string, Run>): Promise<void> {
    if (!schema.tables.has('metrics')) return;
    const c = schema.columns.get('metrics') ?? new Set<string>();
    const rows = await q(
      `SELECT run_uuid, key, ${jsonReal('value', c.has('is_nan') ? 'is_nan' : '0')}, timestamp, ${c.has('step') ? 'step' : '0'} FROM metrics WHERE key IS NOT NULL`,
    );
    for (const r of rows) {
      const run = byId.get(str(r[0]) ?? '');
      if (!run) continue;
      const value = r[2] === null ? NaN : (JSON.parse(String(r[2])) as number);
      const point: LatestMetric = { value, timestamp: num(r[3]) ?? 0, step: num(r[4]) ?? 0 };
      const current = run.metrics[String(r[1])];
      if (!current || isLaterPoint(point, current)) run.metrics[String(r[1])] = point;
    }
  }
}
