import fs from 'node:fs';
import { StoreError } from '../../runs/types';
import { readDbHeader, walFingerprint } from './dbFileState';
import * as C from './sqliteCodes';
import type { SqliteEngine } from './sqliteEngine';

export type SqlValue = SQLiteCompatibleType;
export type Row = SqlValue[];
/** Runs one statement inside the current snapshot and returns all its rows. */
export type Query = (sql: string, params?: SqlValue[]) => Promise<Row[]>;
/**
 * Runs one statement inside the current snapshot without building rows: `onRow` reads each row's cells from the
 * statement handle with the engine's RawSqlite. Resolves to the number of rows.
 */
export type Scan = (sql: string, onRow: (stmt: number) => void, params?: SqlValue[]) => Promise<number>;

export interface SnapshotOptions {
  /** How long to wait for a writer that keeps a -journal (or keeps changing the db) before giving up. */
  busyTimeoutMs?: number;
  /** SQLite's own page cache per connection. */
  cacheKiB?: number;
}

/** Thrown when the caller's cancellation check says stop. */
export class ReadCancelledError extends Error {
  constructor() {
    super('The read was cancelled.');
    this.name = 'AbortError';
  }
}

// CANTOPEN: the db switched to WAL under us (a reconnect re-reads the header). CORRUPT/IOERR/NOTADB can come
// from a page torn by a commit; if the snapshot was not torn they are real and only retried a few times.
const RETRYABLE = new Set([C.SQLITE_BUSY, C.SQLITE_CANTOPEN, C.SQLITE_CORRUPT, C.SQLITE_IOERR, C.SQLITE_NOTADB]);
const MAX_ERROR_RETRIES = 3;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function sqliteCode(e: unknown): number | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? C.primaryCode(code) : undefined;
}

/**
 * One read-only connection to one database file through the read-only VFS. `read(fn)` runs fn inside one
 * read transaction and retries it until it ran on a snapshot no writer touched meanwhile.
 */
export class SnapshotConnection {
  /** Statements run and transactions retried since this connection was made (for diagnostics and tests). */
  readonly stats = { statements: 0, retries: 0 };
  private db = 0;
  private wal = false;
  /** dev:inode of the file the connection has open: a replaced file (same path) needs a new connection. */
  private fileId = '';
  private readonly busyTimeoutMs: number;
  private readonly cacheKiB: number;

  constructor(private readonly engine: SqliteEngine, readonly path: string, opts: SnapshotOptions = {}) {
    this.busyTimeoutMs = opts.busyTimeoutMs ?? 10_000;
    this.cacheKiB = opts.cacheKiB ?? 2048; // small: pages come from the OS cache (or the VFS snapshot cache under a busy writer)
  }

  async read<T>(fn: (q: Query, scan: Scan) => Promise<T>, isCancelled: () => boolean = () => false): Promise<T> {
    const deadline = Date.now() + this.busyTimeoutMs;
    let errorRetries = 0;
    for (let attempt = 0; ; attempt++) {
      if (isCancelled()) throw new ReadCancelledError();
      this.engine.vfs.torn = false;
      const walBefore = walFingerprint(this.path); // taken before SQLite reads the -wal
      let result: T | undefined;
      let err: unknown;
      try {
        // WAL: a fresh private wal-index is a fresh snapshot. Rollback: keep the connection while the file is the same.
        if (this.wal || !this.db || this.currentFileId() !== this.fileId) await this.connect();
        await this.engine.sqlite3.exec(this.db, 'BEGIN');
        result = await fn((sql, params) => this.rows(sql, params), (sql, onRow, params) => this.scan(sql, onRow, params));
      } catch (e) {
        err = e;
      }
      if (this.db) {
        try {
          await this.engine.sqlite3.exec(this.db, 'COMMIT');
        } catch {
          // no transaction was open (BEGIN or the first read failed)
        }
      }
      const torn = this.engine.vfs.torn || (this.wal && walFingerprint(this.path) !== walBefore);
      if (!err && !torn) return result as T;
      const code = sqliteCode(err);
      // A torn snapshot explains any error (even "malformed", or "no MLflow tables" while MLflow creates
      // them): retry it. Only an error on an untorn snapshot says something about the file.
      if (err && !torn) {
        if (err instanceof StoreError) throw err;
        if (code === undefined || !RETRYABLE.has(code)) throw this.describe(err, code);
        if (code !== C.SQLITE_BUSY && ++errorRetries > MAX_ERROR_RETRIES) throw this.describe(err, code);
      }
      if (torn) this.engine.vfs.keepPages(this.path); // WAL: seen only here, after a checkpoint
      if (Date.now() > deadline) throw this.gaveUp(err, code, torn);
      this.stats.retries++;
      // SQLite's own page cache outlives the transaction and is only checked against the change counter on
      // page 1: after a torn read it can hold pages of two commits under the newer counter, and the next
      // transaction would trust them (a "malformed" error, or silently mixed rows). Start afresh.
      if (torn || (err && code !== C.SQLITE_BUSY)) await this.disconnect();
      await sleep(code === C.SQLITE_BUSY ? 2 : Math.min(attempt, 10)); // BUSY: a writer is mid-commit
    }
  }

  /** The error for a read that found no quiet moment before the deadline. */
  private gaveUp(err: unknown, code: number | undefined, torn: boolean): StoreError {
    const changing = torn || (code === C.SQLITE_BUSY && this.engine.vfs.lastBusy === 'changing');
    if (changing) {
      return new StoreError(
        `${this.path} kept changing while it was read for ${this.busyTimeoutMs / 1000} s (a writer commits faster than a read finishes); it will be read again after the next change.`,
        this.path,
      );
    }
    if (err instanceof StoreError) return err;
    return err ? this.describe(err, code) : new StoreError(`Could not read ${this.path} within ${this.busyTimeoutMs / 1000} s.`, this.path);
  }

  async close(): Promise<void> {
    await this.disconnect();
  }

  private async connect(): Promise<void> {
    await this.disconnect();
    const header = readDbHeader(this.path);
    if (header === 'missing') throw new StoreError(`${this.path} does not exist (or is not a file).`, this.path);
    if (header === 'empty') {
      throw new StoreError(`${this.path} is empty (0 bytes): MLflow has not created its tables yet. Log a run with MLFLOW_TRACKING_URI=sqlite:///${this.path} first.`, this.path);
    }
    if (header === 'not-sqlite') {
      throw new StoreError(`${this.path} is not a SQLite database (its header is not "SQLite format 3"). Expected MLflow's mlflow.db; check the tracking URI.`, this.path);
    }
    this.wal = header.wal;
    const fileId = this.currentFileId();
    this.engine.vfs.prepare(this.path, this.wal, fileId !== this.fileId);
    this.fileId = fileId;
    const { sqlite3 } = this.engine;
    const db = await sqlite3.open_v2(this.path, C.SQLITE_OPEN_READONLY, this.engine.vfsName);
    try {
      // locking_mode must come before the first read: it keeps the wal-index in private memory (no -shm).
      if (this.wal) await sqlite3.exec(db, 'PRAGMA locking_mode=EXCLUSIVE;');
      await sqlite3.exec(db, `PRAGMA cache_size=-${this.cacheKiB}; PRAGMA temp_store=MEMORY; PRAGMA query_only=1;`);
    } catch (e) {
      await sqlite3.close(db);
      throw e;
    }
    this.db = db;
  }

  private currentFileId(): string {
    try {
      const st = fs.statSync(this.path);
      return `${st.dev}:${st.ino}`;
    } catch {
      return '';
    }
  }

  private async disconnect(): Promise<void> {
    if (!this.db) return;
    const db = this.db;
    this.db = 0;
    await this.engine.sqlite3.close(db);
  }

  private async rows(sql: string, params?: SqlValue[]): Promise<Row[]> {
    const { sqlite3 } = this.engine;
    const out: Row[] = [];
    for await (const stmt of sqlite3.statements(this.db, sql)) {
      this.stats.statements++;
      if (params?.length) sqlite3.bind_collection(stmt, params);
      while ((await sqlite3.step(stmt)) === C.SQLITE_ROW) out.push(sqlite3.row(stmt));
    }
    return out;
  }

  private async scan(sql: string, onRow: (stmt: number) => void, params?: SqlValue[]): Promise<number> {
    const { sqlite3, raw } = this.engine;
    let n = 0;
    for await (const stmt of sqlite3.statements(this.db, sql)) {
      this.stats.statements++;
      if (params?.length) sqlite3.bind_collection(stmt, params);
      for (;;) {
        const rc = raw.step(stmt);
        if (rc === C.SQLITE_DONE) break;
        if (rc !== C.SQLITE_ROW) throw Object.assign(new Error(raw.errmsg(this.db)), { code: rc });
        n++;
        onRow(stmt);
      }
    }
    return n;
  }

  private describe(err: unknown, code: number | undefined): StoreError {
    const detail = err instanceof Error ? err.message : String(err);
    if (code === C.SQLITE_BUSY) {
      return new StoreError(
        `${this.path} is locked: a writer has kept a rollback journal (${this.path}-journal) for over ${this.busyTimeoutMs / 1000} s. ` +
          'If no MLflow process is writing, the journal was left by a crashed writer: run any MLflow command against this database ' +
          '(it rolls the journal back), then refresh. This extension never modifies the database.',
        this.path,
      );
    }
    if (code === C.SQLITE_CORRUPT || code === C.SQLITE_NOTADB) {
      return new StoreError(`${this.path} is damaged (SQLite: ${detail}). Restore it from a backup, or check it with \`sqlite3 ${this.path} "PRAGMA integrity_check"\`.`, this.path);
    }
    return new StoreError(`Could not read ${this.path} (SQLite: ${detail}).`, this.path);
  }
}
