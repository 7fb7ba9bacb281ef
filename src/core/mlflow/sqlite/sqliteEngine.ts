import fs from 'node:fs';
import { createReadOnlyVfs, type ReadOnlyVfs } from './readOnlyVfs';

/**
 * SQLite's C functions for reading a result row, called directly: wa-sqlite's `step` is async and `row` builds an
 * array and a string per cell, which for the 360,000 rows of a 10,000-run list costs more than SQLite's own work.
 * Safe with this build and VFS, which are synchronous.
 */
export interface RawSqlite {
  step(stmt: number): number;
  columnType(stmt: number, col: number): number;
  columnDouble(stmt: number, col: number): number;
  /** Address of the cell as UTF-8 text; call before columnBytes (SQLite converts it first). */
  columnText(stmt: number, col: number): number;
  columnBytes(stmt: number, col: number): number;
  /** The WASM memory. Take it after the calls above: growing memory replaces it. */
  heap(): Uint8Array;
  errmsg(db: number): string;
}

/** wa-sqlite's API bound to one WASM instance, with our read-only VFS registered. */
export interface SqliteEngine {
  sqlite3: SQLiteAPI;
  raw: RawSqlite;
  vfs: ReadOnlyVfs;
  vfsName: string;
}

/** The Emscripten module's members used by RawSqlite. */
interface SqliteModule {
  _sqlite3_step(stmt: number): number;
  _sqlite3_column_type(stmt: number, col: number): number;
  _sqlite3_column_double(stmt: number, col: number): number;
  _sqlite3_column_text(stmt: number, col: number): number;
  _sqlite3_column_bytes(stmt: number, col: number): number;
  _sqlite3_errmsg(db: number): number;
  UTF8ToString(ptr: number): string;
  HEAPU8: Uint8Array;
}

function rawSqlite(module: object): RawSqlite {
  const m = module as SqliteModule;
  return {
    step: (stmt) => m._sqlite3_step(stmt),
    columnType: (stmt, col) => m._sqlite3_column_type(stmt, col),
    columnDouble: (stmt, col) => m._sqlite3_column_double(stmt, col),
    columnText: (stmt, col) => m._sqlite3_column_text(stmt, col),
    columnBytes: (stmt, col) => m._sqlite3_column_bytes(stmt, col),
    heap: () => m.HEAPU8,
    errmsg: (db) => m.UTF8ToString(m._sqlite3_errmsg(db)),
  };
}

const VFS_NAME = 'mlops-readonly';
let loading: Promise<SqliteEngine> | undefined;

/**
 * Loads SQLite (WASM, synchronous build) once per thread. The package is ESM-only: dynamic import() stays a
 * real import in tsc's CommonJS output and is bundled by esbuild. Its dist targets the web, so the wasm bytes
 * are passed in, and `locateFile` keeps it from resolving a URL against import.meta (empty in the bundle).
 */
export function loadSqliteEngine(wasmPath: string): Promise<SqliteEngine> {
  loading ??= (async () => {
    const [{ default: moduleFactory }, SQLite] = await Promise.all([
      import('@journeyapps/wa-sqlite/dist/wa-sqlite.mjs'),
      import('@journeyapps/wa-sqlite'),
    ]);
    const module: object = await moduleFactory({ wasmBinary: fs.readFileSync(wasmPath), locateFile: () => wasmPath });
    const sqlite3 = SQLite.Factory(module);
    const vfs = await createReadOnlyVfs(VFS_NAME, module);
    sqlite3.vfs_register(vfs, false);
    return { sqlite3, raw: rawSqlite(module), vfs, vfsName: VFS_NAME };
  })();
  loading.catch(() => (loading = undefined));
  return loading;
}
