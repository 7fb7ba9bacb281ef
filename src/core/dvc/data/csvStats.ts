import fs from 'node:fs';
import { scanDelimited } from '../../text/delimitedRecords';
import type { CsvDiff, CsvStats } from './dataTypes';

// Row and column counts of a CSV or TSV file, streamed: a 10 GB file costs one read buffer, not 10 GB.
// Records are read as Python's csv module (and pandas' C parser) reads them: a quote opens a quoted field only at
// the start of a field, quotes inside are doubled, a quoted field may span lines, blank lines are skipped.

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;
const UTF8_BOM = [0xef, 0xbb, 0xbf];
/** The header may not be longer than this (a wider "header" means the file is not a table). */
const MAX_HEADER_BYTES = 4 * 1024 * 1024;

/** CSV and TSV by their name, as the Data view decides whether to count rows and columns. */
export function isDelimitedFile(name: string): boolean {
  return /\.(csv|tsv)$/i.test(name);
}

export function delimiterFor(name: string): ',' | '\t' {
  return /\.tsv$/i.test(name) ? '\t' : ',';
}

/** Python csv's reader states that matter for where records end. */
const enum State {
  FieldStart,
  InField,
  InQuoted,
  /** A quote inside a quoted field: it closes the field, or (doubled) is a literal quote. */
  QuoteInQuoted,
}

/** Counts records across chunks and keeps the first record's bytes (the header). */
export class CsvRecordCounter {
  private state = State.FieldStart;
  /** The current record has a byte other than a line break (a blank line is no record). */
  private recordHasContent = false;
  private records = 0;
  /** Bytes read until the header record ended (leading blank lines included); undefined once it has. */
  private headerParts: Buffer[] | undefined = [];
  private headerBytes = 0;
  private header: Buffer | undefined;
  bytes = 0;
  /** Bytes of a byte order mark seen at the start; -1 once past it. */
  private bomMatched = 0;

  constructor(private readonly delimiter: number) {}

  push(chunk: Buffer): void {
    this.bytes += chunk.length;
    const n = chunk.length;
    let i = 0;
    // A UTF-8 byte order mark before the header is not data (pandas and utf-8-sig drop it).
    while (this.bomMatched >= 0 && i < n) {
      if (chunk[i] !== UTF8_BOM[this.bomMatched]) {
        if (this.bomMatched > 0) {
          this.state = State.InField;
          this.recordHasContent = true;
        }
        this.bomMatched = -1;
        break;
      }
      i++;
      if (++this.bomMatched === UTF8_BOM.length) this.bomMatched = -1;
    }
    // The fast path is tried at the chunk's start and after each line break, never byte by byte.
    let tryFast = true;
    while (i < n) {
      if (tryFast && this.header !== undefined && (this.state === State.FieldStart || this.state === State.InField)) {
        tryFast = false;
        // Fast path outside quotes: every line break before the next quote ends a record.
        const q = chunk.indexOf(QUOTE, i);
        const lastLf = chunk.lastIndexOf(LF, q < 0 ? n - 1 : q);
        if (lastLf >= i) {
          this.countPlainLines(chunk, i, lastLf + 1);
          i = lastLf + 1;
          if (q < 0) {
            this.plainTail(chunk, i, n);
            return;
          }
          continue;
        }
        if (q < 0) {
          this.plainTail(chunk, i, n);
          return;
        }
      }
      if (this.state === State.InQuoted) {
        // Inside quotes only a quote matters: jump to it (line breaks and delimiters here are data).
        const q = chunk.indexOf(QUOTE, i);
        if (q < 0) break;
        this.state = State.QuoteInQuoted;
        i = q + 1;
        continue;
      }
      const c = chunk[i];
      switch (this.state) {
        case State.QuoteInQuoted:
          if (c === QUOTE) this.state = State.InQuoted;
          else if (c === this.delimiter) this.state = State.FieldStart;
          else if (c === LF) {
            this.endRecord(chunk, i);
            tryFast = true;
          } else if (c !== CR) this.state = State.InField;
          break;
        default:
          if (c === LF) {
            this.endRecord(chunk, i);
            tryFast = true;
          } else if (c === this.delimiter) {
            this.state = State.FieldStart;
            this.recordHasContent = true;
          } else if (c === QUOTE) {
            this.state = this.state === State.FieldStart ? State.InQuoted : State.InField;
            this.recordHasContent = true;
          } else if (c !== CR) {
            this.state = State.InField;
            this.recordHasContent = true;
          }
      }
      i++;
    }
    if (this.headerParts) this.keepHeader(chunk.subarray(0, n));
  }

  /** Whole lines without quotes, [from, to) ending just after a line break. */
  private countPlainLines(chunk: Buffer, from: number, to: number): void {
    let at = from;
    while (at < to) {
      const lf = chunk.indexOf(LF, at);
      if (this.recordHasContent || hasContent(chunk, at, lf)) this.records++;
      this.recordHasContent = false;
      at = lf + 1;
    }
    this.state = State.FieldStart;
  }

  /** The unfinished line at the end of a chunk, with no quote in it. */
  private plainTail(chunk: Buffer, from: number, to: number): void {
    for (let j = to - 1; j >= from; j--) {
      const c = chunk[j];
      if (c === CR) continue;
      this.recordHasContent = true;
      this.state = c === this.delimiter ? State.FieldStart : State.InField;
      return;
    }
  }

  private endRecord(chunk: Buffer, lfAt: number): void {
    if (this.recordHasContent) {
      this.records++;
      if (this.headerParts) {
        this.keepHeader(chunk.subarray(0, lfAt));
        this.header = Buffer.concat(this.headerParts);
        this.headerParts = undefined;
      }
    }
    this.recordHasContent = false;
    this.state = State.FieldStart;
  }

  private keepHeader(part: Buffer): void {
    if (part.length === 0) return;
    this.headerBytes += part.length;
    if (this.headerBytes > MAX_HEADER_BYTES) throw new Error(`The first record is longer than ${MAX_HEADER_BYTES} bytes: this does not look like a CSV file with a header.`);
    this.headerParts!.push(Buffer.from(part));
  }

  /** Closes the count (a last record without a final line break counts). */
  finish(delimiter: ',' | '\t'): CsvStats {
    if (this.recordHasContent) {
      this.records++;
      this.recordHasContent = false;
    }
    if (this.headerParts) {
      this.header = Buffer.concat(this.headerParts);
      this.headerParts = undefined;
    }
    // The kept bytes may start with blank lines (skipped, as the reader skips them) and a byte order mark.
    const headerText = (this.header ?? Buffer.alloc(0)).toString('utf8').replace(/^\uFEFF/, '').replace(/^[\r\n]+/, '').replace(/\r$/, '');
    const columns = headerText ? (scanDelimited(headerText + '\n', delimiter).records[0]?.cells ?? []) : [];
    return { rows: Math.max(0, this.records - 1), columns, bytes: this.bytes, delimiter };
  }
}

function hasContent(chunk: Buffer, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (chunk[i] !== CR) return true;
  return false;
}

/** Streams a CSV/TSV file and counts its rows and columns. */
export async function csvStatsOfFile(file: string, delimiter: ',' | '\t', signal?: AbortSignal): Promise<CsvStats> {
  const counter = new CsvRecordCounter(delimiter.charCodeAt(0));
  const stream = fs.createReadStream(file, { highWaterMark: 1 << 20, signal });
  for await (const chunk of stream) counter.push(chunk as Buffer);
  return counter.finish(delimiter);
}

/** CSV stats of in-memory text (tests, small blobs). */
export function csvStatsOfBuffer(bytes: Buffer, delimiter: ',' | '\t'): CsvStats {
  const counter = new CsvRecordCounter(delimiter.charCodeAt(0));
  counter.push(bytes);
  return counter.finish(delimiter);
}

/** Columns added, removed, reordered; the row counts are in the two stats. */
export function diffCsvStats(older: CsvStats, newer: CsvStats): CsvDiff {
  const before = new Set(older.columns);
  const after = new Set(newer.columns);
  const addedColumns = newer.columns.filter((c) => !before.has(c));
  const removedColumns = older.columns.filter((c) => !after.has(c));
  const kept = older.columns.filter((c) => after.has(c));
  const keptAfter = newer.columns.filter((c) => before.has(c));
  const reordered = kept.length === keptAfter.length && kept.some((c, i) => keptAfter[i] !== c);
  return { older, newer, addedColumns, removedColumns, reordered };
}
