// The few SQLite C-API numbers our VFS and retry loop use. They are SQLite's stable ABI
// (https://sqlite.org/rescode.html, https://sqlite.org/c3ref/c_open_autoproxy.html); kept here so
// both threads can use them without loading the ESM-only wa-sqlite package.
export const SQLITE_OK = 0;
export const SQLITE_BUSY = 5;
export const SQLITE_READONLY = 8;
export const SQLITE_IOERR = 10;
export const SQLITE_CORRUPT = 11;
export const SQLITE_CANTOPEN = 14;
export const SQLITE_NOTADB = 26;
export const SQLITE_ROW = 100;
export const SQLITE_DONE = 101;
export const SQLITE_IOERR_SHORT_READ = 522;
export const SQLITE_IOERR_DELETE = 2570;

export const SQLITE_OPEN_READONLY = 0x1;
export const SQLITE_OPEN_READWRITE = 0x2;
export const SQLITE_OPEN_CREATE = 0x4;
export const SQLITE_OPEN_TEMP_DB = 0x200;
export const SQLITE_OPEN_TRANSIENT_DB = 0x400;
export const SQLITE_OPEN_MAIN_JOURNAL = 0x800;
export const SQLITE_OPEN_TEMP_JOURNAL = 0x1000;
export const SQLITE_OPEN_SUBJOURNAL = 0x2000;
export const SQLITE_OPEN_SUPER_JOURNAL = 0x4000;
export const SQLITE_OPEN_WAL = 0x80000;

/** Column types (sqlite3_column_type). */
export const SQLITE_INTEGER = 1;
export const SQLITE_FLOAT = 2;
export const SQLITE_TEXT = 3;
export const SQLITE_NULL = 5;

export const SQLITE_LOCK_NONE = 0;
export const SQLITE_LOCK_SHARED = 1;
export const SQLITE_ACCESS_READWRITE = 1;

/** The primary result code of an extended one (SQLITE_IOERR_SHORT_READ -> SQLITE_IOERR). */
export function primaryCode(code: number): number {
  return code & 0xff;
}
