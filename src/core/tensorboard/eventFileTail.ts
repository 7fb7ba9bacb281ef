import { open } from 'node:fs/promises';
import { HEADER_BYTES, scanRecords, type FramingIssue, type RecordHandler } from './tfRecordReader';

// Reads an event file from a byte offset to its end in large chunks, handing each complete record to `onRecord`.
// A record split between two chunks is carried over; one larger than the buffer grows it. What is left after the
// last complete record is not consumed: the caller resumes from `offset` when the file grows.

const CHUNK_BYTES = 4 * 1024 * 1024;
/** Small files get a buffer of their size (plus room for what the writer appends meanwhile), not a 4 MiB one. */
const SLACK_BYTES = 64 * 1024;

export interface TailResult {
  /** File offset just past the last complete record (where the next read starts). */
  offset: number;
  /** Bytes after `offset` that do not make a complete record yet. */
  pendingBytes: number;
}

export async function tailEventFile(
  file: string,
  from: number,
  expectedSize: number,
  onRecord: RecordHandler,
  issues: FramingIssue[],
  signal?: AbortSignal,
): Promise<TailResult> {
  const handle = await open(file, 'r');
  try {
    let buf = Buffer.allocUnsafeSlow(Math.max(HEADER_BYTES * 2, Math.min(CHUNK_BYTES, expectedSize - from + SLACK_BYTES)));
    let filled = 0;
    let bufOffset = from;
    for (;;) {
      signal?.throwIfAborted();
      if (filled === buf.length) {
        const bigger = Buffer.allocUnsafeSlow(Math.max(buf.length * 2, CHUNK_BYTES));
        buf.copy(bigger, 0, 0, filled);
        buf = bigger;
      }
      const { bytesRead } = await handle.read(buf, filled, buf.length - filled, bufOffset + filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
      const consumed = scanRecords(buf, filled, bufOffset, onRecord, issues);
      if (consumed > 0) {
        buf.copyWithin(0, consumed, filled);
        filled -= consumed;
        bufOffset += consumed;
      }
    }
    return { offset: bufOffset, pendingBytes: filled };
  } finally {
    await handle.close();
  }
}
