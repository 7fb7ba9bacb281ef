import fs from 'node:fs';
import { cacheObjectPath, PROTECTED_MODE, readCachedManifest } from '../hash/dvcCache';
import type { DirEntry } from '../hash/dirListing';
import type { DvcHasher, HashStats } from '../hash/dvcHasher';
import { HashError, type HashName } from '../hash/hashTypes';

export interface CachedObjectQuery {
  md5: string;
  name: HashName;
}

export interface CachedObjectAnswer {
  inCache: boolean;
  /** A folder's manifest, when it could be read from the cache. */
  manifest?: DirEntry[];
}

/**
 * Whether each object is whole in the local cache, as DVC's Output.changed_cache decides it (dvc-data's check):
 * the object file exists and is either read-only (0444, how DVC protects what it stored) or hashes to its name;
 * for a folder, its `.dir` manifest and every file it lists. Unlike DVC, never deletes a corrupted cache file.
 */
export async function checkCached(cacheDir: string, queries: readonly CachedObjectQuery[], hasher: DvcHasher, signal?: AbortSignal, stats?: HashStats): Promise<CachedObjectAnswer[]> {
  const verdict = new Map<string, boolean | 'hash'>();
  const objectKey = (md5: string, name: HashName) => `${name}\0${md5}`;
  const look = (md5: string, name: HashName): boolean | 'hash' => {
    const key = objectKey(md5, name);
    let v = verdict.get(key);
    if (v === undefined) {
      const stat = fs.statSync(cacheObjectPath(cacheDir, md5, name), { throwIfNoEntry: false });
      v = !stat || !stat.isFile() ? false : (stat.mode & 0o7777) === PROTECTED_MODE ? true : 'hash';
      verdict.set(key, v);
    }
    return v;
  };

  const plans = queries.map((q) => {
    if (!q.md5.endsWith('.dir')) return { objects: [q.md5], manifest: undefined as DirEntry[] | undefined, readable: true };
    const manifest = readCachedManifest(cacheDir, q.md5, q.name);
    if (!manifest) return { objects: [], manifest: undefined, readable: false };
    return { objects: [...manifest.map((e) => e.md5), q.md5], manifest, readable: true };
  });

  // Objects that are not read-only are trusted only after hashing them (the hash cache makes that a stat next time).
  const toHash: { md5: string; name: HashName }[] = [];
  plans.forEach((plan, i) => {
    for (const md5 of plan.objects) if (look(md5, queries[i].name) === 'hash') toHash.push({ md5, name: queries[i].name });
  });
  if (toHash.length) {
    const unique = [...new Map(toHash.map((o) => [objectKey(o.md5, o.name), o])).values()];
    const hashed = await hasher.hashPaths(unique.map((o) => ({ path: cacheObjectPath(cacheDir, o.md5, o.name), name: o.name })), { signal, stats });
    unique.forEach((o, i) => {
      const h = hashed[i];
      verdict.set(objectKey(o.md5, o.name), !(h instanceof HashError) && h.md5.split('.')[0] === o.md5.split('.')[0]);
    });
  }
  return plans.map((plan, i) => ({
    inCache: plan.readable && plan.objects.every((md5) => verdict.get(objectKey(md5, queries[i].name)) === true),
    manifest: plan.manifest,
  }));
}
