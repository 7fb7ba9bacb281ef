import type { HashEntry } from '../pipeline/types';
import type { DvcFileOut } from '../status/dvcFile';
import type { RecordedHash } from './dataTypes';

/** What a .dvc file's out or a dvc.lock entry records; undefined when no hash is recorded (DVC's "new"). */
export function recordedHashOf(entry: DvcFileOut | HashEntry): RecordedHash | undefined {
  if (!entry.md5) return undefined;
  const recorded: RecordedHash = {
    md5: entry.md5,
    // Entries without `hash: md5` are DVC 2's md5-dos2unix (DVC 3 reads them so, and keeps them in the legacy cache).
    hashName: entry.hash === 'md5' ? 'md5' : 'md5-dos2unix',
    isDir: entry.md5.endsWith('.dir'),
  };
  if (entry.size !== undefined) recorded.size = entry.size;
  if (entry.nfiles !== undefined) recorded.nfiles = entry.nfiles;
  return recorded;
}

/** Same data recorded (the hash decides; size and nfiles follow from it). */
export function sameRecorded(a: RecordedHash | undefined, b: RecordedHash | undefined): boolean {
  if (!a || !b) return a === b;
  return a.md5 === b.md5 && a.hashName === b.hashName;
}
