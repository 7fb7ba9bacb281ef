import assert from 'node:assert/strict';
import { decodeSeries, encodeSeries } from '../../../src/core/index/seriesCodec';
import { points, series } from './indexFixtures';

describe('seriesCodec', () => {
  it('round-trips integer steps and epoch-ms timestamps (packed)', () => {
    const s = series([0, 1, 2, 10, 5, -3], [0.1, 0.2, 1 / 3, 1e300, -2.5, 7]);
    const { count, blob } = encodeSeries(s);
    assert.equal(count, 6);
    assert.deepEqual(points(decodeSeries(blob, count)), points(s));
  });

  it('keeps NaN, infinities and -0 values, and non-integer steps or timestamps, exactly', () => {
    const s = series([0.5, 1, 2 ** 60], [NaN, Infinity, -Infinity], [1.25, -0, 3]);
    s.values[2] = -0;
    const { count, blob } = encodeSeries(s);
    const back = decodeSeries(blob, count)!;
    assert.ok(Number.isNaN(back.values[0]));
    assert.equal(back.values[1], Infinity);
    assert.ok(Object.is(back.values[2], -0));
    assert.deepEqual([...back.steps], [0.5, 1, 2 ** 60]);
    assert.ok(Object.is(back.timestamps[1], -0));
    assert.deepEqual([...back.timestamps], [1.25, -0, 3]);
  });

  it('encodes an append as the concatenation of both series', () => {
    const a = series([0, 1], [1, 2]);
    const b = series([2, 3, 4], [3, 4, 5]);
    const { count, blob } = encodeSeries(a, b);
    assert.equal(count, 5);
    assert.deepEqual(points(decodeSeries(blob, count)), points(series([0, 1, 2, 3, 4], [1, 2, 3, 4, 5])));
  });

  it('handles an empty series', () => {
    const { count, blob } = encodeSeries(series([], []));
    assert.equal(count, 0);
    assert.deepEqual(points(decodeSeries(blob, 0)), { steps: [], timestamps: [], values: [] });
  });

  it('packs steps and timestamps to a few bytes per point', () => {
    const n = 1000;
    const steps = Array.from({ length: n }, (_, i) => i);
    const { blob } = encodeSeries(series(steps, steps.map(Math.sqrt)));
    assert.ok(blob.byteLength < n * 12, `${blob.byteLength} bytes for ${n} points`);
  });

  it('rejects a blob that does not hold the stated number of points', () => {
    const { count, blob } = encodeSeries(series([0, 1, 2], [1, 2, 3]));
    assert.equal(decodeSeries(blob, count + 1), undefined);
    assert.equal(decodeSeries(blob.subarray(0, blob.byteLength - 1), count), undefined);
    assert.equal(decodeSeries(Uint8Array.of(...blob, 0), count), undefined);
    const badFlags = blob.slice();
    badFlags[count * 8] = 9;
    assert.equal(decodeSeries(badFlags, count), undefined);
  });
});
