import type { DirEntry } from '../hash/dirListing';
import { compareCodePoints } from '../hash/pythonJson';
import type { DirDiff, DirFileChange } from './dataTypes';

/**
 * Files added, removed and modified between two versions of a folder, from their `.dir` manifests
 * (the same comparison `dvc diff` makes). `sizeOf` gives a file's size where it is known (its cache object).
 */
export function diffManifests(older: readonly DirEntry[], newer: readonly DirEntry[], sizeOf: (md5: string) => number | undefined = () => undefined): DirDiff {
  const before = new Map(older.map((e) => [e.relpath, e.md5]));
  const after = new Map(newer.map((e) => [e.relpath, e.md5]));
  const change = (relpath: string, md5: string): DirFileChange => {
    const size = sizeOf(md5);
    return size === undefined ? { relpath, md5 } : { relpath, md5, size };
  };
  const diff: DirDiff = { added: [], removed: [], modified: [], unchanged: 0 };
  for (const [relpath, md5] of after) {
    const was = before.get(relpath);
    if (was === undefined) diff.added.push(change(relpath, md5));
    else if (was !== md5) diff.modified.push({ relpath, older: change(relpath, was), newer: change(relpath, md5) });
    else diff.unchanged++;
  }
  for (const [relpath, md5] of before) if (!after.has(relpath)) diff.removed.push(change(relpath, md5));
  const byPath = (a: { relpath: string }, b: { relpath: string }) => compareCodePoints(a.relpath, b.relpath);
  diff.added.sort(byPath);
  diff.removed.sort(byPath);
  diff.modified.sort(byPath);
  return diff;
}
