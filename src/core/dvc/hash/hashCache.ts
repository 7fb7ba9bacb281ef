import type { FileStamp, HashName } from './hashTypes';

/**
 * Remembers file hashes so that an unchanged file is never hashed twice: an entry is valid while the file's
 * inode, mtime and size are those it was hashed with (what DVC's own state database checks).
 */
export interface HashCache {
  get(file: string, stamp: FileStamp, name?: HashName): string | undefined;
  set(file: string, stamp: FileStamp, md5: string, name?: HashName): void;
}

interface CacheEntry {
  ino: number;
  mtimeMs: number;
  size: number;
  md5?: string;
  dos2unix?: string;
}

/** The in-memory HashCache; `entries()`/`load()` let a persistent store save and restore it. */
export class MemoryHashCache implements HashCache {
  private readonly map = new Map<string, CacheEntry>();
  private changes = 0;

  get(file: string, stamp: FileStamp, name: HashName = 'md5'): string | undefined {
    const e = this.map.get(file);
    if (!e || e.ino !== stamp.ino || e.mtimeMs !== stamp.mtimeMs || e.size !== stamp.size) return undefined;
    return name === 'md5' ? e.md5 : e.dos2unix;
  }

  set(file: string, stamp: FileStamp, md5: string, name: HashName = 'md5'): void {
    let e = this.map.get(file);
    if (!e || e.ino !== stamp.ino || e.mtimeMs !== stamp.mtimeMs || e.size !== stamp.size) {
      e = { ino: stamp.ino, mtimeMs: stamp.mtimeMs, size: stamp.size };
      this.map.set(file, e);
    }
    if (name === 'md5') {
      if (e.md5 === md5) return;
      e.md5 = md5;
    } else {
      if (e.dos2unix === md5) return;
      e.dos2unix = md5;
    }
    this.changes++;
  }

  delete(file: string): void {
    if (this.map.delete(file)) this.changes++;
  }

  get size(): number {
    return this.map.size;
  }

  /** Counts sets that changed something; a persistent store saves only when this moved. */
  get changeCount(): number {
    return this.changes;
  }

  *entries(): IterableIterator<[string, Readonly<CacheEntry>]> {
    yield* this.map.entries();
  }

  /** Adds an entry read back from storage (not counted as a change). */
  restore(file: string, entry: CacheEntry): void {
    this.map.set(file, { ...entry });
  }
}
