import type { Dirent } from 'node:fs';
import { createHash } from 'node:crypto';
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import * as path from 'node:path';
import type { StoreProblem } from '../../runs/types';
import { ioProblem, isNotFound } from './fsProblems';

// MLflow stores each param, tag and metric as a file named by its key, and a '/' in the key makes sub-folders
// (params/model/depth is the param "model/depth"); file_store.py `_get_resource_files` walks them with os.walk.

export interface KeyedFile {
  /** The key with '/' separators, exactly as MLflow names it. */
  key: string;
  path: string;
  /** Present when listed with stats. */
  size?: number;
  mtimeMs?: number;
}

/** Deeper than any real key; a bound in case a link loop slips past the checks below. */
const MAX_DEPTH = 32;
const IGNORED = new Set(['.DS_Store', 'Thumbs.db']);

/**
 * Lists the files under a params/, tags/ or metrics/ folder (none if it doesn't exist). A symlinked folder is
 * followed once, and never when it leads back into or above the folder being listed.
 */
export async function listKeyedFiles(dir: string, withStats: boolean, problems: StoreProblem[]): Promise<KeyedFile[]> {
  const out: KeyedFile[] = [];
  let rootReal: string | undefined;
  const followed = new Set<string>();

  const walk = async (folder: string, prefix: string, depth: number): Promise<void> => {
    let entries: Dirent[];
    try {
      entries = await readdir(folder, { withFileTypes: true });
    } catch (err) {
      if (!(prefix === '' && isNotFound(err))) problems.push(ioProblem(folder, err, 'this folder'));
      return;
    }
    for (const e of entries) {
      if (IGNORED.has(e.name)) continue;
      const full = path.join(folder, e.name);
      const key = prefix + e.name;
      let isDir = e.isDirectory();
      let size: number | undefined;
      let mtimeMs: number | undefined;
      if (e.isSymbolicLink() || (withStats && e.isFile())) {
        try {
          const st = await stat(full);
          isDir = st.isDirectory();
          if (!isDir && !st.isFile()) continue;
          size = st.size;
          mtimeMs = st.mtimeMs;
        } catch (err) {
          problems.push(ioProblem(full, err, 'this file'));
          continue;
        }
        if (isDir && e.isSymbolicLink()) {
          const real = await realpath(full).catch(() => undefined);
          rootReal ??= await realpath(dir).catch(() => dir);
          const inside = (a: string, b: string) => a === b || a.startsWith(b + path.sep);
          if (!real || followed.has(real) || inside(rootReal, real) || inside(real, rootReal)) {
            problems.push({ severity: 'warning', file: full, message: `This symbolic link leads back into the folder being read (a loop or a duplicate), so it was not followed. Remove it or point it elsewhere.` });
            continue;
          }
          followed.add(real);
        }
      } else if (!isDir && !e.isFile()) {
        continue;
      }
      if (isDir) {
        if (depth >= MAX_DEPTH) {
          problems.push({ severity: 'warning', file: full, message: `Folders nest deeper than ${MAX_DEPTH} levels here; the rest was not read.` });
          continue;
        }
        await walk(full, key + '/', depth + 1);
      } else {
        out.push(withStats ? { key, path: full, size, mtimeMs } : { key, path: full });
      }
    }
  };
  await walk(dir, '', 0);
  out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return out;
}

/** A short fingerprint of a listing with stats: changes when a file is added, removed or rewritten. */
export function listingSignature(files: readonly KeyedFile[]): string {
  const h = createHash('sha1');
  for (const f of files) h.update(`${f.key}\u0000${f.size}\u0000${f.mtimeMs}\n`);
  return h.digest('base64');
}

const utf8 = new TextDecoder('utf-8', { fatal: false });

/** Reads param or tag values. Binary files become problems; MLflow writes values as text, without a newline. */
export async function readKeyedValues(files: readonly KeyedFile[], what: 'param' | 'tag', problems: StoreProblem[]): Promise<Record<string, string>> {
  const values: Record<string, string> = {};
  for (const f of files) {
    let bytes: Buffer;
    try {
      bytes = await readFile(f.path);
    } catch (err) {
      if (!isNotFound(err)) problems.push(ioProblem(f.path, err, `this ${what} file`));
      continue;
    }
    if (bytes.includes(0)) {
      problems.push({ severity: 'warning', file: f.path, message: `This ${what} file is binary, not text, so ${what} "${f.key}" was skipped.` });
      continue;
    }
    values[f.key] = utf8.decode(bytes);
  }
  return values;
}
