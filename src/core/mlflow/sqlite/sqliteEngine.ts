import fs from 'node:fs';
import { createReadOnlyVfs, type ReadOnlyVfs } from './readOnlyVfs';

/** wa-sqlite's API bound to one WASM instance, with our read-only VFS registered. */
export interface SqliteEngine {
  sqlite3: SQLiteAPI;
  vfs: ReadOnlyVfs;
  vfsName: string;
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
    return { sqlite3, vfs, vfsName: VFS_NAME };
  })();
  loading.catch(() => (loading = undefined));
  return loading;
}
