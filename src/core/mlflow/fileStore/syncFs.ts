import { closeSync, openSync, readSync, statSync, type Stats } from 'node:fs';

// Synchronous reads of the many small files of an MLflow store. A store of 10,000 runs has ~400,000 of them;
// through fs.promises each costs four thread-pool round trips (open, fstat, read, close), which made CPU time and
// syscalls dominate. Sync calls on cached files take microseconds; callers keep the event loop responsive by
// yielding between runs (see TimeSlicer) and by reading large metric files asynchronously.

/** Files up to this size are read in one synchronous call; larger metric files go through the chunked async tail. */
export const SMALL_FILE = 1024 * 1024;

/** One buffer reused for every small read: nothing else runs while a synchronous read and its parse are in progress. */
const scratch = Buffer.allocUnsafe(SMALL_FILE);

export interface ScratchRead {
  /** A view of the shared scratch buffer: use it before the next read, never keep it. */
  bytes: Buffer;
  /** False when the file holds more than SMALL_FILE bytes from `position` (only the first SMALL_FILE were read). */
  complete: boolean;
}

/** Reads a file from `position` into the shared scratch. Throws fs errors (ENOENT, EACCES, EISDIR, ...). */
export function readIntoScratch(file: string, position = 0, length = SMALL_FILE): ScratchRead {
  const want = Math.min(length, SMALL_FILE);
  const fd = openSync(file, 'r');
  try {
    let n = 0;
    while (n < want) {
      const ask = want - n;
      const got = readSync(fd, scratch, n, ask, position + n);
      n += got;
      if (got < ask) break; // a regular file reads short only at its end: no extra read to see 0
    }
    let complete = n < want || want < SMALL_FILE;
    if (!complete) complete = readSync(fd, Buffer.allocUnsafe(1), 0, 1, position + n) === 0;
    return { bytes: scratch.subarray(0, n), complete };
  } finally {
    closeSync(fd);
  }
}

/** A small file's bytes as a copy the caller may keep. Undefined when it is larger than SMALL_FILE. */
export function readSmallFile(file: string): Buffer | undefined {
  const r = readIntoScratch(file);
  return r.complete ? Buffer.from(r.bytes) : undefined;
}

/** stat that answers undefined for a missing path and throws other errors. */
export function statIfExists(file: string): Stats | undefined {
  return statSync(file, { throwIfNoEntry: false });
}

/** Lets the event loop run between slices of synchronous work, and checks for cancellation there. */
export class TimeSlicer {
  private sliceStart = performance.now();
  constructor(
    private readonly signal?: AbortSignal,
    private readonly sliceMs = 12,
  ) {}

  async tick(): Promise<void> {
    if (performance.now() - this.sliceStart < this.sliceMs) return;
    await new Promise((resolve) => setImmediate(resolve));
    this.signal?.throwIfAborted();
    this.sliceStart = performance.now();
  }
}
