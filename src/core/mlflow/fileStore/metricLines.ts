import type { MetricSeries } from '../../runs/types';
import { MetricSeriesBuilder } from './metricSeriesBuilder';

// Parser for MLflow file-store metric files: one point per line, "timestamp value step"
// (mlflow/store/tracking/file_store.py `_log_run_metric`), or the legacy "timestamp value" (step 0).
// Values are Python float reprs: `0.5`, `1e-05`, `nan`, `inf`, `-inf`. It works on bytes because it runs over
// every line of every metric file; the common case never builds a string.

export interface MetricLineProblem {
  /** 1-based line number in the file. */
  line: number;
  message: string;
}

/** Collects problems, keeping only the first `max` (a garbage 2 GB file must not make millions of them). */
export class LineProblemSink {
  readonly list: MetricLineProblem[] = [];
  total = 0;
  constructor(private readonly max = 20) {}
  add(line: number, message: string): void {
    this.total++;
    if (this.list.length < this.max) this.list.push({ line, message });
  }
}

export interface ScanResult {
  /** Index just past the last complete line ('\n'); a half-written last line stays for a later read. */
  consumed: number;
  /** Complete lines consumed (including blank and garbage ones). */
  lines: number;
}

const NL = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const TAB = 0x09;
const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);

/**
 * Parses the complete lines in bytes[start, end) into `builder`. `firstLine` is the 1-based number of the line
 * at `start`, for problem messages.
 */
export function scanMetricBytes(
  bytes: Uint8Array,
  start: number,
  end: number,
  builder: MetricSeriesBuilder,
  firstLine: number,
  problems: LineProblemSink,
): ScanResult {
  scanBytes = bytes;
  scanText = undefined;
  try {
    return scanLines(bytes, start, end, builder, firstLine, problems);
  } finally {
    scanBytes = undefined;
    scanText = undefined;
  }
}

/** The bytes being scanned and, once a token needs the engine's parser, their Latin-1 text (decoded once, sliced per token). */
let scanBytes: Uint8Array | undefined;
let scanText: string | undefined;

/**
 * One pass over the bytes for lines as MLflow writes them, "<digits> <plain decimal> <digits>\n" (or the legacy
 * "<digits> <plain decimal>\n"): each byte is looked at once. Any other line (an exponent, nan, a sign on the step,
 * CRLF, extra spaces, garbage) goes to parseLine, which decides exactly as the line-at-a-time scan does.
 */
function scanLines(b: Uint8Array, start: number, end: number, builder: MetricSeriesBuilder, firstLine: number, problems: LineProblemSink): ScanResult {
  let pos = start; // start of the current line
  let lines = 0;
  let i = start;
  while (i < end) {
    // Timestamp: digits, then a space.
    let timestamp = 0;
    let c = b[i];
    while (i < end && c >= 0x30 && c <= 0x39) {
      timestamp = timestamp * 10 + (c - 0x30);
      c = b[++i];
    }
    let value = NaN;
    let step = 0;
    let fast = false;
    if (i > pos && i < end && c === SPACE) {
      // Value: [-]digits[.digits], at least one digit, then a space (a step follows) or the end of the line.
      const vs = ++i;
      c = b[i];
      if (i < end && c === 0x2d) c = b[++i];
      let mantissa = 0;
      let significant = 0;
      let exp10 = 0;
      let digits = 0;
      while (i < end && c >= 0x30 && c <= 0x39) {
        digits++;
        if (significant > 0 || c !== 0x30) significant++;
        mantissa = mantissa * 10 + (c - 0x30);
        c = b[++i];
      }
      if (i < end && c === 0x2e) {
        c = b[++i];
        while (i < end && c >= 0x30 && c <= 0x39) {
          digits++;
          if (significant > 0 || c !== 0x30) significant++;
          mantissa = mantissa * 10 + (c - 0x30);
          exp10--;
          c = b[++i];
        }
      }
      if (digits > 0 && i < end && (c === SPACE || c === NL)) {
        if (significant <= 16 && mantissa <= 9007199254740992 && exp10 >= -22) {
          value = mantissa / POW10[-exp10];
          if (b[vs] === 0x2d) value = -value;
        } else {
          value = parseFloatBytes(b, vs, i) as number; // the grammar is checked: always a number
        }
        if (c === NL) {
          fast = true;
        } else {
          // Step: digits, then the end of the line.
          const ss = ++i;
          c = b[i];
          while (i < end && c >= 0x30 && c <= 0x39) {
            step = step * 10 + (c - 0x30);
            c = b[++i];
          }
          fast = i > ss && i < end && c === NL;
        }
      }
    }
    if (fast) {
      builder.push(timestamp, value, step);
    } else {
      // Anything else: find the end of this line and let parseLine judge it.
      while (i < end && b[i] !== NL) i++;
      if (i === end) break; // a half-written last line stays for a later read
      parseLine(b, pos, i, builder, firstLine + lines, problems);
    }
    lines++;
    pos = ++i;
  }
  return { consumed: pos, lines };
}

/**
 * The line-at-a-time scan scanLines must agree with: every line through parseLine. Kept for the tests that prove
 * the one-pass scan equal to it over fixtures and random input.
 */
export function scanMetricBytesByLine(
  bytes: Uint8Array,
  start: number,
  end: number,
  builder: MetricSeriesBuilder,
  firstLine: number,
  problems: LineProblemSink,
): ScanResult {
  scanBytes = bytes;
  scanText = undefined;
  try {
    let pos = start;
    let lines = 0;
    for (let i = start; i < end; i++) {
      if (bytes[i] !== NL) continue;
      parseLine(bytes, pos, i, builder, firstLine + lines, problems);
      lines++;
      pos = i + 1;
    }
    return { consumed: pos, lines };
  } finally {
    scanBytes = undefined;
    scanText = undefined;
  }
}

function parseLine(b: Uint8Array, s: number, e: number, builder: MetricSeriesBuilder, lineNo: number, problems: LineProblemSink): void {
  // Python's str.strip() before split(" "): surrounding whitespace (and CRLF's CR) is ignored.
  while (s < e && (b[s] === SPACE || b[s] === TAB)) s++;
  while (e > s && (b[e - 1] === SPACE || b[e - 1] === TAB || b[e - 1] === CR)) e--;
  if (s === e) return; // a blank line carries no point; MLflow never writes one

  const sp1 = indexOfByte(b, SPACE, s, e);
  const sp2 = sp1 === -1 ? -1 : indexOfByte(b, SPACE, sp1 + 1, e);
  if (sp1 === -1 || (sp2 !== -1 && indexOfByte(b, SPACE, sp2 + 1, e) !== -1)) {
    problems.add(lineNo, `expected "timestamp value step" (or the legacy "timestamp value") separated by single spaces, found ${snippet(b, s, e)}`);
    return;
  }
  const timestamp = parseInteger(b, s, sp1);
  const valueEnd = sp2 === -1 ? e : sp2;
  const value = parseFloatBytes(b, sp1 + 1, valueEnd);
  const step = sp2 === -1 ? 0 : parseInteger(b, sp2 + 1, e);
  if (timestamp === undefined) {
    problems.add(lineNo, `the timestamp is not an integer (epoch milliseconds) in ${snippet(b, s, e)}`);
  } else if (value === undefined) {
    problems.add(lineNo, `the value is not a number in ${snippet(b, s, e)}`);
  } else if (step === undefined) {
    problems.add(lineNo, `the step is not an integer in ${snippet(b, s, e)}`);
  } else {
    builder.push(timestamp, value, step);
  }
}

function indexOfByte(b: Uint8Array, byte: number, from: number, to: number): number {
  for (let i = from; i < to; i++) if (b[i] === byte) return i;
  return -1;
}

function parseInteger(b: Uint8Array, s: number, e: number): number | undefined {
  let i = s;
  let neg = false;
  if (i < e && (b[i] === 0x2d || b[i] === 0x2b)) neg = b[i++] === 0x2d;
  if (i === e) return undefined;
  let n = 0;
  for (; i < e; i++) {
    const d = b[i] - 0x30;
    if (d < 0 || d > 9) return undefined;
    n = n * 10 + d;
  }
  return neg ? -n : n;
}

/** A Python float repr (or `nan`/`inf`/`infinity` in any case). Undefined when it is not one. */
export function parseFloatBytes(b: Uint8Array, s: number, e: number): number | undefined {
  let i = s;
  let neg = false;
  if (i < e && (b[i] === 0x2d || b[i] === 0x2b)) neg = b[i++] === 0x2d;
  if (i === e) return undefined;
  const first = b[i] | 0x20;
  if (first === 0x6e || first === 0x69) return parseSpecial(b, i, e, neg); // n, i

  let mantissa = 0;
  let significant = 0;
  let exp10 = 0;
  let digits = 0;
  for (; i < e; i++) {
    const d = b[i] - 0x30;
    if (d < 0 || d > 9) break;
    digits++;
    if (significant > 0 || d !== 0) significant++;
    mantissa = mantissa * 10 + d;
  }
  if (i < e && b[i] === 0x2e) {
    for (i++; i < e; i++) {
      const d = b[i] - 0x30;
      if (d < 0 || d > 9) break;
      digits++;
      if (significant > 0 || d !== 0) significant++;
      mantissa = mantissa * 10 + d;
      exp10--;
    }
  }
  if (digits === 0) return undefined;
  if (i < e && (b[i] | 0x20) === 0x65) {
    i++;
    let expNeg = false;
    if (i < e && (b[i] === 0x2d || b[i] === 0x2b)) expNeg = b[i++] === 0x2d;
    let expDigits = 0;
    let exp = 0;
    for (; i < e; i++) {
      const d = b[i] - 0x30;
      if (d < 0 || d > 9) break;
      expDigits++;
      if (exp < 100_000) exp = exp * 10 + d;
    }
    if (expDigits === 0) return undefined;
    exp10 += expNeg ? -exp : exp;
  }
  if (i !== e) return undefined;
  // Clinger's fast path: an exact integer mantissa (<= 2^53) times an exact power of ten (<= 10^22) is one
  // correctly rounded operation. Accumulating up to 16 digits is exact when the result is <= 2^53. Anything
  // else (many of Python's 17-digit reprs) goes to the engine's parser.
  if (significant <= 16 && mantissa <= 9007199254740992 && exp10 >= -22 && exp10 <= 22) {
    const v = exp10 < 0 ? mantissa / POW10[-exp10] : mantissa * POW10[exp10];
    return neg ? -v : v;
  }
  const v = parseFloat(latin1(b, s, e)); // the grammar was checked above, so this reads the whole token
  return Number.isNaN(v) ? undefined : v;
}

function parseSpecial(b: Uint8Array, s: number, e: number, neg: boolean): number | undefined {
  const word = latin1(b, s, e).toLowerCase();
  if (word === 'nan') return NaN;
  if (word === 'inf' || word === 'infinity') return neg ? -Infinity : Infinity;
  return undefined;
}

function latin1(b: Uint8Array, s: number, e: number): string {
  if (b === scanBytes) {
    scanText ??= Buffer.from(b.buffer, b.byteOffset, b.length).toString('latin1');
    return scanText.substring(s, e);
  }
  return Buffer.from(b.buffer, b.byteOffset + s, e - s).toString('latin1');
}

/** The line as quoted data for a message, shortened. */
function snippet(b: Uint8Array, s: number, e: number): string {
  const text = Buffer.from(b.buffer, b.byteOffset + s, Math.min(e - s, 80)).toString('utf8');
  return JSON.stringify(e - s > 80 ? `${text}…` : text);
}

export interface ParsedMetricLines {
  series: MetricSeries;
  /** Characters (bytes, for a byte input) of complete lines parsed; the rest is a half-written last line. */
  consumedChars: number;
  /** Complete lines consumed. */
  lines: number;
  problems: MetricLineProblem[];
}

/** Parses a whole metric file's text (or bytes). A last line without '\n' is left unconsumed. */
export function parseMetricLines(text: string | Uint8Array, opts: { firstLine?: number } = {}): ParsedMetricLines {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  const builder = new MetricSeriesBuilder();
  const problems = new LineProblemSink(Number.MAX_SAFE_INTEGER);
  const { consumed, lines } = scanMetricBytes(bytes, 0, bytes.length, builder, opts.firstLine ?? 1, problems);
  let consumedChars = consumed;
  if (typeof text === 'string' && bytes.length !== text.length) {
    consumedChars = Buffer.from(bytes.buffer, bytes.byteOffset, consumed).toString('utf8').length;
  }
  return { series: builder.toSeries(), consumedChars, lines, problems: problems.list };
}
