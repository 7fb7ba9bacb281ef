import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { DvcHasher } from '../core/dvc/hash/dvcHasher';
import { JsonHashCache } from '../core/dvc/hash/jsonHashCache';

/** A hasher and how to finish with it (the cache written, the threads stopped). */
export interface CliHasher {
  hasher: DvcHasher;
  close(): Promise<void>;
}

/**
 * The CLI's hasher remembers file hashes between calls (by inode, mtime and size, as the extension does), in the
 * user's cache folder and never in the repository: a second `status` in CI or a terminal hashes only what changed.
 * `MLOPS_HASH_CACHE=off` turns it off; a cache that cannot be read or written only costs speed.
 */
export async function openCliHasher(repoRoot: string, env: Record<string, string | undefined>): Promise<CliHasher> {
  const file = hashCacheFile(repoRoot, env);
  const cache = file ? await JsonHashCache.open(file).catch(() => undefined) : undefined;
  const hasher = new DvcHasher(cache ? { cache } : {});
  return {
    hasher,
    close: async () => {
      await cache?.save().catch(() => undefined);
      await hasher.close();
    },
  };
}

/** `$XDG_CACHE_HOME/mlops-workbench/dvc-hashes-<repo>.json` (default ~/.cache), one file per repository. */
export function hashCacheFile(repoRoot: string, env: Record<string, string | undefined>): string | undefined {
  if ((env.MLOPS_HASH_CACHE ?? '').toLowerCase() === 'off') return undefined;
  const base = env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  const repoKey = createHash('sha1').update(path.resolve(repoRoot)).digest('hex').slice(0, 16);
  return path.join(base, 'mlops-workbench', `dvc-hashes-${repoKey}.json`);
}
