import fs from 'node:fs';
import type { DataArrayProxy } from '@journeyapps/wa-sqlite/src/FacadeVFS.js';
import * as C from './sqliteCodes';
import { fileExists, journalActive, walFingerprint } from './dbFileState';
import { SnapshotPageCache } from './snapshotPageCache';

// A SQLite VFS for wa-sqlite that reads a live mlflow.db page by page and never writes, locks or deletes
// anything on disk. Node cannot take SQLite-compatible file locks, so consistency comes from the file itself:
//  - rollback mode: a committing writer writes page 1 (change counter at byte 24) first and only while a
//    -journal exists. A snapshot starts by reading the counter and refusing (BUSY) while a -journal is
//    active; after each page read from disk the counter is read again, and if it moved the transaction is
//    marked torn and the caller retries it.
//  - WAL mode: the caller sets PRAGMA locking_mode=EXCLUSIVE, so SQLite builds its WAL index in private
//    memory from the -wal read through here (no -shm mapping); checkpoints show in walFingerprint.
//  - once a read of a file was torn by a writer, a snapshot page cache keeps recently used pages of it; when the
//    counter moves they are all re-read in one short burst, so a retried query runs mostly from memory and a busy
//    writer rarely tears it. Files nobody writes to while we read never need it (and it would hold 24 MB for a
//    10,000-run list), so it starts off.

interface TempFile {
  kind: 'temp';
  data: Uint8Array;
  size: number;
  lock: number;
  /** An absent -wal shown as empty: SQLite may not write it. */
  readonly: boolean;
}

interface DiskFile {
  kind: 'main' | 'wal';
  fd: number;
  path: string;
  lock: number;
  snap?: SnapshotState;
}

type OpenFile = TempFile | DiskFile;

/** Per database file: the snapshot page cache and the generation it belongs to. */
export interface SnapshotState {
  cache: SnapshotPageCache;
  /** Generation the cache is valid for (change counter, or WAL fingerprint in WAL mode); null = invalid. */
  gen: number | string | null;
  /** Generation read at the start of the current transaction. */
  txGen: number | string | null;
  wal: boolean;
  /** Set once a read was torn: pages read from now on are cached. */
  keepPages: boolean;
}

export interface VfsStats {
  diskReads: number;
  cacheHits: number;
  refreshes: number;
  refreshMs: number;
  busy: number;
}

/** Why the last BUSY was returned: a -journal (a writer mid-commit, or a crashed one), or commits kept
 *  landing while the snapshot cache was being refreshed. */
export type BusyReason = 'journal' | 'changing';

/** What the MLflow layer needs from the VFS besides the SQLite callbacks. */
export interface ReadOnlyVfs extends SQLiteVFS {
  /** Set when a page read in this transaction may be newer than the snapshot; the caller clears it. */
  torn: boolean;
  readonly stats: VfsStats;
  lastBusy: BusyReason | undefined;
  /**
   * Declares how the next connection to `dbPath` reads it (WAL or rollback). Cached pages are dropped when
   * the mode changed or when `replaced` (another file now sits at that path).
   */
  prepare(dbPath: string, wal: boolean, replaced: boolean): void;
  /** A read of `dbPath` was torn (a writer is busy): cache its pages from now on. */
  keepPages(dbPath: string): void;
}

/** Pages kept per database in the snapshot cache (8192 x 4 KiB = 32 MiB): a run-list read of 10,000 runs
 *  touches about 6,000. */
const CACHE_PAGES = 8192;
/** Cached pages unused for this many transactions are dropped at the next refresh. Generous: between two run-list
 *  reads the extension may make dozens of small reads (metric histories), and the run list must stay cached. */
const CACHE_IDLE_TRANSACTIONS = 256;

/**
 * Builds the VFS. FacadeVFS is ESM-only and so reachable only by dynamic import; the class is defined
 * after that import, here.
 */
export async function createReadOnlyVfs(name: string, module: object): Promise<ReadOnlyVfs> {
  const { FacadeVFS } = await import('@journeyapps/wa-sqlite/src/FacadeVFS.js');

  class NodeReadOnlyVfs extends FacadeVFS implements ReadOnlyVfs {
    torn = false;
    lastBusy: BusyReason | undefined;
    readonly stats: VfsStats = { diskReads: 0, cacheHits: 0, refreshes: 0, refreshMs: 0, busy: 0 };
    private readonly files = new Map<number, OpenFile>();
    private readonly snaps = new Map<string, SnapshotState>();
    private tx = 0;
    private readonly counterBuf = Buffer.alloc(4);

    constructor() {
      super(name, module);
      this.mxPathname = 1024; // the default 64 bytes is too short for real workspace paths
    }

    prepare(dbPath: string, wal: boolean, replaced: boolean): void {
      const s = this.snapshotState(dbPath);
      if (s.wal !== wal || replaced) {
        s.cache.clear();
        s.gen = null;
        s.wal = wal;
      }
    }

    keepPages(dbPath: string): void {
      this.snapshotState(dbPath).keepPages = true;
    }

    private snapshotState(dbPath: string): SnapshotState {
      let s = this.snaps.get(dbPath);
      if (!s) this.snaps.set(dbPath, (s = { cache: new SnapshotPageCache(CACHE_PAGES), gen: null, txGen: null, wal: false, keepPages: false }));
      return s;
    }

    override jOpen(filename: string | null, pFile: number, flags: number, pOutFlags: DataView): number {
      const tempFlags = C.SQLITE_OPEN_TEMP_DB | C.SQLITE_OPEN_TEMP_JOURNAL | C.SQLITE_OPEN_TRANSIENT_DB | C.SQLITE_OPEN_SUBJOURNAL;
      if (!filename || flags & tempFlags) {
        // Sorter spills and temporary b-trees live in private memory.
        this.files.set(pFile, { kind: 'temp', data: new Uint8Array(0), size: 0, lock: 0, readonly: false });
        pOutFlags.setInt32(0, flags, true);
        return C.SQLITE_OK;
      }
      // Opening a journal means rolling one back or writing: never.
      if (flags & (C.SQLITE_OPEN_MAIN_JOURNAL | C.SQLITE_OPEN_SUPER_JOURNAL)) return C.SQLITE_CANTOPEN;
      const isWal = (flags & C.SQLITE_OPEN_WAL) !== 0;
      let fd: number;
      try {
        fd = fs.openSync(filename, 'r');
      } catch {
        if (!isWal) return C.SQLITE_CANTOPEN;
        // A WAL-mode db whose last connection closed cleanly has no -wal: show an empty one SQLite cannot write.
        this.files.set(pFile, { kind: 'temp', data: new Uint8Array(0), size: 0, lock: 0, readonly: true });
        pOutFlags.setInt32(0, C.SQLITE_OPEN_READONLY | C.SQLITE_OPEN_WAL, true);
        return C.SQLITE_OK;
      }
      const snap = isWal ? undefined : this.snapshotState(filename);
      this.files.set(pFile, { kind: isWal ? 'wal' : 'main', fd, path: filename, lock: 0, snap });
      pOutFlags.setInt32(0, (flags & ~(C.SQLITE_OPEN_READWRITE | C.SQLITE_OPEN_CREATE)) | C.SQLITE_OPEN_READONLY, true);
      return C.SQLITE_OK;
    }

    override jClose(pFile: number): number {
      const f = this.files.get(pFile);
      if (f && f.kind !== 'temp') fs.closeSync(f.fd);
      this.files.delete(pFile);
      return C.SQLITE_OK;
    }

    /** Starts a read snapshot of the main db file; false if a writer may be mid-commit. */
    private beginSnapshot(f: DiskFile): boolean {
      const s = f.snap;
      if (!s) return true;
      this.tx++;
      // Rollback mode: generation = change counter. WAL mode: the db file changes only when a checkpoint
      // copies frames into it, and those pages are also in the -wal, which SQLite reads from there.
      const generation = s.wal ? () => walFingerprint(f.path) : () => this.counter(f.fd);
      for (let attempt = 0; attempt < 3; attempt++) {
        const g0 = generation(); // generation first, then the journal: a commit starting later bumps it
        if (!s.wal && journalActive(f.path)) {
          this.lastBusy = 'journal';
          return false;
        }
        if (g0 !== s.gen) {
          s.gen = null; // invalid until the refresh is known to be clean
          this.stats.refreshes++;
          const t0 = performance.now();
          s.cache.refresh(f.fd, this.tx - CACHE_IDLE_TRANSACTIONS);
          this.stats.refreshMs += performance.now() - t0;
          if (generation() !== g0) {
            s.gen = null; // a commit or checkpoint began during the refresh
            continue;
          }
          s.gen = g0;
        }
        s.txGen = g0;
        return true;
      }
      this.lastBusy = 'changing';
      return false;
    }

    /** The change counter, without allocating (it is read after every page read from disk). */
    private counter(fd: number): number {
      return fs.readSync(fd, this.counterBuf, 0, 4, 24) === 4 ? this.counterBuf.readUInt32BE(0) : -1;
    }

    override jRead(pFile: number, proxy: DataArrayProxy, iOffset: number): number {
      const f = this.files.get(pFile);
      const pData = proxy.subarray(); // a real view into WASM memory, valid until the heap grows
      if (!f) return C.SQLITE_IOERR;
      let n: number;
      if (f.kind === 'temp') {
        n = Math.max(0, Math.min(pData.length, f.size - iOffset));
        if (n > 0) pData.set(f.data.subarray(iOffset, iOffset + n));
      } else if (f.kind === 'main' && f.lock > C.SQLITE_LOCK_NONE && f.snap) {
        const s = f.snap;
        const valid = s.gen !== null && s.gen === s.txGen;
        if (valid && s.keepPages && s.cache.get(iOffset, pData, this.tx)) {
          this.stats.cacheHits++;
          return C.SQLITE_OK;
        }
        n = fs.readSync(f.fd, pData, 0, pData.length, iOffset);
        this.stats.diskReads++;
        if (!s.wal && this.counter(f.fd) !== s.txGen) this.torn = s.keepPages = true;
        // Cache it even if it may be newer: the counter moved, so the next transaction re-reads all cached
        // pages anyway, and a retried query then runs from memory.
        if (valid && s.keepPages && n === pData.length && pData.length >= 512) s.cache.put(iOffset, pData, this.tx);
      } else {
        n = fs.readSync(f.fd, pData, 0, pData.length, iOffset);
        this.stats.diskReads++;
      }
      if (n < pData.length) {
        pData.fill(0, n);
        return C.SQLITE_IOERR_SHORT_READ;
      }
      return C.SQLITE_OK;
    }

    override jWrite(pFile: number, proxy: DataArrayProxy, iOffset: number): number {
      const f = this.files.get(pFile);
      if (!f || f.kind !== 'temp' || f.readonly) return C.SQLITE_READONLY; // never touch real files
      const pData = proxy.subarray();
      const end = iOffset + pData.length;
      if (end > f.data.length) {
        const grown = new Uint8Array(Math.max(end, f.data.length * 2));
        grown.set(f.data.subarray(0, f.size));
        f.data = grown;
      }
      f.data.set(pData, iOffset);
      f.size = Math.max(f.size, end);
      return C.SQLITE_OK;
    }

    override jTruncate(pFile: number, size: number): number {
      const f = this.files.get(pFile);
      if (!f || f.kind !== 'temp' || f.readonly) return C.SQLITE_READONLY;
      f.size = Math.min(f.size, size);
      return C.SQLITE_OK;
    }

    override jSync(): number {
      return C.SQLITE_OK;
    }

    override jFileSize(pFile: number, pSize: DataView): number {
      const f = this.files.get(pFile);
      if (!f) return C.SQLITE_IOERR;
      pSize.setBigInt64(0, BigInt(f.kind === 'temp' ? f.size : fs.fstatSync(f.fd).size), true);
      return C.SQLITE_OK;
    }

    override jDelete(filename: string): number {
      return fileExists(filename) ? C.SQLITE_IOERR_DELETE : C.SQLITE_OK;
    }

    override jAccess(filename: string, flags: number, pResOut: DataView): number {
      // Truthful about existence, never "writable".
      pResOut.setInt32(0, flags !== C.SQLITE_ACCESS_READWRITE && fileExists(filename) ? 1 : 0, true);
      return C.SQLITE_OK;
    }

    override jLock(pFile: number, lockType: number): number {
      const f = this.files.get(pFile);
      if (!f) return C.SQLITE_IOERR;
      if (f.kind === 'main' && f.lock === C.SQLITE_LOCK_NONE && lockType >= C.SQLITE_LOCK_SHARED) {
        this.lastBusy = undefined;
        if (!this.beginSnapshot(f)) {
          this.stats.busy++;
          return C.SQLITE_BUSY;
        }
      }
      f.lock = lockType; // bookkeeping in this process only
      return C.SQLITE_OK;
    }

    override jUnlock(pFile: number, lockType: number): number {
      const f = this.files.get(pFile);
      if (f) f.lock = lockType;
      return C.SQLITE_OK;
    }

    // Always report that some writer holds RESERVED: SQLite then never treats a -journal as hot and never
    // tries to roll it back (a write). beginSnapshot answers BUSY while a -journal is active instead.
    override jCheckReservedLock(_pFile: number, pResOut: DataView): number {
      pResOut.setInt32(0, 1, true);
      return C.SQLITE_OK;
    }

    override jSectorSize(): number {
      return 4096;
    }

    override jDeviceCharacteristics(): number {
      return 0;
    }
  }

  return new NodeReadOnlyVfs();
}
