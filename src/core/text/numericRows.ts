import { scanDelimited, type DelimitedRecord } from './delimitedRecords';

// The fast path for the data rows of a numeric table (Lightning's metrics.csv): straight from the bytes, a line of
// plain decimals and empty cells becomes numbers in a reused row buffer, with no string or array per cell. Any other
// line (text, nan, inf, spaces, the wrong number of cells) goes the general way, as string cells, in file order;
// a quote sends the rest of the block the general way (a quoted field may hold line breaks).

/** A sink that takes rows of numbers; false hands the row back to be given as string cells instead. */
export interface NumericRowSink {
  /** `values[j]` is cell j's number when `present[j]` is 1; an empty cell has `present[j]` 0. Buffers are reused. */
  numericRow(values: Float64Array, present: Uint8Array, line: number): boolean;
  rows(records: DelimitedRecord[]): void;
}

export interface NumericScan {
  /** Bytes of `bytes[start, end)` taken by complete records; the rest is an unfinished record. */
  consumed: number;
  /** Line breaks within the consumed part. */
  lines: number;
}

const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);

/**
 * Scans the records in bytes[start, end) (`end` just past a line break) of a table `width` cells wide into `sink`.
 * `firstLine` is the 1-based line number at `start`.
 */
export function scanNumericRows(
  bytes: Uint8Array, start: number, end: number, delimiter: ',' | '\t', width: number, firstLine: number, sink: NumericRowSink,
): NumericScan {
  const delim = delimiter.charCodeAt(0);
  const values = new Float64Array(width);
  const present = new Uint8Array(width);
  const parsed = { value: 0, next: 0 };
  let pos = start;
  let lines = 0;
  while (pos < end) {
    const nl = indexOfByte(bytes, LF, pos, end);
    if (nl === -1) break;
    const lineEnd = nl > pos && bytes[nl - 1] === CR ? nl - 1 : nl;
    if (lineEnd === pos) {
      // A blank line: no record (as csv.DictReader).
      lines++;
      pos = nl + 1;
      continue;
    }
    const line = firstLine + lines;
    let ok = true;
    let cell = 0;
    let i = pos;
    while (ok) {
      if (cell === width) {
        ok = false;
        break;
      }
      const c = i < lineEnd ? bytes[i] : -1;
      if (c === delim || c === -1) {
        present[cell] = 0; // an empty cell
      } else if (parsePlainDecimal(bytes, i, lineEnd, delim, parsed)) {
        present[cell] = 1;
        values[cell] = parsed.value;
        i = parsed.next;
      } else {
        ok = false;
        break;
      }
      cell++;
      if (i >= lineEnd) break;
      i++; // the delimiter
      if (i === lineEnd) {
        // A trailing delimiter: one more, empty, cell.
        if (cell === width) ok = false;
        else present[cell++] = 0;
        break;
      }
    }
    if (ok && cell === width && sink.numericRow(values, present, line)) {
      lines++;
      pos = nl + 1;
      continue;
    }
    if (indexOfByte(bytes, QUOTE, pos, nl) !== -1) {
      // Quoting: the general scanner takes the rest of the block.
      const text = Buffer.from(bytes.buffer, bytes.byteOffset + pos, end - pos).toString('utf8');
      const scan = scanDelimited(text, delimiter, line);
      if (scan.records.length > 0) sink.rows(scan.records);
      const used = scan.consumed === text.length ? end - pos : Buffer.byteLength(text.slice(0, scan.consumed));
      return { consumed: pos + used - start, lines: lines + scan.lines };
    }
    const text = Buffer.from(bytes.buffer, bytes.byteOffset + pos, lineEnd - pos).toString('utf8');
    sink.rows([{ line, cells: text.split(delimiter) }]);
    lines++;
    pos = nl + 1;
  }
  return { consumed: pos - start, lines };
}

/**
 * A plain decimal as Python writes one ([-+]digits[.digits][e[-+]digits], or .digits) from `i`, ending at the
 * delimiter or `end`. Exact: small mantissas and powers of ten are exact doubles, so one multiply or divide rounds
 * correctly; anything longer goes through Number() on its text. False when the cell is anything else.
 */
function parsePlainDecimal(b: Uint8Array, i: number, end: number, delim: number, out: { value: number; next: number }): boolean {
  const s = i;
  let c = b[i];
  const negative = c === 0x2d;
  if (c === 0x2d || c === 0x2b) c = ++i < end ? b[i] : -1;
  let mantissa = 0;
  let digits = 0;
  let significant = 0;
  let exp10 = 0;
  while (c >= 0x30 && c <= 0x39) {
    if (significant > 0 || c !== 0x30) significant++;
    mantissa = mantissa * 10 + (c - 0x30);
    digits++;
    c = ++i < end ? b[i] : -1;
  }
  if (c === 0x2e) {
    c = ++i < end ? b[i] : -1;
    while (c >= 0x30 && c <= 0x39) {
      if (significant > 0 || c !== 0x30) significant++;
      mantissa = mantissa * 10 + (c - 0x30);
      digits++;
      exp10--;
      c = ++i < end ? b[i] : -1;
    }
  }
  if (digits === 0) return false;
  if (c === 0x65 || c === 0x45) {
    c = ++i < end ? b[i] : -1;
    let expNegative = false;
    if (c === 0x2d || c === 0x2b) {
      expNegative = c === 0x2d;
      c = ++i < end ? b[i] : -1;
    }
    let e = 0;
    let expDigits = 0;
    while (c >= 0x30 && c <= 0x39) {
      if (e < 100_000) e = e * 10 + (c - 0x30);
      expDigits++;
      c = ++i < end ? b[i] : -1;
    }
    if (expDigits === 0) return false;
    exp10 += expNegative ? -e : e;
  }
  if (i < end && c !== delim) return false;
  out.next = i;
  if (significant <= 15 && exp10 >= -22 && exp10 <= 22) {
    const magnitude = exp10 < 0 ? mantissa / POW10[-exp10] : mantissa * POW10[exp10];
    out.value = negative ? -magnitude : magnitude;
  } else {
    out.value = Number(Buffer.from(b.buffer, b.byteOffset + s, i - s).toString('latin1'));
  }
  return true;
}

function indexOfByte(b: Uint8Array, byte: number, from: number, to: number): number {
  const at = b.indexOf(byte, from);
  return at === -1 || at >= to ? -1 : at;
}
