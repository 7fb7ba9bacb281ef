import fs from 'node:fs';
import path from 'node:path';
import type { DvcIgnore } from './dvcIgnore';
import { HashError, type FileStamp } from './hashTypes';

/**
 * A file found inside a tracked folder, with its stamp (of the file itself, or of a symlink's target: DVC hashes
 * what a link points to). Flat, one object per file: a 10,000-file walk allocates little.
 */
export interface WalkedFile extends FileStamp {
  /** Path inside the folder, `/`-separated (the manifest's relpath). */
  relpath: string;
  abs: string;
}

export interface WalkOptions {
  /** Filters entries as DVC's .dvcignore handling does; without it only the built-in patterns would be missing. */
  ignore?: DvcIgnore;
  signal?: AbortSignal;
}

/**
 * Lists a folder's files the way dvc-data builds a tree: os.walk without following symlinked folders,
 * entries filtered by .dvcignore (and nested DVC repositories skipped), empty folders absent.
 * A .dvcignore inside the folder is an error, as in DVC (IgnoreInCollectedDirError).
 * Yields to the event loop between folders so a large tree does not block the thread for long.
 */
export async function walkFiles(root: string, opts: WalkOptions = {}): Promise<WalkedFile[]> {
  const out: WalkedFile[] = [];
  const stack: { dir: string; rel: string }[] = [{ dir: path.resolve(root), rel: '' }];
  let sinceYield = 0;
  while (stack.length) {
    opts.signal?.throwIfAborted();
    const { dir, rel } = stack.pop()!;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // A folder that vanished mid-walk, or a child we may not list: DVC's os.walk skips what it cannot list.
      if (dir !== root && (code === 'ENOENT' || code === 'EACCES' || code === 'EPERM')) continue;
      throw new HashError(`Cannot list ${dir}: ${(e as Error).message}`, dir, code);
    }
    const dirs: string[] = [];
    const files: { name: string; stat: fs.Stats }[] = [];
    // `dir` is absolute and normalized: plain concatenation is several times cheaper than path.join per file.
    const prefix = dir.endsWith(path.sep) ? dir : dir + path.sep;
    for (const entry of entries) {
      const abs = prefix + entry.name;
      if (entry.isDirectory()) {
        dirs.push(entry.name);
        continue;
      }
      const stat = fs.statSync(abs, { throwIfNoEntry: false });
      if (entry.isSymbolicLink()) {
        if (!stat) throw new HashError(`Cannot hash ${abs}: it is a symlink to a missing file (DVC fails on it too).`, abs, 'ENOENT');
        if (stat.isDirectory()) continue; // os.walk(followlinks=False) does not enter linked folders
      } else if (!stat) {
        continue; // removed since the listing
      }
      if (!stat.isFile()) {
        throw new HashError(`Cannot hash ${abs}: it is not a regular file (a socket, FIFO or device).`, abs);
      }
      files.push({ name: entry.name, stat });
    }
    const ignore = opts.ignore;
    for (const name of dirs) {
      const abs = prefix + name;
      if (ignore?.isIgnoredIn(dir, name, true)) continue;
      if (fs.existsSync(path.join(abs, '.dvc'))) continue; // a nested DVC repository is its own world
      stack.push({ dir: abs, rel: rel ? `${rel}/${name}` : name });
    }
    for (const { name, stat } of files) {
      if (ignore?.isIgnoredIn(dir, name, false)) continue;
      if (name === '.dvcignore') {
        throw new HashError(`${prefix + name}: a .dvcignore file may not be inside a folder DVC tracks (DVC refuses it too); move its patterns to a .dvcignore above ${root}.`, prefix + name);
      }
      out.push({ relpath: rel ? `${rel}/${name}` : name, abs: prefix + name, ino: stat.ino, mtimeMs: stat.mtimeMs, size: stat.size });
    }
    if (++sinceYield >= 64) {
      sinceYield = 0;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  return out;
}
