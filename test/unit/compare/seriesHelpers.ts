import type { XYSeries } from '../../../src/core/compare/types';

/** A small seeded PRNG (mulberry32), so a failing random case can be replayed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function series(xs: number[], ys: number[]): XYSeries {
  return { xs: Float64Array.from(xs), ys: Float64Array.from(ys) };
}

/** A random walk over irregularly spaced, strictly increasing xs. */
export function randomWalk(n: number, seed: number): XYSeries {
  const random = seededRandom(seed);
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  let x = 0;
  let y = 0;
  for (let i = 0; i < n; i++) {
    x += 0.5 + random() * 2;
    y += random() - 0.5;
    xs[i] = x;
    ys[i] = y;
  }
  return { xs, ys };
}

/** Points as "x:y" strings, to test membership of exact input points. */
export function pointSet(s: XYSeries): Set<string> {
  const out = new Set<string>();
  for (let i = 0; i < s.xs.length; i++) out.add(`${s.xs[i]}:${s.ys[i]}`);
  return out;
}

export function assertSortedByX(s: XYSeries): void {
  for (let i = 1; i < s.xs.length; i++) {
    if (!(s.xs[i] >= s.xs[i - 1])) throw new Error(`xs not sorted at ${i}: ${s.xs[i - 1]} then ${s.xs[i]}`);
  }
}
