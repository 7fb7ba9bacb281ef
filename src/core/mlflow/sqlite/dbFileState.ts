import fs from 'node:fs';

// Small reads of a SQLite database's header, -journal, -wal and -shm, with no locks and never a write.
// Both threads use them: the worker's VFS to validate snapshots, the main thread for cheap change polling.
// Layouts: https://sqlite.org/fileformat2.html (header, WAL header) and https://sqlite.org/walformat.html (-shm).

/** Reads `len` bytes at `pos`; null if the file is shorter. */
export function readAt(fd: number, len: number, pos: number): Buffer | null {
  const b = Buffer.alloc(len);
  return fs.readSync(fd, b, 0, len, pos) === len ? b : null;
}

function statOrNull(p: string): fs.Stats | null {
  try {
    return fs.statSync(p);
  } catch {
    return null;
  }
}

/** Reads a few bytes of a file by path; null if it is missing or shorter. */
function readFileAt(p: string, len: number, pos: number): Buffer | null {
  let fd: number;
  try {
    fd = fs.openSync(p, 'r');
  } catch {
    return null;
  }
  try {
    return readAt(fd, len, pos);
  } finally {
    fs.closeSync(fd);
  }
}

export function fileExists(p: string): boolean {
  return statOrNull(p) !== null;
}

/** The file change counter (header bytes 24..27): every rollback-mode commit bumps it, writing page 1 first. */
export function changeCounter(fd: number): number {
  const b = readAt(fd, 4, 24);
  return b ? b.readUInt32BE(0) : -1;
}

/**
 * True while a writer may be committing through a -journal: DELETE mode (it exists), TRUNCATE mode (size > 0),
 * PERSIST mode (its header is not zeroed).
 */
export function journalActive(dbPath: string): boolean {
  const st = statOrNull(dbPath + '-journal');
  if (!st || st.size === 0) return false;
  const h = readFileAt(dbPath + '-journal', 8, 0);
  return h !== null && h.readBigUInt64BE(0) !== 0n;
}

/**
 * Changes whenever a checkpoint starts or ends or the WAL restarts: the -wal salts (offset 16) and the -shm
 * checkpoint info nBackfill (96) and nBackfillAttempted (128, set before frames are copied into the db).
 */
export function walFingerprint(dbPath: string): string {
  const parts: string[] = [];
  for (const [suffix, off, len] of [['-wal', 16, 8], ['-shm', 96, 4], ['-shm', 128, 4]] as const) {
    const b = readFileAt(dbPath + suffix, len, off);
    parts.push(b ? b.toString('hex') : '-');
  }
  return parts.join('|');
}

export interface DbHeader {
  /** Header byte 18 = 2: the db is in WAL mode (can change between reads). */
  wal: boolean;
  pageSize: number;
}

export type HeaderProblem = 'missing' | 'empty' | 'not-sqlite';

/** The 100-byte database header, or why there is none. */
export function readDbHeader(dbPath: string): DbHeader | HeaderProblem {
  const st = statOrNull(dbPath);
  if (!st || !st.isFile()) return 'missing';
  if (st.size === 0) return 'empty';
  const h = readFileAt(dbPath, 100, 0);
  if (!h || h.toString('latin1', 0, 16) !== 'SQLite format 3\0') return 'not-sqlite';
  const raw = h.readUInt16BE(16);
  return { wal: h[18] === 2, pageSize: raw === 1 ? 65536 : raw };
}

/**
 * A cheap fingerprint of everything a commit can change: the db's change counter, size and mtime, and the
 * -wal (size, mtime, salts) and -shm (WAL index change counter and checkpoint state). WAL-mode commits only
 * append to -wal, so its size and the -shm header are what move there.
 */
export function changeToken(dbPath: string): string {
  const st = statOrNull(dbPath);
  if (!st) return 'missing';
  const counter = readFileAt(dbPath, 4, 24);
  const wal = statOrNull(dbPath + '-wal');
  const shmHeader = readFileAt(dbPath + '-shm', 48, 0);
  return [
    counter ? counter.toString('hex') : '-',
    st.size,
    st.mtimeMs,
    wal ? `${wal.size}:${wal.mtimeMs}` : '-',
    shmHeader ? shmHeader.toString('hex', 8, 24) : '-',
    walFingerprint(dbPath),
  ].join('/');
}
