import type { MetricSeries } from '../runs/types';

/**
 * A metric history is stored as ONE blob per (store, run, key), never a row per point (building the
 * index that way measured several times slower). Layout, for `count` points:
 *
 *   values: count float64, machine byte order (the index file never leaves the machine that wrote it)
 *   1 byte: bit 0 set = steps packed, bit 1 set = timestamps packed
 *   steps, then timestamps: each either count float64 (raw), or packed: zigzag varints of the
 *   differences between successive integers.
 *
 * Steps (0, 1, 2...) and epoch-ms timestamps are integers growing by small amounts, so packing takes
 * them from 16 bytes to about 3 a point and halves the index file. Values stay raw: they are arbitrary doubles.
 */
const F64 = Float64Array.BYTES_PER_ELEMENT;
const STEPS_PACKED = 1;
const TIMESTAMPS_PACKED = 2;
/** Integers up to this size keep their differences, doubled by zigzag, exact in a double. */
const PACKABLE_LIMIT = 2 ** 44;

/** Number of points in a series; columns of unequal length (a reader bug) are cut to the shortest. */
export function seriesLength(series: MetricSeries): number {
  return Math.min(series.steps.length, series.timestamps.length, series.values.length);
}

/** Encodes `a` followed by `b` (b optional), so an append is one decode and one encode. */
export function encodeSeries(a: MetricSeries, b?: MetricSeries): { count: number; blob: Uint8Array } {
  const steps = joinColumn(a, b, 'steps');
  const timestamps = joinColumn(a, b, 'timestamps');
  const values = joinColumn(a, b, 'values');
  const count = values.length;
  const packSteps = packable(steps);
  const packTimestamps = packable(timestamps);
  const size = count * F64 + 1 + columnSize(steps, packSteps) + columnSize(timestamps, packTimestamps);
  const blob = new Uint8Array(size);
  blob.set(new Uint8Array(values.buffer, values.byteOffset, count * F64), 0);
  let at = count * F64;
  blob[at++] = (packSteps ? STEPS_PACKED : 0) | (packTimestamps ? TIMESTAMPS_PACKED : 0);
  at = writeColumn(blob, at, steps, packSteps);
  writeColumn(blob, at, timestamps, packTimestamps);
  return { count, blob };
}

/** Decodes a stored blob; undefined when it does not hold exactly `count` points (a damaged row). */
export function decodeSeries(blob: Uint8Array, count: number): MetricSeries | undefined {
  if (!Number.isInteger(count) || count < 0 || blob.byteLength < count * F64 + 1) return undefined;
  const flags = blob[count * F64];
  if (flags > (STEPS_PACKED | TIMESTAMPS_PACKED)) return undefined;
  const values = new Float64Array(copyBytes(blob, 0, count * F64));
  const steps = readColumn(blob, count * F64 + 1, count, (flags & STEPS_PACKED) !== 0);
  if (!steps) return undefined;
  const timestamps = readColumn(blob, steps.end, count, (flags & TIMESTAMPS_PACKED) !== 0);
  if (!timestamps || timestamps.end !== blob.byteLength) return undefined;
  return { steps: steps.column, timestamps: timestamps.column, values };
}

function joinColumn(a: MetricSeries, b: MetricSeries | undefined, name: keyof MetricSeries): Float64Array {
  const na = seriesLength(a);
  if (!b) return a[name].subarray(0, na);
  const nb = b ? seriesLength(b) : 0;
  const out = new Float64Array(na + nb);
  out.set(a[name].subarray(0, na));
  if (b) out.set(b[name].subarray(0, nb), na);
  return out;
}

function packable(column: Float64Array): boolean {
  for (const v of column) {
    if (!Number.isInteger(v) || Math.abs(v) >= PACKABLE_LIMIT || Object.is(v, -0)) return false;
  }
  return true;
}

function zigzag(delta: number): number {
  return delta >= 0 ? delta * 2 : -delta * 2 - 1;
}

function varintSize(n: number): number {
  let size = 1;
  while (n >= 128) {
    n = Math.floor(n / 128);
    size++;
  }
  return size;
}

function columnSize(column: Float64Array, packed: boolean): number {
  if (!packed) return column.length * F64;
  let size = 0;
  let previous = 0;
  for (const v of column) {
    size += varintSize(zigzag(v - previous));
    previous = v;
  }
  return size;
}

function writeColumn(blob: Uint8Array, at: number, column: Float64Array, packed: boolean): number {
  if (!packed) {
    blob.set(new Uint8Array(column.buffer, column.byteOffset, column.length * F64), at);
    return at + column.length * F64;
  }
  let previous = 0;
  for (const v of column) {
    // Arithmetic, not bit operators: those work on 32 bits only.
    let n = zigzag(v - previous);
    previous = v;
    while (n >= 128) {
      blob[at++] = (n % 128) | 128;
      n = Math.floor(n / 128);
    }
    blob[at++] = n;
  }
  return at;
}

function readColumn(blob: Uint8Array, at: number, count: number, packed: boolean): { column: Float64Array; end: number } | undefined {
  if (!packed) {
    const end = at + count * F64;
    if (end > blob.byteLength) return undefined;
    return { column: new Float64Array(copyBytes(blob, at, end)), end };
  }
  const column = new Float64Array(count);
  let previous = 0;
  for (let i = 0; i < count; i++) {
    let n = 0;
    let scale = 1;
    for (;;) {
      if (at >= blob.byteLength || scale > PACKABLE_LIMIT * 4) return undefined;
      const byte = blob[at++];
      n += (byte & 127) * scale;
      scale *= 128;
      if (byte < 128) break;
    }
    previous += n % 2 === 0 ? n / 2 : -(n + 1) / 2;
    column[i] = previous;
  }
  return { column, end: at };
}

/** A fresh, 8-byte aligned copy of a byte range (a Float64Array view needs the alignment). */
function copyBytes(blob: Uint8Array, from: number, to: number): ArrayBuffer {
  const out = new Uint8Array(to - from);
  out.set(blob.subarray(from, to));
  return out.buffer;
}
