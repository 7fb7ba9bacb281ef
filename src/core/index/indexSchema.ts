import type { Database } from 'sql.js';

/** Bump whenever a table or the series encoding changes: a file with another version is discarded and rebuilt. */
export const INDEX_SCHEMA_VERSION = 1;

/**
 * Runs are keyed by (store, run id): two stores may hold copies of one run. Params, tags and latest
 * metrics are rows (latest metrics indexed by (key, value) for "top runs by metric"); a metric's
 * history is one blob per (store, run, key), see seriesCodec.ts. Times are epoch ms.
 * SQLite turns NaN into NULL, hence `is_nan` beside each latest value.
 */
const DDL = `
CREATE TABLE stores (
  id INTEGER PRIMARY KEY,
  uri TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  path TEXT NOT NULL
);
CREATE TABLE reader_states (
  uri TEXT PRIMARY KEY,
  state TEXT NOT NULL
);
CREATE TABLE experiments (
  store_id INTEGER NOT NULL,
  experiment_id TEXT NOT NULL,
  name TEXT NOT NULL,
  lifecycle_stage TEXT NOT NULL,
  artifact_location TEXT,
  creation_time INTEGER,
  last_update_time INTEGER,
  tags TEXT NOT NULL,
  meta_path TEXT,
  PRIMARY KEY (store_id, experiment_id)
);
CREATE TABLE runs (
  id INTEGER PRIMARY KEY,
  store_id INTEGER NOT NULL,
  run_id TEXT NOT NULL,
  run_name TEXT NOT NULL,
  experiment_id TEXT NOT NULL,
  status TEXT NOT NULL,
  start_time INTEGER,
  end_time INTEGER,
  lifecycle_stage TEXT NOT NULL,
  artifact_uri TEXT,
  user_id TEXT,
  parent_run_id TEXT,
  meta_path TEXT,
  UNIQUE (store_id, run_id)
);
CREATE INDEX runs_by_experiment ON runs (store_id, experiment_id);
CREATE TABLE params (
  run_pk INTEGER NOT NULL,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (run_pk, key)
) WITHOUT ROWID;
CREATE TABLE tags (
  run_pk INTEGER NOT NULL,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (run_pk, key)
) WITHOUT ROWID;
CREATE TABLE latest_metrics (
  run_pk INTEGER NOT NULL,
  key TEXT NOT NULL,
  value REAL,
  is_nan INTEGER NOT NULL,
  step INTEGER NOT NULL,
  timestamp INTEGER NOT NULL,
  PRIMARY KEY (run_pk, key)
) WITHOUT ROWID;
CREATE INDEX latest_metrics_by_value ON latest_metrics (key, value);
CREATE TABLE series (
  id INTEGER PRIMARY KEY,
  store_id INTEGER NOT NULL,
  run_id TEXT NOT NULL,
  key TEXT NOT NULL,
  count INTEGER NOT NULL,
  data BLOB NOT NULL,
  UNIQUE (store_id, run_id, key)
);
`;

export const TABLES = ['stores', 'reader_states', 'experiments', 'runs', 'params', 'tags', 'latest_metrics', 'series'];

/** 8 KiB pages: a history blob of a few hundred points wastes less of a page than with the default 4 KiB. */
export function createSchema(db: Database): void {
  db.exec(`PRAGMA page_size = 8192; BEGIN; ${DDL} PRAGMA user_version = ${INDEX_SCHEMA_VERSION}; COMMIT;`);
}

/** Per-connection settings (not stored in the file): the database lives in memory, so no journal file or fsync. */
export function configureConnection(db: Database): void {
  db.exec('PRAGMA journal_mode = MEMORY; PRAGMA synchronous = OFF; PRAGMA temp_store = MEMORY;');
}

/** Why a loaded database is not a usable index of this version, or undefined when it is. */
export function schemaProblem(db: Database): string | undefined {
  const version = Number(db.exec('PRAGMA user_version')[0]?.values[0]?.[0]);
  if (version !== INDEX_SCHEMA_VERSION) return `index schema version ${version}, expected ${INDEX_SCHEMA_VERSION}`;
  const present = new Set(db.exec("SELECT name FROM sqlite_schema WHERE type = 'table'")[0]?.values.map((row) => row[0]));
  const missing = TABLES.filter((t) => !present.has(t));
  if (missing.length > 0) return `index tables missing: ${missing.join(', ')}`;
  return undefined;
}
