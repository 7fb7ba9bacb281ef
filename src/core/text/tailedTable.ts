import { open } from 'node:fs/promises';
import { readSmallFile, SMALL_FILE } from '../mlflow/fileStore/syncFs';
import { checkHash } from '../mlflow/fileStore/metricFileTail';
import { scanDelimited, type DelimitedRecord } from './delimitedRecords';
import { scanNumericRows, type NumericRowSink } from './numericRows';

// Incremental reading of a CSV/TSV file with a header line that a training process appends to, and sometimes
// rewrites whole (Lightning's CSVLogger when a column appears; dvclive when a run restarts in the same folder).
// A cursor remembers where the last read stopped; the next read checks that the header and the bytes just before
// that point are unchanged and then reads only what was appended. Anything else is read again from the start.

/** Where the last read of a table file stopped. Plain data. */
export interface TableCursor {
  ino: number;
  size: number;
  mtimeMs: number;
  /** Byte offset just past the last complete record. */
  offset: number;
  /** Line breaks before `offset` (for 1-based line numbers). */
  lines: number;
  /** The header record once complete. */
  header?: string[];
  /** Byte offset just past the header, and a hash of the bytes before it. */
  headerEnd: number;
  headerCheck: number;
  /** A hash of the CHECK_BYTES bytes before `offset`. */
  tailCheck: number;
}

/** Receives what a read finds, in file order. */
export interface TableSink {
  /** Called first when the file is read from its start (the first read, or after a rewrite): drop what you kept. */
  restart(): void;
  header(cells: string[], line: number): void;
  rows(records: DelimitedRecord[]): void;
  /** Optional: rows of numbers straight from the bytes (see numericRows.ts); `rows` then gets only the others. */
  numericRow?: NumericRowSink['numericRow'];
}

/** The facts of a stat that tell a file changed. */
export interface FileStamp {
  ino: number;
  size: number;
  mtimeMs: number;
}

const CHECK_BYTES = 32;
const CHUNK = 8 * 1024 * 1024;

/** True when a stat shows the file as the cursor left it: nothing to read. */
export function tableUnchanged(cursor: TableCursor | undefined, st: FileStamp): boolean {
  return !!cursor && cursor.ino === st.ino && cursor.size === st.size && cursor.mtimeMs === st.mtimeMs;
}

/**
 * Reads what is new in a table file since `from` into `sink` and returns the new cursor. A record whose line break
 * is not written yet stays unread until a later call. Throws fs errors.
 */
export async function tailTable(
  file: string,
  delimiter: ',' | '\t',
  from: TableCursor | undefined,
  st: FileStamp,
  sink: TableSink,
  opts: { signal?: AbortSignal; chunkSize?: number } = {},
): Promise<TableCursor> {
  // A small file (every Lightning metrics.csv but the longest) in one synchronous read: a hundred versions read
  // through fs.promises spend most of their time waiting on thread-pool round trips (open, read, reads, close).
  const small = st.size <= SMALL_FILE ? readSmallFile(file) : undefined;
  const fh: ByteSource = small ? memorySource(small) : await open(file, 'r');
  try {
    const keep = from && from.ino === st.ino && st.size >= from.offset && (await stillHolds(fh, from));
    const cursor: TableCursor = keep
      ? { ...from, ino: st.ino, size: st.size, mtimeMs: st.mtimeMs }
      : { ino: st.ino, size: st.size, mtimeMs: st.mtimeMs, offset: 0, lines: 0, headerEnd: 0, headerCheck: 0, tailCheck: 0 };
    if (!keep) sink.restart();
    const chunkSize = Math.max(64, opts.chunkSize ?? CHUNK);
    let pos = cursor.offset;
    let carry: Buffer | undefined;
    while (pos < st.size) {
      opts.signal?.throwIfAborted();
      const want = Math.min(chunkSize, st.size - pos);
      const buf = Buffer.allocUnsafe(want);
      const { bytesRead } = await fh.read(buf, 0, want, pos);
      if (bytesRead === 0) break;
      pos += bytesRead;
      const data: Buffer = carry ? Buffer.concat([carry, buf.subarray(0, bytesRead)]) : buf.subarray(0, bytesRead);
      const lastBreak = data.lastIndexOf(0x0a);
      if (lastBreak === -1) {
        carry = data;
        continue;
      }
      const numeric = sink.numericRow ? (sink as NumericRowSink) : undefined;
      let used = 0;
      if (!cursor.header || !numeric) {
        // Cut at a line break (ASCII), so a multi-byte character is never split between decodes. With a numeric
        // sink only the header is read here (its first line, usually all of it), the rows go the fast way below.
        let cut = !cursor.header && numeric ? lineBreakAfter(data, 0) : lastBreak;
        let text = data.toString('utf8', 0, cut + 1);
        let scan = scanDelimited(text, delimiter, cursor.lines + 1);
        if (scan.records.length === 0 && cut < lastBreak) {
          // A header with quoted line breaks: the whole block, then.
          cut = lastBreak;
          text = data.toString('utf8', 0, cut + 1);
          scan = scanDelimited(text, delimiter, cursor.lines + 1);
        }
        let records = scan.records;
        let consumed = scan.consumed;
        let lines = scan.lines;
        if (!cursor.header && records.length > 0) {
          cursor.header = records[0].cells;
          sink.header(records[0].cells, records[0].line);
          const headerText = text.slice(0, headerEndIn(text, scan.consumed, records.length > 1 ? records[1].line - records[0].line : scan.lines));
          cursor.headerEnd = cursor.offset + Buffer.byteLength(headerText);
          cursor.headerCheck = checkHash(data, 0, cursor.headerEnd - cursor.offset);
          records = records.slice(1);
          if (numeric) {
            // Only the header is taken: what follows it is read by the fast path.
            consumed = headerText.length;
            lines = countLineBreaks(headerText);
            records = [];
          }
        }
        if (records.length > 0) sink.rows(records);
        used = consumed === text.length ? cut + 1 : Buffer.byteLength(text.slice(0, consumed));
        cursor.offset += used;
        cursor.lines += lines;
      }
      if (numeric && cursor.header && used < lastBreak + 1) {
        const scan = scanNumericRows(data, used, lastBreak + 1, delimiter, cursor.header.length, cursor.lines + 1, numeric);
        used += scan.consumed;
        cursor.offset += scan.consumed;
        cursor.lines += scan.lines;
      }
      carry = used < data.length ? Buffer.from(data.subarray(used)) : undefined;
    }
    cursor.tailCheck = await hashBefore(fh, cursor.offset);
    return cursor;
  } finally {
    await fh.close();
  }
}

function countLineBreaks(text: string): number {
  let n = 0;
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) n++;
  return n;
}

/** The index of the first line break at or after `from` (there is one: the block ends with one). */
function lineBreakAfter(data: Buffer, from: number): number {
  const at = data.indexOf(0x0a, from);
  return at === -1 ? data.length - 1 : at;
}

/** End (in chars) of the header record: after the line breaks it spans, counting from the start of `text`. */
function headerEndIn(text: string, consumed: number, breaks: number): number {
  // Blank lines before the next record are counted with the header; they hold nothing, so that is harmless.
  let end = 0;
  for (let b = 0; b < breaks; b++) {
    const nl = text.indexOf('\n', end);
    if (nl === -1 || nl >= consumed) return consumed;
    end = nl + 1;
  }
  return end;
}

/** The header and the bytes before the cursor's offset are as they were: the file was only appended to. */
/** What tailTable reads from: the file, or its bytes already in memory. */
interface ByteSource {
  read(buffer: Buffer, offset: number, length: number, position: number): Promise<{ bytesRead: number }>;
  close(): Promise<void>;
}

function memorySource(bytes: Buffer): ByteSource {
  return {
    read: async (buffer, offset, length, position) => ({
      bytesRead: position >= bytes.length ? 0 : bytes.copy(buffer, offset, position, Math.min(bytes.length, position + length)),
    }),
    close: async () => undefined,
  };
}

async function stillHolds(fh: ByteSource, c: TableCursor): Promise<boolean> {
  if (c.headerEnd > 0) {
    const head = Buffer.allocUnsafe(c.headerEnd);
    const { bytesRead } = await fh.read(head, 0, c.headerEnd, 0);
    if (bytesRead !== c.headerEnd || checkHash(head, 0, bytesRead) !== c.headerCheck) return false;
  }
  return (await hashBefore(fh, c.offset)) === c.tailCheck;
}

async function hashBefore(fh: ByteSource, offset: number): Promise<number> {
  const n = Math.min(CHECK_BYTES, offset);
  if (n === 0) return 0;
  const buf = Buffer.allocUnsafe(n);
  const { bytesRead } = await fh.read(buf, 0, n, offset - n);
  return checkHash(buf, 0, bytesRead);
}
