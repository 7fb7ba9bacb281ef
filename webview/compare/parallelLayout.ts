// Where parallel coordinates put their axes and values: pure, tested in plain Node.
import type { ParallelAxisWire } from '../../src/protocol/compare';

export interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** x of each axis, evenly spread over the box. */
export function axisXs(count: number, box: Box): number[] {
  if (count <= 0) return [];
  if (count === 1) return [box.left + box.width / 2];
  return Array.from({ length: count }, (_, i) => box.left + (i * box.width) / (count - 1));
}

/** y of a value on an axis: the axis' max at the top, min at the bottom; one distinct value sits in the middle. */
export function valueY(axis: ParallelAxisWire, value: number, box: Box): number {
  const span = axis.max - axis.min;
  const t = span > 0 ? (value - axis.min) / span : 0.5;
  return box.top + (1 - Math.min(1, Math.max(0, t))) * box.height;
}

/** The labels an axis shows: its categories, or its min and max. */
export function axisTicks(axis: ParallelAxisWire, format: (n: number) => string): { value: number; label: string }[] {
  if (axis.kind === 'categorical') return (axis.categories ?? []).map((label, i) => ({ value: i, label }));
  if (axis.max === axis.min) return [{ value: axis.min, label: format(axis.min) }];
  return [{ value: axis.min, label: format(axis.min) }, { value: axis.max, label: format(axis.max) }];
}

/** Runs of consecutive axes where a line has values: a missing value breaks the line. */
export function lineSegments(values: readonly (number | null)[]): number[][] {
  const out: number[][] = [];
  let current: number[] = [];
  values.forEach((v, i) => {
    if (v === null) {
      if (current.length) out.push(current);
      current = [];
    } else {
      current.push(i);
    }
  });
  if (current.length) out.push(current);
  return out;
}

/** "params.model/depth" reads as "model/depth" under a small "param" caption. */
export function axisCaption(key: string): { section: string; name: string } {
  const m = /^(params|metrics|tags)\.(.*)$/.exec(key);
  return m ? { section: m[1].slice(0, -1), name: m[2] } : { section: '', name: key };
}
