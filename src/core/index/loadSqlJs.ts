import type { SqlJsStatic } from 'sql.js';
import { locateAsset } from '../wasm/locateAsset';

let loading: Promise<SqlJsStatic> | undefined;

/**
 * Loads sql.js on first use only: requiring it compiles a ~1 MB wasm module, which must stay off the
 * extension's activation path. The wasm ships next to the bundle in dist/.
 */
export function loadSqlJs(): Promise<SqlJsStatic> {
  if (!loading) {
    const started = (async () => {
      const initSqlJs = require('sql.js') as typeof import('sql.js');
      const wasmFile = locateAsset('sql-wasm.wasm', 'sql.js/dist/sql-wasm.wasm');
      return initSqlJs({ locateFile: () => wasmFile });
    })();
    // A failed load (missing wasm) may be retried by a later open().
    started.catch(() => {
      if (loading === started) loading = undefined;
    });
    loading = started;
  }
  return loading;
}
