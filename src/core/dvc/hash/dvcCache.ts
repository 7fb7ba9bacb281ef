import fs from 'node:fs';
import path from 'node:path';
import { parseDirManifest, type DirEntry } from './dirListing';
import type { HashName } from './hashTypes';

// DVC's local cache (dvc/cachemgr.py, dvc-data's LocalHashFileDB): DVC 3 objects (`hash: md5`) live in
// `<cache>/files/md5/ab/cdef...`, DVC 2 objects (md5-dos2unix) in `<cache>/ab/cdef...`; a folder's manifest is
// the object `<md5>.dir`. The cache folder is `.dvc/cache` unless `cache.dir` in .dvc/config(.local) says otherwise.

/** Mode DVC gives cache files; a file with it is trusted without re-hashing (LocalHashFileDB.check). */
export const PROTECTED_MODE = 0o444;

/** The repository's cache folder: `cache.dir` from .dvc/config.local, else .dvc/config (relative to .dvc/), else .dvc/cache. */
export function resolveCacheDir(repoRoot: string): string {
  const dvcDir = path.join(repoRoot, '.dvc');
  for (const name of ['config.local', 'config']) {
    let text: string;
    try {
      text = fs.readFileSync(path.join(dvcDir, name), 'utf8');
    } catch {
      continue;
    }
    const dir = iniValue(text, 'cache', 'dir');
    if (dir) return path.resolve(dvcDir, dir);
  }
  return path.join(dvcDir, 'cache');
}

/** A value from DVC's configobj-style INI: `[section]` then `key = value` (quotes optional). */
function iniValue(text: string, section: string, key: string): string | undefined {
  let current = '';
  let found: string | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const sec = /^\[\s*(.+?)\s*\]$/.exec(line);
    if (sec) {
      current = sec[1].replace(/^['"]|['"]$/g, '');
      continue;
    }
    if (current !== section) continue;
    const kv = /^([^=]+?)\s*=\s*(.*)$/.exec(line);
    if (kv && kv[1] === key) found = kv[2].replace(/^(['"])(.*)\1$/, '$2');
  }
  return found;
}

/** Where an object lives: `files/md5/ab/cdef...` for md5, `ab/cdef...` for the legacy md5-dos2unix cache. */
export function cacheObjectPath(cacheDir: string, md5: string, name: HashName): string {
  const base = name === 'md5' ? path.join(cacheDir, 'files', 'md5') : cacheDir;
  return path.join(base, md5.slice(0, 2), md5.slice(2));
}

/** Reads a folder's manifest from the cache; undefined when it is missing or not a manifest. */
export function readCachedManifest(cacheDir: string, dirMd5: string, name: HashName): DirEntry[] | undefined {
  let text: string;
  try {
    text = fs.readFileSync(cacheObjectPath(cacheDir, dirMd5, name), 'utf8');
  } catch {
    return undefined;
  }
  return parseDirManifest(text);
}
