import fs from 'node:fs';
import { dirHash, type DirEntry } from './dirListing';
import type { DvcIgnore } from './dvcIgnore';
import { MemoryHashCache, type HashCache } from './hashCache';
import { HashPool } from './hashPool';
import { HashError, stampOf, type FileStamp, type HashName, type HashedPath } from './hashTypes';
import { walkFiles } from './walkFiles';

export interface HashRequest {
  /** Absolute path of a file or folder. */
  path: string;
  name: HashName;
}

/** A hashed folder also carries its manifest: the entries, and the exact bytes DVC stores as `<md5>.dir`. */
export interface HashedTree extends HashedPath {
  isDir: true;
  nfiles: number;
  entries: DirEntry[];
  manifest: Buffer;
}

export type HashOutcome = HashedPath | HashedTree | HashError;

export interface DvcHasherOptions {
  /** Where file hashes are remembered between calls; default in memory only. */
  cache?: HashCache;
  /** Where cold hashing runs; default a HashPool of its own (closed by `close()`). */
  pool?: HashPool;
}

export interface HashCallOptions {
  /** .dvcignore of the repository the paths are in: folders are listed through it, as DVC does. */
  ignore?: DvcIgnore;
  signal?: AbortSignal;
  /** Counters added to (for a caller that shares the hasher with others and wants its own totals). */
  stats?: HashStats;
}

/** Counters of the last call, for logs and benchmarks. */
export interface HashStats {
  files: number;
  cached: number;
  hashed: number;
  hashedBytes: number;
}

interface Pending {
  file: string;
  stamp: FileStamp;
  /** Inside a folder: the manifest's relpath. */
  relpath?: string;
  name: HashName;
  md5?: string;
  error?: HashError;
  /** The same file met earlier in this call: its result is this one's. */
  twin?: Pending;
}

/**
 * Hashes files and folders exactly as DVC does (dvc-data's build), reusing remembered hashes of files whose
 * inode, mtime and size are unchanged and hashing the rest on worker threads, all in one batch so that several
 * large files are hashed in parallel whichever stage they belong to.
 */
export class DvcHasher {
  readonly cache: HashCache;
  private readonly pool: HashPool;
  private readonly ownsPool: boolean;
  lastStats: HashStats = { files: 0, cached: 0, hashed: 0, hashedBytes: 0 };

  constructor(opts: DvcHasherOptions = {}) {
    this.cache = opts.cache ?? new MemoryHashCache();
    this.ownsPool = !opts.pool;
    this.pool = opts.pool ?? new HashPool();
  }

  async hashPath(path: string, name: HashName, opts: HashCallOptions = {}): Promise<HashedPath | HashedTree> {
    const [out] = await this.hashPaths([{ path, name }], opts);
    if (out instanceof HashError) throw out;
    return out;
  }

  /** Hashes every request; one that fails (missing, unreadable...) gives a HashError in its place. */
  async hashPaths(requests: readonly HashRequest[], opts: HashCallOptions = {}): Promise<HashOutcome[]> {
    const { ignore, signal } = opts;
    const stats: HashStats = { files: 0, cached: 0, hashed: 0, hashedBytes: 0 };
    const all: Pending[] = [];
    const need = (file: string, stamp: FileStamp, name: HashName, relpath?: string): Pending => {
      const p: Pending = { file, stamp, name, relpath, md5: this.cache.get(file, stamp, name) };
      if (p.md5 !== undefined) stats.cached++;
      all.push(p);
      return p;
    };

    type Plan = { kind: 'file'; item: Pending } | { kind: 'dir'; files: Pending[] } | { kind: 'error'; error: HashError };
    const plans: Plan[] = [];
    // The same path asked twice (an output that is also a dependency) is listed and hashed once.
    const planOf = new Map<string, Plan>();
    for (const req of requests) {
      signal?.throwIfAborted();
      const key = `${req.name}\0${req.path}`;
      const known = planOf.get(key);
      if (known) {
        plans.push(known);
        continue;
      }
      const before = plans.length;
      let stat: fs.Stats | undefined;
      try {
        stat = fs.statSync(req.path);
      } catch (e) {
        plans.push({ kind: 'error', error: new HashError(`Cannot hash ${req.path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'it does not exist' : (e as Error).message}.`, req.path, (e as NodeJS.ErrnoException).code) });
        continue;
      }
      if (stat.isDirectory()) {
        try {
          const walked = await walkFiles(req.path, { ignore, signal });
          plans.push({ kind: 'dir', files: walked.map((w) => need(w.abs, w, req.name, w.relpath)) });
        } catch (e) {
          if (!(e instanceof HashError)) throw e;
          plans.push({ kind: 'error', error: e });
        }
      } else if (stat.isFile()) {
        plans.push({ kind: 'file', item: need(req.path, stampOf(stat), req.name) });
      } else {
        plans.push({ kind: 'error', error: new HashError(`Cannot hash ${req.path}: it is neither a file nor a folder.`, req.path) });
      }
      if (plans.length > before) planOf.set(key, plans[plans.length - 1]);
    }
    stats.files = all.length;

    // A file inside two requested folders is hashed once.
    const byKey = new Map<string, Pending>();
    const todo: Pending[] = [];
    for (const p of all) {
      if (p.md5 !== undefined) continue;
      const key = `${p.name}\0${p.file}`;
      const first = byKey.get(key);
      if (first) p.twin = first;
      else {
        byKey.set(key, p);
        todo.push(p);
      }
    }
    if (todo.length) {
      const results = await this.pool.hash(todo.map((p) => ({ file: p.file, name: p.name, size: p.stamp.size })), signal);
      results.forEach((r, i) => {
        const p = todo[i];
        if ('md5' in r) {
          p.md5 = r.md5;
          stats.hashed++;
          stats.hashedBytes += r.size;
          // A file that changed while it was read is hashed again next time (its stamp no longer matches).
          if (r.size === p.stamp.size) this.cache.set(p.file, p.stamp, r.md5, p.name);
        } else {
          p.error = new HashError(r.error, p.file, r.code);
        }
      });
    }

    for (const p of all) {
      if (!p.twin) continue;
      p.md5 = p.twin.md5;
      p.error = p.twin.error;
    }
    this.lastStats = stats;
    if (opts.stats) {
      opts.stats.files += stats.files;
      opts.stats.cached += stats.cached;
      opts.stats.hashed += stats.hashed;
      opts.stats.hashedBytes += stats.hashedBytes;
    }
    return plans.map((plan): HashOutcome => {
      if (plan.kind === 'error') return plan.error;
      if (plan.kind === 'file') {
        const { item } = plan;
        return item.error ?? { md5: item.md5!, size: item.stamp.size, isDir: false };
      }
      const entries: DirEntry[] = [];
      let size = 0;
      for (const item of plan.files) {
        if (item.error) return item.error;
        entries.push({ relpath: item.relpath!, md5: item.md5! });
        size += item.stamp.size;
      }
      const { md5, manifest } = dirHash(entries);
      return { md5, size, isDir: true, nfiles: entries.length, entries, manifest };
    });
  }

  async close(): Promise<void> {
    if (this.ownsPool) await this.pool.close();
  }
}
