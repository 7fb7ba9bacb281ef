// Shared vocabulary of DVC hashing: which algorithm, and the stat fields that say a file is unchanged.

/**
 * `md5` is DVC 3's hash of the file's bytes (`hash: md5` in dvc.lock and .dvc files). `md5-dos2unix` is DVC 2's
 * legacy hash (entries without `hash:`): CRLF read as LF in 1 MiB chunks that look like text.
 */
export type HashName = 'md5' | 'md5-dos2unix';

/** What DVC's state database keys a file's hash on (dvc-data's state: inode, mtime, size). */
export interface FileStamp {
  ino: number;
  /** Modification time in ms, with the sub-ms part Node gives (`stat.mtimeMs`). */
  mtimeMs: number;
  size: number;
}

export function stampOf(stat: { ino: number; mtimeMs: number; size: number }): FileStamp {
  return { ino: stat.ino, mtimeMs: stat.mtimeMs, size: stat.size };
}

/** A file or folder hashed as DVC records it in dvc.lock / .dvc files. */
export interface HashedPath {
  /** For a folder: md5 of its listing + `.dir`. */
  md5: string;
  /** Bytes of the file, or the sum over the folder's files. */
  size: number;
  isDir: boolean;
  /** Folders only: number of files in the listing. */
  nfiles?: number;
}

/** Thrown when a file or folder cannot be hashed the way DVC would (missing, unreadable, special file...). */
export class HashError extends Error {
  constructor(message: string, readonly file: string, readonly code?: string) {
    super(message);
    this.name = 'HashError';
  }
}
