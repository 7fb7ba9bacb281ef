import { maskedCrc32c } from './crc32c';

// TFRecord framing (tensorflow/core/lib/io/record_writer.h), which event files use for each serialized Event:
//   uint64 length (little-endian) | uint32 masked CRC-32C of those 8 bytes | data[length] | uint32 masked CRC-32C of data
// A record with a bad data checksum is skipped: its length is known, so the next record is found. A bad length
// checksum loses the framing, so we look for the next offset where a length and its checksum agree (a false match has
// a 1 in 2^32 chance per offset, and is then caught by its data checksum). A record cut short at the end of the
// buffer is not an error: the writer may not have finished it; the caller keeps the offset and tries again later.

export const HEADER_BYTES = 12;
export const FOOTER_BYTES = 4;
/** Larger lengths are taken as corruption: TensorFlow's writer refuses records anywhere near this. */
export const MAX_RECORD_BYTES = 0x7fffffff;

/** Called for each record whose checksums are right: the data is bytes[start, end), at `fileOffset` in the file. */
export type RecordHandler = (bytes: Uint8Array, start: number, end: number, fileOffset: number) => void;

/** A damaged stretch of the file, skipped. */
export interface FramingIssue {
  /** File offset of the record (or of the first unreadable byte). */
  offset: number;
  message: string;
}

/**
 * Calls `onRecord` for each complete, checksum-valid record in bytes[0, length) and returns how many bytes were
 * consumed: everything up to the first incomplete record (which stays for the next call, once more bytes are in).
 * `baseOffset` is the file offset of bytes[0], for messages. Damaged records are skipped and pushed to `issues`.
 */
export function scanRecords(
  bytes: Uint8Array,
  length: number,
  baseOffset: number,
  onRecord: RecordHandler,
  issues: FramingIssue[],
): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let p = 0;
  while (p + HEADER_BYTES <= length) {
    const dataLength = validLength(bytes, view, p);
    if (dataLength < 0) {
      const next = resync(bytes, view, p + 1, length);
      const found = next >= 0;
      const resume = found ? next : Math.max(p + 1, length - HEADER_BYTES + 1);
      issues.push({
        offset: baseOffset + p,
        message: found
          ? `bad record header (length checksum mismatch) at byte ${baseOffset + p}; skipped ${resume - p} bytes to the next valid record`
          : `bad record header (length checksum mismatch) at byte ${baseOffset + p}; no valid record after it (${length - p} bytes skipped)`,
      });
      p = resume;
      continue;
    }
    const dataStart = p + HEADER_BYTES;
    const dataEnd = dataStart + dataLength;
    if (dataEnd + FOOTER_BYTES > length) break; // incomplete: the writer is still writing, or the file was cut
    if (maskedCrc32c(bytes, dataStart, dataEnd) !== view.getUint32(dataEnd, true)) {
      issues.push({ offset: baseOffset + p, message: `bad record at byte ${baseOffset + p} (data checksum mismatch, ${dataLength} bytes); skipped` });
    } else {
      onRecord(bytes, dataStart, dataEnd, baseOffset + p);
    }
    p = dataEnd + FOOTER_BYTES;
  }
  return p;
}

/** The record length at p if its checksum matches and it is plausible, else -1. */
function validLength(bytes: Uint8Array, view: DataView, p: number): number {
  if (maskedCrc32c(bytes, p, p + 8) !== view.getUint32(p + 8, true)) return -1;
  const lo = view.getUint32(p, true);
  const hi = view.getUint32(p + 4, true);
  return hi === 0 && lo <= MAX_RECORD_BYTES ? lo : -1;
}

/** The first offset at or after `from` where a valid record header starts, or -1. */
function resync(bytes: Uint8Array, view: DataView, from: number, length: number): number {
  for (let q = from; q + HEADER_BYTES <= length; q++) if (validLength(bytes, view, q) >= 0) return q;
  return -1;
}
