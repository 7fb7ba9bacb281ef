import fs from 'node:fs';
import type { Database, SqlJsStatic } from 'sql.js';
import { TABLES, schemaProblem } from './indexSchema';

export type LoadedIndexFile = { db: Database } | { problem?: string };

/**
 * Reads a persisted index. A missing file is no problem (first start); an unreadable, damaged or
 * other-version file yields a `problem` and no database, so the caller starts fresh: the index is a
 * cache of the stores and can always be rebuilt from them.
 */
export async function loadIndexFile(sql: SqlJsStatic, file: string): Promise<LoadedIndexFile> {
  let bytes: Uint8Array;
  try {
    bytes = await fs.promises.readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    return { problem: `could not read it (${(error as Error).message})` };
  }
  const headerProblem = sqliteHeaderProblem(bytes);
  if (headerProblem) return { problem: headerProblem };
  let db: Database | undefined;
  try {
    db = new sql.Database(bytes);
    const problem = schemaProblem(db) ?? integrityProblem(db);
    if (problem) {
      db.close();
      return { problem };
    }
    return { db };
  } catch (error) {
    db?.close();
    return { problem: `not a readable SQLite database (${(error as Error).message})` };
  }
}

/**
 * Cheap checks on the 100-byte SQLite header (https://www.sqlite.org/fileformat.html#the_database_header):
 * the magic string, and a length matching page size x page count, which catches a truncated file
 * before SQLite reads a missing page.
 */
export function sqliteHeaderProblem(bytes: Uint8Array): string | undefined {
  const magic = 'SQLite format 3\0';
  if (bytes.length < 100 || Buffer.from(bytes.subarray(0, 16)).toString('latin1') !== magic) {
    return 'not an SQLite database';
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const rawPageSize = view.getUint16(16);
  const pageSize = rawPageSize === 1 ? 65536 : rawPageSize;
  const pageCount = view.getUint32(28);
  // The page count in the header is valid only when written by the same change as the counter at 24.
  const countValid = view.getUint32(92) === view.getUint32(24) && pageCount > 0;
  if (pageSize < 512 || (pageSize & (pageSize - 1)) !== 0) return 'damaged SQLite header (page size)';
  if (bytes.length % pageSize !== 0) return `truncated (${bytes.length} bytes is not a whole number of pages)`;
  if (countValid && bytes.length !== pageSize * pageCount) {
    return `truncated (${bytes.length} bytes, header says ${pageSize * pageCount})`;
  }
  return undefined;
}

/**
 * SQLite's quick_check over every table but the metric histories, which hold most of the pages: checking
 * them would double the reopen time, and a damaged history blob is caught when decoded.
 */
function integrityProblem(db: Database): string | undefined {
  for (const table of TABLES.filter((t) => t !== 'series')) {
    const first = db.exec(`PRAGMA quick_check(${table})`)[0]?.values[0]?.[0];
    if (first !== 'ok') return `damaged (${String(first ?? 'quick_check returned nothing')})`;
  }
  return undefined;
}
