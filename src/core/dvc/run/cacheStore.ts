// Writes objects into DVC's local cache as `dvc commit` does (dvc-data's LocalHashFileDB.add with the default
// `cache.type = reflink,copy`): each file copied (a reflink where the file system can) under its md5, a folder's
// `.dir` manifest as an object of its own, every object made read-only (0444, DVC's mark of a verified object) and
// the prefix folders given DVC's folder mode. An object appears under its name only once whole: it is copied to a
// temporary name in the same folder and renamed.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { cacheObjectPath, PROTECTED_MODE } from '../hash/dvcCache';
import type { DvcHasher, HashedTree } from '../hash/dvcHasher';
import { HashError, type HashName } from '../hash/hashTypes';

export interface CacheStoreOptions {
  cacheDir: string;
  hasher: DvcHasher;
  /** Folder mode DVC gives the cache's folders (0o777 reduced by the umask, or 0o2775 for a shared cache). */
  dirMode: number;
  /** Hash each copy before it takes its name (for copies made to keep a user's data safe). Default false. */
  verify?: boolean;
  signal?: AbortSignal;
}

export interface StoreCounts {
  /** Objects written. */
  stored: number;
  /** Objects already there (read-only, or hashing to their name). */
  present: number;
}

/** Thrown when an object could not be stored; nothing of the workspace has been changed. */
export class CacheStoreError extends Error {
  constructor(message: string, readonly file: string) {
    super(message);
    this.name = 'CacheStoreError';
  }
}

/** Stores the file at `source` as the object `md5`; returns whether it had to be written. */
export async function storeFileObject(source: string, md5: string, name: HashName, opts: CacheStoreOptions): Promise<'stored' | 'present'> {
  const target = cacheObjectPath(opts.cacheDir, md5, name);
  if (await objectIsWhole(target, md5, name, opts)) return 'present';
  await makeCacheDirs(path.dirname(target), opts);
  const temp = tempName(target);
  try {
    const before = await fs.promises.stat(source);
    // COPYFILE_FICLONE: a reflink where the file system supports it, else a plain copy: DVC's `reflink,copy`.
    await fs.promises.copyFile(source, temp, fs.constants.COPYFILE_FICLONE);
    const after = await fs.promises.stat(source);
    if (before.size !== after.size || before.mtimeMs !== after.mtimeMs || before.ino !== after.ino) {
      throw new CacheStoreError(`${source} changed while it was copied into the DVC cache; nothing was recorded. Run again once nothing writes to it.`, source);
    }
    if (opts.verify) {
      const h = await opts.hasher.hashPaths([{ path: temp, name }], { signal: opts.signal });
      const got = h[0];
      if (got instanceof HashError || got.md5 !== md5) {
        throw new CacheStoreError(`The copy of ${source} in the DVC cache does not match its hash (${got instanceof HashError ? got.message : got.md5} instead of ${md5}); it was not kept.`, source);
      }
    }
    await fs.promises.chmod(temp, PROTECTED_MODE);
    await fs.promises.rename(temp, target);
  } catch (error) {
    await fs.promises.rm(temp, { force: true }).catch(() => undefined);
    if (error instanceof CacheStoreError) throw error;
    throw new CacheStoreError(`Cannot store ${source} in the DVC cache (${target}): ${(error as Error).message}`, source);
  }
  return 'stored';
}

/** Stores a folder: every file of its manifest, then the `.dir` manifest itself (so a manifest implies its files). */
export async function storeTreeObjects(folder: string, tree: HashedTree, name: HashName, opts: CacheStoreOptions): Promise<StoreCounts> {
  const counts: StoreCounts = { stored: 0, present: 0 };
  const unique = new Map<string, string>();
  for (const e of tree.entries) if (!unique.has(e.md5)) unique.set(e.md5, path.join(folder, ...e.relpath.split('/')));
  const jobs = [...unique.entries()];
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      opts.signal?.throwIfAborted();
      const [md5, file] = jobs[next++];
      counts[await storeFileObject(file, md5, name, opts)]++;
    }
  };
  await Promise.all(Array.from({ length: Math.min(8, jobs.length) }, worker));
  counts[await storeBytesObject(tree.manifest, tree.md5, name, opts)]++;
  return counts;
}

/** Stores bytes (a `.dir` manifest) as the object `md5`. */
export async function storeBytesObject(bytes: Buffer, md5: string, name: HashName, opts: CacheStoreOptions): Promise<'stored' | 'present'> {
  const target = cacheObjectPath(opts.cacheDir, md5, name);
  if (await objectIsWhole(target, md5, name, opts)) return 'present';
  await makeCacheDirs(path.dirname(target), opts);
  const temp = tempName(target);
  try {
    await fs.promises.writeFile(temp, bytes, { flag: 'wx' });
    await fs.promises.chmod(temp, PROTECTED_MODE);
    await fs.promises.rename(temp, target);
  } catch (error) {
    await fs.promises.rm(temp, { force: true }).catch(() => undefined);
    throw new CacheStoreError(`Cannot write ${target} in the DVC cache: ${(error as Error).message}`, target);
  }
  return 'stored';
}

/**
 * Whether the object is already whole: read-only (DVC trusts those without hashing, LocalHashFileDB.check), or
 * hashing to its name, in which case it is made read-only as DVC does after checking it.
 */
async function objectIsWhole(target: string, md5: string, name: HashName, opts: CacheStoreOptions): Promise<boolean> {
  const stat = await fs.promises.stat(target).catch(() => undefined);
  if (!stat?.isFile()) return false;
  if ((stat.mode & 0o7777) === PROTECTED_MODE) return true;
  const [h] = await opts.hasher.hashPaths([{ path: target, name }], { signal: opts.signal });
  if (h instanceof HashError || h.md5.split('.')[0] !== md5.split('.')[0]) return false;
  await fs.promises.chmod(target, PROTECTED_MODE).catch(() => undefined);
  return true;
}

/** DVC's makedirs with a mode: each folder created, then chmod-ed to the mode (which so escapes the umask). */
export async function makeCacheDirs(dir: string, opts: { dirMode: number }): Promise<void> {
  const missing: string[] = [];
  for (let d = dir; ; d = path.dirname(d)) {
    if (fs.existsSync(d)) break;
    missing.unshift(d);
    if (path.dirname(d) === d) break;
  }
  for (const d of missing) {
    await fs.promises.mkdir(d).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'EEXIST') throw e;
    });
    await fs.promises.chmod(d, opts.dirMode).catch(() => undefined);
  }
  if (missing.length === 0) await fs.promises.chmod(dir, opts.dirMode).catch(() => undefined);
}

function tempName(target: string): string {
  return path.join(path.dirname(target), `.${randomBytes(12).toString('base64url')}.tmp`);
}
