import { open } from 'node:fs/promises';
import type { LatestMetric, MetricSeries, StoreProblem } from '../../runs/types';
import { LineProblemSink, scanMetricBytes } from './metricLines';
import { MetricSeriesBuilder } from './metricSeriesBuilder';
import { readIntoScratch, SMALL_FILE } from './syncFs';

/** Where a previous read of a metric file stopped. */
export interface MetricFileCursor {
  /** Byte offset just past the last complete line read. */
  offset: number;
  /** Complete lines before `offset` (for line numbers in problems). */
  lines: number;
  /** A hash of the last bytes before `offset` (see checkHash): if they differ now, the file was rewritten. */
  check: number;
  /** Latest point of everything before `offset`. */
  latest?: LatestMetric;
}

export interface MetricTailOptions {
  signal?: AbortSignal;
  /** False: only fold the latest point. Default true. */
  keepPoints?: boolean;
  maxPoints?: number;
  chunkSize?: number;
  /** Size and mtime from a stat the caller just made: saves an fstat per file when reading thousands. */
  knownSize?: number;
  knownMtimeMs?: number;
}

export interface MetricTailResult {
  /** Points after the cursor (or the whole file when `replaced`), possibly thinned (see problems). */
  series: MetricSeries;
  /** Latest point of the whole file. */
  latest?: LatestMetric;
  cursor: MetricFileCursor;
  /** The file shrank or was rewritten since the cursor: `series` is the whole history. */
  replaced: boolean;
  size: number;
  mtimeMs: number;
  problems: StoreProblem[];
}

const CHUNK = 4 * 1024 * 1024;
/** No MLflow metric line comes near this; a longer one is garbage and is skipped rather than buffered. */
const MAX_LINE = 64 * 1024;
const CHECK_BYTES = 32;

/**
 * Reads a metric file from a cursor to its end in bounded chunks: memory stays at one chunk plus the kept
 * points (thinned past maxPoints), however large the file.
 */
export async function tailMetricFile(file: string, from: MetricFileCursor | undefined, opts: MetricTailOptions = {}): Promise<MetricTailResult> {
  const fh = await open(file, 'r');
  try {
    const st = opts.knownSize !== undefined && opts.knownMtimeMs !== undefined ? { size: opts.knownSize, mtimeMs: opts.knownMtimeMs } : await fh.stat();
    let cursor: MetricFileCursor = from ?? START;
    let replaced = !from;
    if (from && !(await stillPrefix(fh, st.size, from))) {
      cursor = START;
      replaced = true;
    }
    const builder = new MetricSeriesBuilder({ keepPoints: opts.keepPoints, maxPoints: opts.maxPoints, latest: cursor.latest });
    const sink = new LineProblemSink();
    const problems: StoreProblem[] = [];
    const chunkSize = Math.max(1024, opts.chunkSize ?? CHUNK);
    const chunk = Buffer.allocUnsafe(Math.min(chunkSize, Math.max(1, st.size - cursor.offset)));

    let offset = cursor.offset; // end of the last complete line
    let lines = cursor.lines;
    let pos = offset; // next byte to read
    let carry: Buffer | undefined; // the incomplete line so far
    let skippingLongLine = false;
    let lastData: Buffer | undefined;
    let lastConsumed = 0;
    while (pos < st.size) {
      opts.signal?.throwIfAborted();
      const { bytesRead } = await fh.read(chunk, 0, Math.min(chunk.length, st.size - pos), pos);
      if (bytesRead === 0) break;
      pos += bytesRead;
      let data = chunk.subarray(0, bytesRead);
      if (skippingLongLine) {
        const nl = data.indexOf(0x0a);
        if (nl === -1) {
          offset += bytesRead;
          lastData = undefined;
          continue;
        }
        skippingLongLine = false;
        lines++;
        offset += nl + 1;
        data = data.subarray(nl + 1);
      }
      if (carry) data = Buffer.concat([carry, data]);
      const r = scanMetricBytes(data, 0, data.length, builder, lines + 1, sink);
      lines += r.lines;
      offset += r.consumed;
      lastData = data;
      lastConsumed = r.consumed;
      const rest = data.length - r.consumed;
      if (rest > MAX_LINE) {
        problems.push({ severity: 'warning', file, line: lines + 1, message: `Line ${lines + 1} is longer than ${MAX_LINE / 1024} KB; MLflow metric lines are "timestamp value step". The line was skipped.` });
        skippingLongLine = true;
        offset += rest;
        carry = undefined;
        lastData = undefined;
      } else {
        carry = rest > 0 ? Buffer.from(data.subarray(r.consumed)) : undefined;
      }
    }

    problems.push(...lineProblems(file, sink, builder));
    const check = offset === cursor.offset ? cursor.check : await checkBytes(fh, offset, lastData, lastConsumed);
    return tailResult(builder, { offset, lines, check }, { replaced, size: st.size, mtimeMs: st.mtimeMs, problems });
  } finally {
    await fh.close();
  }
}

const START: MetricFileCursor = { offset: 0, lines: 0, check: 0 };

/** FNV-1a over bytes[s, e): small enough to persist for every metric file, and enough to notice a rewrite. */
export function checkHash(b: Uint8Array, s: number, e: number): number {
  let h = 0x811c9dc5;
  for (let i = s; i < e; i++) h = Math.imul(h ^ b[i], 0x01000193);
  return h >>> 0;
}

function lineProblems(file: string, sink: LineProblemSink, builder: MetricSeriesBuilder): StoreProblem[] {
  const problems: StoreProblem[] = [];
  for (const p of sink.list) {
    problems.push({ severity: 'warning', file, line: p.line, message: `Metric line ${p.line} skipped: ${p.message}.` });
  }
  if (sink.total > sink.list.length) {
    problems.push({ severity: 'warning', file, message: `${sink.total - sink.list.length} more malformed metric lines were skipped.` });
  }
  if (builder.thinned) {
    problems.push({ severity: 'warning', file, message: `This metric has ${builder.count} points; charts show an even sample of them to bound memory. The latest value uses every point.` });
  }
  return problems;
}

/** The file still holds what the cursor read: it has not shrunk and the bytes before the offset are unchanged. */
async function stillPrefix(fh: import('node:fs/promises').FileHandle, size: number, c: MetricFileCursor): Promise<boolean> {
  if (size < c.offset) return false;
  const n = Math.min(CHECK_BYTES, c.offset);
  if (n === 0) return true;
  const buf = Buffer.alloc(n);
  const { bytesRead } = await fh.read(buf, 0, n, c.offset - n);
  return bytesRead === n && checkHash(buf, 0, n) === c.check;
}

async function checkBytes(fh: import('node:fs/promises').FileHandle, offset: number, lastData: Buffer | undefined, lastConsumed: number): Promise<number> {
  const n = Math.min(CHECK_BYTES, offset);
  if (lastData && lastConsumed >= n) return checkHash(lastData, lastConsumed - n, lastConsumed);
  const buf = Buffer.alloc(n);
  const { bytesRead } = await fh.read(buf, 0, n, offset - n);
  return checkHash(buf, 0, bytesRead);
}

export interface SyncTailOptions {
  keepPoints?: boolean;
  maxPoints?: number;
  /** Size and mtime from a stat the caller just made; without them the whole file is read (readAll). */
  knownSize?: number;
  knownMtimeMs?: number;
}

/**
 * tailMetricFile for the common case, synchronously: the unread part (and the check bytes before it) fits one
 * read into the shared scratch buffer. Undefined when it does not: use tailMetricFile then. Throws fs errors.
 */
export function tailMetricFileSync(file: string, from: MetricFileCursor | undefined, opts: SyncTailOptions = {}): MetricTailResult | undefined {
  const size = opts.knownSize;
  let cursor = from && (size === undefined || size >= from.offset) ? from : START;
  let replaced = cursor !== from;
  let start = cursor.offset - Math.min(CHECK_BYTES, cursor.offset);
  if (size !== undefined && size - start > SMALL_FILE) return undefined;
  let read = readIntoScratch(file, start, size === undefined ? SMALL_FILE : size - start);
  if (!read.complete && size === undefined) return undefined;
  if (cursor.offset > 0 && (read.bytes.length < cursor.offset - start || checkHash(read.bytes, 0, cursor.offset - start) !== cursor.check)) {
    // Rewritten since the cursor: read it all again.
    cursor = START;
    replaced = true;
    start = 0;
    if (size !== undefined && size > SMALL_FILE) return undefined;
    read = readIntoScratch(file, 0, size ?? SMALL_FILE);
    if (!read.complete && size === undefined) return undefined;
  }
  const bytes = read.bytes;
  const builder = new MetricSeriesBuilder({ keepPoints: opts.keepPoints, maxPoints: opts.maxPoints, latest: cursor.latest });
  const sink = new LineProblemSink();
  const from0 = cursor.offset - start;
  const r = scanMetricBytes(bytes, from0, bytes.length, builder, cursor.lines + 1, sink);
  const end = r.consumed; // index just past the last complete line
  const offset = start + end;
  const lines = cursor.lines + r.lines;
  const check = offset === cursor.offset ? cursor.check : checkHash(bytes, end - Math.min(CHECK_BYTES, offset), end);
  return tailResult(builder, { offset, lines, check }, { replaced, size: size ?? bytes.length, mtimeMs: opts.knownMtimeMs ?? -1, problems: lineProblems(file, sink, builder) });
}

/** The result both tails return: the new cursor carries the latest point so a later tail folds onto it. */
function tailResult(
  builder: MetricSeriesBuilder,
  at: Omit<MetricFileCursor, 'latest'>,
  rest: Pick<MetricTailResult, 'replaced' | 'size' | 'mtimeMs' | 'problems'>,
): MetricTailResult {
  const latest = builder.latest();
  return { series: builder.toSeries(), latest, cursor: { ...at, latest }, ...rest };
}
