import fs from 'node:fs';
import initSqlJs, { type Database } from 'sql.js';
import { latestOf } from '../../../src/core/runs/latestMetric';

// Builds test mlflow.db files with sql.js in MLflow's table layout (column names and keys from
// mlflow/store/tracking/dbmodels/models.py and the alembic migrations). '3.x' and '2.x' differ in the
// revision and the newer tables; 'legacy' lacks columns and tables that later migrations added.

export type SchemaFlavour = '3.x' | '2.x' | 'legacy';

export const REVISION_3X = 'de4033877273'; // create entity_associations (MLflow 3.x)
export const REVISION_2X = 'acf3f17fdcc7'; // storage_location on model versions (MLflow 2.x)
export const REVISION_LEGACY = '7ac759974ad8'; // run tags limit (MLflow 1.x)

export interface MetricSpec {
  key: string;
  value: number;
  step: number;
  timestamp: number;
}

export interface RunSpec {
  runId: string;
  experimentId: string;
  name?: string;
  status?: string;
  startTime?: number;
  endTime?: number | null;
  lifecycleStage?: 'active' | 'deleted';
  userId?: string;
  artifactUri?: string;
  params?: Record<string, string>;
  tags?: Record<string, string>;
  metrics?: MetricSpec[];
}

export interface ExperimentSpec {
  experimentId: string;
  name: string;
  lifecycleStage?: 'active' | 'deleted';
  artifactLocation?: string;
  creationTime?: number;
  tags?: Record<string, string>;
}

export interface MlflowDbSpec {
  schema: SchemaFlavour;
  /** Default: the flavour's revision; null: no alembic_version table. */
  revision?: string | null;
  experiments: ExperimentSpec[];
  runs: RunSpec[];
}

const CORE = `
CREATE TABLE experiments (
  experiment_id INTEGER NOT NULL, name VARCHAR(256) NOT NULL, artifact_location VARCHAR(256), lifecycle_stage VARCHAR(32),
  creation_time BIGINT, last_update_time BIGINT,
  CONSTRAINT experiment_pk PRIMARY KEY (experiment_id), UNIQUE (name),
  CONSTRAINT experiments_lifecycle_stage CHECK (lifecycle_stage IN ('active', 'deleted')));
CREATE TABLE experiment_tags (
  key VARCHAR(250) NOT NULL, value VARCHAR(5000), experiment_id INTEGER NOT NULL,
  CONSTRAINT experiment_tag_pk PRIMARY KEY (key, experiment_id), FOREIGN KEY(experiment_id) REFERENCES experiments (experiment_id));
CREATE TABLE runs (
  run_uuid VARCHAR(32) NOT NULL, name VARCHAR(250), source_type VARCHAR(20), source_name VARCHAR(500), entry_point_name VARCHAR(50),
  user_id VARCHAR(256), status VARCHAR(9), start_time BIGINT, end_time BIGINT, source_version VARCHAR(50), lifecycle_stage VARCHAR(20),
  artifact_uri VARCHAR(200), experiment_id INTEGER, deleted_time BIGINT,
  CONSTRAINT run_pk PRIMARY KEY (run_uuid),
  CONSTRAINT source_type CHECK (source_type IN ('NOTEBOOK', 'JOB', 'LOCAL', 'UNKNOWN', 'PROJECT')),
  CONSTRAINT runs_lifecycle_stage CHECK (lifecycle_stage IN ('active', 'deleted')),
  FOREIGN KEY(experiment_id) REFERENCES experiments (experiment_id));
CREATE TABLE tags (
  key VARCHAR(250) NOT NULL, value VARCHAR(8000), run_uuid VARCHAR(32) NOT NULL,
  CONSTRAINT tag_pk PRIMARY KEY (key, run_uuid), FOREIGN KEY(run_uuid) REFERENCES runs (run_uuid));
CREATE INDEX index_tags_run_uuid ON tags (run_uuid);
CREATE TABLE params (
  key VARCHAR(250) NOT NULL, value VARCHAR(8000) NOT NULL, run_uuid VARCHAR(32) NOT NULL,
  CONSTRAINT param_pk PRIMARY KEY (key, run_uuid), FOREIGN KEY(run_uuid) REFERENCES runs (run_uuid));
CREATE INDEX index_params_run_uuid ON params (run_uuid);
CREATE TABLE metrics (
  key VARCHAR(250) NOT NULL, value FLOAT NOT NULL, timestamp BIGINT NOT NULL, run_uuid VARCHAR(32) NOT NULL,
  step BIGINT DEFAULT '0' NOT NULL, is_nan BOOLEAN DEFAULT '0' NOT NULL,
  CONSTRAINT metric_pk PRIMARY KEY (key, timestamp, step, run_uuid, value, is_nan),
  FOREIGN KEY(run_uuid) REFERENCES runs (run_uuid), CONSTRAINT is_nan CHECK (is_nan IN (0, 1)));
CREATE INDEX index_metrics_run_uuid ON metrics (run_uuid);
CREATE TABLE latest_metrics (
  key VARCHAR(250) NOT NULL, value FLOAT NOT NULL, timestamp BIGINT, step BIGINT NOT NULL, is_nan BOOLEAN NOT NULL,
  run_uuid VARCHAR(32) NOT NULL,
  CONSTRAINT latest_metric_pk PRIMARY KEY (key, run_uuid), FOREIGN KEY(run_uuid) REFERENCES runs (run_uuid),
  CHECK (is_nan IN (0, 1)));
CREATE INDEX index_latest_metrics_run_uuid ON latest_metrics (run_uuid);
CREATE TABLE datasets (
  dataset_uuid VARCHAR(36) NOT NULL, experiment_id INTEGER NOT NULL, name VARCHAR(500) NOT NULL, digest VARCHAR(36) NOT NULL,
  dataset_source_type VARCHAR(36) NOT NULL, dataset_source TEXT NOT NULL, dataset_schema TEXT, dataset_profile TEXT,
  CONSTRAINT dataset_pk PRIMARY KEY (experiment_id, name, digest));
CREATE TABLE inputs (
  input_uuid VARCHAR(36) NOT NULL, source_type VARCHAR(36) NOT NULL, source_id VARCHAR(36) NOT NULL,
  destination_type VARCHAR(36) NOT NULL, destination_id VARCHAR(36) NOT NULL,
  CONSTRAINT inputs_pk PRIMARY KEY (source_type, source_id, destination_type, destination_id));
`;

const MLFLOW_3 = `
CREATE TABLE logged_models (
  model_id VARCHAR(36) NOT NULL, experiment_id INTEGER NOT NULL, name VARCHAR(500) NOT NULL, artifact_location VARCHAR(1000) NOT NULL,
  creation_timestamp_ms BIGINT NOT NULL, last_updated_timestamp_ms BIGINT NOT NULL, status INTEGER NOT NULL,
  lifecycle_stage VARCHAR(32), model_type VARCHAR(500), source_run_id VARCHAR(32), status_message VARCHAR(1000),
  CONSTRAINT logged_models_pk PRIMARY KEY (model_id));
CREATE TABLE trace_info (
  request_id VARCHAR(50) NOT NULL, experiment_id INTEGER NOT NULL, timestamp_ms BIGINT NOT NULL, execution_time_ms BIGINT,
  status VARCHAR(50) NOT NULL, CONSTRAINT trace_info_pk PRIMARY KEY (request_id));
`;

// Before creation_time/last_update_time (97727af70f4d), latest_metrics (89d4b8295536) and is_nan.
const LEGACY = `
CREATE TABLE experiments (
  experiment_id INTEGER NOT NULL, name VARCHAR(256) NOT NULL, artifact_location VARCHAR(256), lifecycle_stage VARCHAR(32),
  CONSTRAINT experiment_pk PRIMARY KEY (experiment_id), UNIQUE (name));
CREATE TABLE experiment_tags (key VARCHAR(250) NOT NULL, value VARCHAR(5000), experiment_id INTEGER NOT NULL,
  CONSTRAINT experiment_tag_pk PRIMARY KEY (key, experiment_id));
CREATE TABLE runs (
  run_uuid VARCHAR(32) NOT NULL, name VARCHAR(250), source_type VARCHAR(20), source_name VARCHAR(500), entry_point_name VARCHAR(50),
  user_id VARCHAR(256), status VARCHAR(9), start_time BIGINT, end_time BIGINT, source_version VARCHAR(50), lifecycle_stage VARCHAR(20),
  artifact_uri VARCHAR(200), experiment_id INTEGER, CONSTRAINT run_pk PRIMARY KEY (run_uuid));
CREATE TABLE tags (key VARCHAR(250) NOT NULL, value VARCHAR(5000), run_uuid VARCHAR(32) NOT NULL, CONSTRAINT tag_pk PRIMARY KEY (key, run_uuid));
CREATE TABLE params (key VARCHAR(250) NOT NULL, value VARCHAR(250) NOT NULL, run_uuid VARCHAR(32) NOT NULL, CONSTRAINT param_pk PRIMARY KEY (key, run_uuid));
CREATE TABLE metrics (key VARCHAR(250) NOT NULL, value FLOAT NOT NULL, timestamp BIGINT NOT NULL, run_uuid VARCHAR(32) NOT NULL,
  step BIGINT DEFAULT '0' NOT NULL, CONSTRAINT metric_pk PRIMARY KEY (key, timestamp, step, run_uuid, value));
`;

export function schemaSql(schema: SchemaFlavour): string {
  if (schema === 'legacy') return LEGACY;
  return schema === '3.x' ? CORE + MLFLOW_3 : CORE;
}

let sqlJs: ReturnType<typeof initSqlJs> | undefined;
function loadSqlJs() {
  sqlJs ??= initSqlJs({ locateFile: () => require.resolve('sql.js/dist/sql-wasm.wasm') });
  return sqlJs;
}

function defaultRevision(schema: SchemaFlavour): string {
  return schema === '3.x' ? REVISION_3X : schema === '2.x' ? REVISION_2X : REVISION_LEGACY;
}

/** Writes an MLflow-layout database to `file` (replacing it). */
export async function makeMlflowDb(file: string, spec: MlflowDbSpec): Promise<void> {
  const SQL = await loadSqlJs();
  const db = new SQL.Database();
  try {
    fill(db, spec);
    fs.writeFileSync(file, db.export());
  } finally {
    db.close();
  }
}

function fill(db: Database, spec: MlflowDbSpec): void {
  const legacy = spec.schema === 'legacy';
  db.exec(schemaSql(spec.schema));
  const revision = spec.revision === undefined ? defaultRevision(spec.schema) : spec.revision;
  if (revision !== null) {
    db.exec('CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))');
    db.run('INSERT INTO alembic_version VALUES (?)', [revision]);
  }
  db.exec('BEGIN');
  for (const e of spec.experiments) {
    if (legacy) {
      db.run('INSERT INTO experiments VALUES (?, ?, ?, ?)', [Number(e.experimentId), e.name, e.artifactLocation ?? null, e.lifecycleStage ?? 'active']);
    } else {
      const t = e.creationTime ?? null;
      db.run('INSERT INTO experiments VALUES (?, ?, ?, ?, ?, ?)', [Number(e.experimentId), e.name, e.artifactLocation ?? null, e.lifecycleStage ?? 'active', t, t]);
    }
    for (const [k, v] of Object.entries(e.tags ?? {})) db.run('INSERT INTO experiment_tags VALUES (?, ?, ?)', [k, v, Number(e.experimentId)]);
  }
  const runCols = legacy ? 13 : 14;
  const insRun = db.prepare(`INSERT INTO runs VALUES (${Array(runCols).fill('?').join(', ')})`);
  const insTag = db.prepare('INSERT INTO tags VALUES (?, ?, ?)');
  const insParam = db.prepare('INSERT INTO params VALUES (?, ?, ?)');
  const insMetric = db.prepare(legacy ? 'INSERT INTO metrics VALUES (?, ?, ?, ?, ?)' : 'INSERT INTO metrics VALUES (?, ?, ?, ?, ?, ?)');
  const insLatest = legacy ? undefined : db.prepare('INSERT INTO latest_metrics VALUES (?, ?, ?, ?, ?, ?)');
  for (const r of spec.runs) {
    const row = [r.runId, r.name ?? null, 'LOCAL', '', '', r.userId ?? null, r.status ?? 'FINISHED', r.startTime ?? 0, r.endTime ?? null, '',
      r.lifecycleStage ?? 'active', r.artifactUri ?? null, Number(r.experimentId)];
    insRun.run(legacy ? row : [...row, r.lifecycleStage === 'deleted' ? (r.endTime ?? 0) : null]);
    for (const [k, v] of Object.entries(r.tags ?? {})) insTag.run([k, v, r.runId]);
    for (const [k, v] of Object.entries(r.params ?? {})) insParam.run([k, v, r.runId]);
    const byKey = new Map<string, MetricSpec[]>();
    for (const m of r.metrics ?? []) {
      const nan = Number.isNaN(m.value);
      // MLflow stores NaN as value 0 with is_nan = 1.
      insMetric.run(legacy ? [m.key, nan ? 0 : m.value, m.timestamp, r.runId, m.step] : [m.key, nan ? 0 : m.value, m.timestamp, r.runId, m.step, nan ? 1 : 0]);
      byKey.set(m.key, [...(byKey.get(m.key) ?? []), m]);
    }
    for (const [key, points] of byKey) {
      const l = latestOf(points);
      if (l && insLatest) insLatest.run([key, Number.isNaN(l.value) ? 0 : l.value, l.timestamp, l.step, Number.isNaN(l.value) ? 1 : 0, r.runId]);
    }
  }
  for (const s of [insRun, insTag, insParam, insMetric, insLatest]) s?.free();
  db.exec('COMMIT');
}
