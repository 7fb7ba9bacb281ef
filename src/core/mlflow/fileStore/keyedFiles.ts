import { readdirSync, realpathSync, statSync, type Dirent } from 'node:fs';
import * as path from 'node:path';
import type { StoreProblem } from '../../runs/types';
import { ioProblem, isNotFound } from './fsProblems';
import { readIntoScratch, statIfExists } from './syncFs';

// MLflow stores each param, tag and metric as a file named by its key, and a '/' in the key makes sub-folders
// (params/model/depth is the param "model/depth"); file_store.py `_get_resource_files` walks them with os.walk.

export interface KeyedFile {
  /** The key with '/' separators, exactly as MLflow names it. */
  key: string;
  path: string;
  /** Present when listed with file stats. */
  size?: number;
  mtimeMs?: number;
}

/** A folder of the listing ('' for the listed folder, 'model/' for a nested one) and its mtime (-1: missing). */
export interface DirStamp {
  rel: string;
  mtimeMs: number;
}

export interface KeyedListing {
  files: KeyedFile[];
  /** Every folder walked, with its mtime; only when listed with `dirStats`. */
  dirs: DirStamp[];
}

export interface ListOptions {
  /** stat every file (size, mtime): needed to notice a file rewritten in place. */
  fileStats: boolean;
  /** stat every folder walked (mtime): a folder's mtime changes when a file is added to or removed from it. */
  dirStats: boolean;
}

/** Deeper than any real key; a bound in case a link loop slips past the checks below. */
const MAX_DEPTH = 32;
const IGNORED = new Set(['.DS_Store', 'Thumbs.db']);

/**
 * Lists the files under a params/, tags/ or metrics/ folder (none if it doesn't exist). A symlinked folder is
 * followed once, and never when it leads back into or above the folder being listed. Synchronous: these folders
 * hold a few dozen entries, and a store has tens of thousands of them.
 */
export function listKeyedFiles(dir: string, opts: ListOptions, problems: StoreProblem[]): KeyedListing {
  const files: KeyedFile[] = [];
  const dirs: DirStamp[] = [];
  let rootReal: string | undefined;
  const followed = new Set<string>();

  const walk = (folder: string, prefix: string, depth: number): void => {
    let entries: Dirent[];
    try {
      entries = readdirSync(folder, { withFileTypes: true });
    } catch (err) {
      if (prefix === '' && isNotFound(err)) {
        if (opts.dirStats) dirs.push({ rel: '', mtimeMs: -1 });
      } else {
        problems.push(ioProblem(folder, err, 'this folder'));
      }
      return;
    }
    if (opts.dirStats) dirs.push({ rel: prefix, mtimeMs: statIfExists(folder)?.mtimeMs ?? -1 });
    for (const e of entries) {
      if (IGNORED.has(e.name)) continue;
      const full = folder + path.sep + e.name;
      const key = prefix + e.name;
      let isDir = e.isDirectory();
      let size: number | undefined;
      let mtimeMs: number | undefined;
      if (e.isSymbolicLink() || (opts.fileStats && e.isFile())) {
        try {
          const st = statSync(full);
          isDir = st.isDirectory();
          if (!isDir && !st.isFile()) continue;
          size = st.size;
          mtimeMs = st.mtimeMs;
        } catch (err) {
          problems.push(ioProblem(full, err, 'this file'));
          continue;
        }
        if (isDir && e.isSymbolicLink()) {
          let real: string | undefined;
          try {
            real = realpathSync(full);
          } catch {
            real = undefined;
          }
          if (rootReal === undefined) {
            try {
              rootReal = realpathSync(dir);
            } catch {
              rootReal = dir;
            }
          }
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
        walk(full, key + '/', depth + 1);
      } else {
        files.push(opts.fileStats ? { key, path: full, size, mtimeMs } : { key, path: full });
      }
    }
  };
  walk(dir, '', 0);
  files.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { files, dirs };
}

/** The folders a listing of these keys walks: '' and every key prefix ('model/' for 'model/depth'). */
export function foldersOfKeys(keys: Iterable<string>): string[] {
  const out = new Set<string>(['']);
  for (const k of keys) {
    for (let i = k.indexOf('/'); i !== -1; i = k.indexOf('/', i + 1)) out.add(k.slice(0, i + 1));
  }
  return [...out];
}

/** Stamps the given folders of a listing again (for a cheap "did anything get added or removed" check). */
export function stampFolders(dir: string, rels: readonly string[]): DirStamp[] {
  return rels.map((rel) => ({ rel, mtimeMs: statIfExists(rel === '' ? dir : path.join(dir, ...rel.slice(0, -1).split('/')))?.mtimeMs ?? -1 }));
}

/** A stamp this recent may be followed by a change within the same timestamp tick: such a signature is not trusted. */
const RACY_MS = 2000;
/** A signature that never equals a computed one (they are unsigned 32-bit): the folder is listed again next time. */
export const UNTRUSTED_SIGNATURE = -1;

/**
 * A compact fingerprint of folder and file stamps (FNV-1a, 32 bits). Changes when a file is added, removed or
 * rewritten. With `now`, stamps newer than RACY_MS before it give UNTRUSTED_SIGNATURE.
 */
export function stampSignature(dirs: readonly DirStamp[], files: readonly KeyedFile[] = [], now?: number): number {
  let h = 0x811c9dc5;
  const mix = (s: string) => {
    for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  };
  let newest = -Infinity;
  // Folder order differs between a walk (readdir order) and foldersOfKeys: hash them sorted.
  for (const d of [...dirs].sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0))) {
    mix(`${d.rel}\u0000${d.mtimeMs}\n`);
    newest = Math.max(newest, d.mtimeMs);
  }
  for (const f of files) {
    mix(`${f.key}\u0000${f.size}\u0000${f.mtimeMs}\n`);
    newest = Math.max(newest, f.mtimeMs ?? -1);
  }
  if (now !== undefined && newest > now - RACY_MS) return UNTRUSTED_SIGNATURE;
  return h >>> 0;
}

/** Stamps the files of these keys again (missing ones get size -1), for signatures of in-place rewrites. */
export function stampFiles(dir: string, keys: readonly string[]): KeyedFile[] {
  return keys.map((key) => {
    const file = path.join(dir, ...key.split('/'));
    let st;
    try {
      st = statIfExists(file);
    } catch {
      st = undefined;
    }
    return { key, path: file, size: st?.size ?? -1, mtimeMs: st?.mtimeMs ?? -1 };
  });
}

const utf8 = new TextDecoder('utf-8', { fatal: false });

/** Reads param or tag values. Binary files become problems; MLflow writes values as text, without a newline. */
export function readKeyedValues(files: readonly KeyedFile[], what: 'param' | 'tag', problems: StoreProblem[]): Record<string, string> {
  const values: Record<string, string> = {};
  for (const f of files) {
    let bytes: Buffer;
    try {
      const r = readIntoScratch(f.path);
      bytes = r.bytes;
      if (!r.complete) {
        problems.push({ severity: 'warning', file: f.path, message: `This ${what} file is larger than 1 MB, which MLflow never writes, so ${what} "${f.key}" was skipped.` });
        continue;
      }
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
