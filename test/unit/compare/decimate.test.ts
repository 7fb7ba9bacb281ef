import assert from 'node:assert/strict';
import { decimateLttb, decimateMinMax, minMaxBucketCount } from '../../../src/core/compare/decimate';
import type { XYSeries } from '../../../src/core/compare/types';
import { assertSortedByX, pointSet, randomWalk, seededRandom, series } from './seriesHelpers';

/**
 * The buckets of the documented rule, computed here independently: the points between first and last, their x
 * span split into B equal widths, point i in floor((x - x0) * (B / span)), the last bucket closed.
 */
function documentedBuckets(s: XYSeries, from: number, to: number, maxPoints: number): number[][] {
  const first = from + 1;
  const last = to - 1;
  let gaps = false;
  for (let i = first; i <= last; i++) if (Number.isNaN(s.ys[i])) gaps = true;
  const b = Math.floor((maxPoints - 2) / (gaps ? 3 : 2));
  const x0 = s.xs[first];
  const scale = b / (s.xs[last] - x0);
  const buckets: number[][] = Array.from({ length: b }, () => []);
  for (let i = first; i <= last; i++) buckets[Math.min(b - 1, Math.floor((s.xs[i] - x0) * scale))].push(i);
  return buckets;
}

/** Each bucket's min and max (value and x) appear in the output. */
function assertBucketExtremesKept(input: XYSeries, output: XYSeries, maxPoints: number, from = 0, to = input.xs.length - 1): void {
  const kept = pointSet(output);
  const buckets = documentedBuckets(input, from, to, maxPoints);
  assert.ok(buckets.length > 10, 'the case should have many buckets');
  for (const [b, members] of buckets.entries()) {
    const finite = members.filter((i) => !Number.isNaN(input.ys[i]));
    if (finite.length === 0) continue;
    const min = finite.reduce((m, i) => (input.ys[i] < input.ys[m] ? i : m));
    const max = finite.reduce((m, i) => (input.ys[i] > input.ys[m] ? i : m));
    assert.ok(kept.has(`${input.xs[min]}:${input.ys[min]}`), `bucket ${b}: min at x=${input.xs[min]} was dropped`);
    assert.ok(kept.has(`${input.xs[max]}:${input.ys[max]}`), `bucket ${b}: max at x=${input.xs[max]} was dropped`);
  }
}

function assertCommon(input: XYSeries, output: XYSeries, maxPoints: number): void {
  assert.ok(output.xs.length <= maxPoints, `${output.xs.length} points > ${maxPoints}`);
  assert.equal(output.xs.length, output.ys.length);
  assertSortedByX(output);
  assert.equal(output.xs[0], input.xs[0], 'first point kept');
  assert.equal(output.ys[0], input.ys[0]);
  assert.equal(output.xs[output.xs.length - 1], input.xs[input.xs.length - 1], 'last point kept');
  assert.equal(output.ys[output.ys.length - 1], input.ys[input.ys.length - 1]);
  const all = pointSet(input);
  for (let i = 0; i < output.xs.length; i++) {
    if (Number.isNaN(output.ys[i])) continue;
    assert.ok(all.has(`${output.xs[i]}:${output.ys[i]}`), `(${output.xs[i]}, ${output.ys[i]}) is not an input point`);
  }
}

/** Flat noise with isolated spikes up and down; returns the spike positions too. */
function spiky(n: number, every: number, seed: number): { s: XYSeries; spikes: number[] } {
  const random = seededRandom(seed);
  const ys = new Float64Array(n);
  const spikes: number[] = [];
  for (let i = 0; i < n; i++) ys[i] = random() * 0.01;
  for (let start = every; start + every < n; start += every) {
    const at = start + Math.floor(random() * (every / 2));
    ys[at] = spikes.length % 2 === 0 ? 100 : -100;
    spikes.push(at);
  }
  return { s: { xs: Float64Array.from({ length: n }, (_, i) => i), ys }, spikes };
}

describe('decimateMinMax', () => {
  for (const seed of [1, 2, 3]) {
    it(`keeps every bucket's min and max of a random walk on irregular x (seed ${seed})`, () => {
      const input = randomWalk(20_011, seed);
      for (const maxPoints of [2000, 501, 64]) {
        const output = decimateMinMax(input, maxPoints);
        assertCommon(input, output, maxPoints);
        assertBucketExtremesKept(input, output, maxPoints);
      }
    });
  }

  it('keeps every spike of a spiky series, where every k-th point loses them', () => {
    const { s, spikes } = spiky(100_000, 1000, 7);
    const maxPoints = 1000;
    const output = decimateMinMax(s, maxPoints);
    assertCommon(s, output, maxPoints);
    assertBucketExtremesKept(s, output, maxPoints);
    const keptXs = new Set(output.xs);
    for (const at of spikes) assert.ok(keptXs.has(at), `spike at ${at} dropped`);
    // The check above could fail: a naive stride keeps almost none of the spikes.
    const stride = Math.ceil(s.xs.length / maxPoints);
    const naive = spikes.filter((at) => at % stride === 0).length;
    assert.ok(naive < spikes.length / 5);
  });

  it('uses its budget: close to maxPoints on a dense series, never more', () => {
    const input = randomWalk(100_000, 9);
    const output = decimateMinMax(input, 2000);
    assert.ok(output.xs.length > 1900 && output.xs.length <= 2000, String(output.xs.length));
  });

  it('returns the input arrays unchanged when already small enough', () => {
    const input = randomWalk(100, 4);
    const output = decimateMinMax(input, 100);
    assert.equal(output.xs, input.xs);
    assert.equal(output.ys, input.ys);
  });

  it('keeps only the range and one neighbour each side, as new arrays', () => {
    const input = series(Array.from({ length: 1000 }, (_, i) => i), Array.from({ length: 1000 }, (_, i) => Math.sin(i)));
    const wide = decimateMinMax(input, 5000, { xMin: 100.5, xMax: 200.5 });
    assert.deepEqual([...wide.xs], Array.from({ length: 102 }, (_, i) => 100 + i));
    assert.notEqual(wide.xs.buffer, input.xs.buffer);
    assert.equal(wide.xs.buffer.byteLength, 102 * 8, 'no hidden full-size buffer goes into a structured clone');

    const narrow = decimateMinMax(input, 40, { xMin: 100.5, xMax: 800.5 });
    assert.ok(narrow.xs.length <= 40);
    assert.equal(narrow.xs[0], 100);
    assert.equal(narrow.xs[narrow.xs.length - 1], 801);
    for (const x of narrow.xs.subarray(1, -1)) assert.ok(x >= 100.5 && x <= 800.5, String(x));
    const sub = { xs: input.xs.slice(100, 802), ys: input.ys.slice(100, 802) };
    assertBucketExtremesKept(sub, narrow, 40);
  });

  it('handles ranges at or beyond the data, reversed and between two points', () => {
    const input = series([0, 10, 20, 30], [1, 2, 3, 4]);
    assert.deepEqual([...decimateMinMax(input, 10, { xMin: 12, xMax: 15 }).xs], [10, 20]);
    assert.deepEqual([...decimateMinMax(input, 10, { xMin: 15, xMax: 12 }).xs], [10, 20]);
    assert.deepEqual([...decimateMinMax(input, 10, { xMin: 100, xMax: 200 }).xs], [30]);
    assert.deepEqual([...decimateMinMax(input, 10, { xMin: -20, xMax: -10 }).xs], [0]);
    assert.deepEqual([...decimateMinMax(input, 10, { xMin: 0, xMax: 30 }).xs], [0, 10, 20, 30]);
    assert.deepEqual([...decimateMinMax(series([], []), 10, { xMin: 0, xMax: 1 }).xs], []);
  });

  it('keeps NaN points where they are, so the chart breaks the line there', () => {
    const input = randomWalk(10_000, 5);
    for (let i = 4000; i < 4100; i++) input.ys[i] = NaN;
    input.ys[7777] = NaN;
    const maxPoints = 300;
    const output = decimateMinMax(input, maxPoints);
    assertCommon(input, output, maxPoints);
    assertBucketExtremesKept(input, output, maxPoints);
    const nanXs = [...output.xs].filter((_, i) => Number.isNaN(output.ys[i]));
    assert.ok(nanXs.length >= 1 && nanXs.length <= 3, `NaN points: ${nanXs.length}`);
    assert.ok(nanXs.includes(input.xs[7777]), 'the lone NaN survives');
    assert.ok(nanXs.some((x) => x >= input.xs[4000] && x <= input.xs[4099]), 'the NaN block leaves a gap');
    assert.ok(minMaxBucketCount(maxPoints, true) < minMaxBucketCount(maxPoints, false));
  });

  it('splits by index when every x is the same', () => {
    const input = series(new Array(1000).fill(5), Array.from({ length: 1000 }, (_, i) => (i % 7) - 3));
    const output = decimateMinMax(input, 50);
    assert.ok(output.xs.length <= 50 && output.xs.length > 40);
    assert.ok(output.ys.includes(3) && output.ys.includes(-3));
  });
});

/** LTTB as the paper states it, over plain point objects: an independent reference for random cases. */
function referenceLttb(points: { x: number; y: number }[], threshold: number): { x: number; y: number }[] {
  const every = (points.length - 2) / (threshold - 2);
  const out = [points[0]];
  let anchor = points[0];
  for (let k = 0; k < threshold - 2; k++) {
    const start = Math.floor(k * every) + 1;
    const end = k === threshold - 3 ? points.length - 1 : Math.floor((k + 1) * every) + 1;
    const next = k === threshold - 3 ? [points[points.length - 1]] : points.slice(end, k + 1 === threshold - 3 ? points.length - 1 : Math.floor((k + 2) * every) + 1);
    const c = { x: next.reduce((s, p) => s + p.x, 0) / next.length, y: next.reduce((s, p) => s + p.y, 0) / next.length };
    let best = points[start];
    let bestArea = -1;
    for (const p of points.slice(start, end)) {
      const area = Math.abs((anchor.x - c.x) * (p.y - anchor.y) - (anchor.x - p.x) * (c.y - anchor.y)) / 2;
      if (area > bestArea) {
        bestArea = area;
        best = p;
      }
    }
    out.push(best);
    anchor = best;
  }
  out.push(points[points.length - 1]);
  return out;
}

describe('decimateLttb', () => {
  it('agrees with a reference implementation on random series', () => {
    for (const [n, threshold, seed] of [[1000, 100, 1], [5003, 777, 2], [250, 7, 3], [10, 5, 4]]) {
      const input = randomWalk(n, seed);
      const points = Array.from(input.xs, (x, i) => ({ x, y: input.ys[i] }));
      const expected = referenceLttb(points, threshold);
      const output = decimateLttb(input, threshold);
      assert.deepEqual([...output.xs], expected.map((p) => p.x), `n=${n} threshold=${threshold}`);
      assert.deepEqual([...output.ys], expected.map((p) => p.y));
    }
  });

  it('matches a hand-worked example', () => {
    // 8 points, 5 kept: first and last, and one from each of the buckets [1,2], [3,4], [5,6].
    // Bucket 1: anchor (0,0), next mean (3.5, 4.5): doubled areas |(0-3.5)(5-0) - (0-1)(4.5-0)| = 13 for (1,5)
    //   and |(-3.5)(1) - (-2)(4.5)| = 5.5 for (2,1): keep (1,5).
    // Bucket 2: anchor (1,5), next mean (5.5, 1): (3,1) gives |(-4.5)(-4) - (-2)(-4)| = 10, (4,8) gives
    //   |(-4.5)(3) - (-3)(-4)| = 25.5: keep (4,8).
    // Bucket 3: anchor (4,8), last point (7,3): (5,0) gives |(-3)(-8) - (-1)(-5)| = 19, (6,2) gives
    //   |(-3)(-6) - (-2)(-5)| = 8: keep (5,0).
    const input = series([0, 1, 2, 3, 4, 5, 6, 7], [0, 5, 1, 1, 8, 0, 2, 3]);
    const output = decimateLttb(input, 5);
    assert.deepEqual([...output.xs], [0, 1, 4, 5, 7]);
    assert.deepEqual([...output.ys], [0, 5, 8, 0, 3]);
  });

  it('keeps first, last, order and exactly maxPoints on a dense series; keeps the spikes', () => {
    const { s, spikes } = spiky(100_000, 1000, 11);
    const output = decimateLttb(s, 2000);
    assertCommon(s, output, 2000);
    assert.equal(output.xs.length, 2000);
    const keptXs = new Set(output.xs);
    for (const at of spikes) assert.ok(keptXs.has(at), `spike at ${at} dropped`);
  });

  it('applies the same range rule', () => {
    const input = randomWalk(5000, 12);
    const xMin = input.xs[1000] + 0.1;
    const xMax = input.xs[3000] - 0.1;
    const output = decimateLttb(input, 100, { xMin, xMax });
    assert.ok(output.xs.length <= 100);
    assert.equal(output.xs[0], input.xs[1000]);
    assert.equal(output.xs[output.xs.length - 1], input.xs[3000]);
    for (const x of output.xs.subarray(1, -1)) assert.ok(x >= xMin && x <= xMax);
    const small = decimateLttb(input, 5000, { xMin, xMax });
    assert.equal(small.xs.length, 2001);
  });

  it('keeps gaps and stays within budget when the series has NaN', () => {
    const input = randomWalk(10_000, 13);
    input.ys[0] = NaN;
    for (let i = 5000; i < 5050; i++) input.ys[i] = NaN;
    const output = decimateLttb(input, 200);
    assert.ok(output.xs.length <= 200);
    assertSortedByX(output);
    assert.ok(Number.isNaN(output.ys[0]), 'first point kept even when NaN');
    assert.ok([...output.xs].some((x, i) => Number.isNaN(output.ys[i]) && x >= input.xs[5000] && x <= input.xs[5049]));
    const finite = [...output.ys].filter((y) => Number.isFinite(y));
    assert.ok(finite.length > 90, 'NaN does not poison the triangle areas');
  });
});
