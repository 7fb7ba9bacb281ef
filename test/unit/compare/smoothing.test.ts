import assert from 'node:assert/strict';
import { emaSmooth } from '../../../src/core/compare/smoothing';

function close(actual: Float64Array, expected: number[]): void {
  assert.equal(actual.length, expected.length);
  expected.forEach((e, i) => {
    if (actual[i] === e) return;
    if (Number.isNaN(e)) assert.ok(Number.isNaN(actual[i]), `index ${i}: expected NaN, got ${actual[i]}`);
    else assert.ok(Math.abs(actual[i] - e) < 1e-12, `index ${i}: expected ${e}, got ${actual[i]}`);
  });
}

describe('emaSmooth', () => {
  it('matches a hand computation of the debiased average', () => {
    // weight 0.6: avg1 = 0.4*2 = 0.8, /(1-0.6) = 2; avg2 = 0.6*0.8 + 0.4*4 = 2.08, /(1-0.36) = 3.25;
    // avg3 = 0.6*2.08 + 0.4*8 = 4.448, /(1-0.216) = 5.673469...
    close(emaSmooth(Float64Array.from([2, 4, 8]), 0.6), [2, 3.25, 4.448 / 0.784]);
  });

  it('passes NaN through without poisoning the average', () => {
    // weight 0.5: 1/0.5 = 1; (0.25+1)/0.75 = 5/3; NaN; (0.625+2)/0.875 = 3 (the NaN does not count as a step).
    close(emaSmooth(Float64Array.from([1, 2, NaN, 4]), 0.5), [1, 5 / 3, NaN, 3]);
    close(emaSmooth(Float64Array.from([NaN, 3, Infinity, 3]), 0.9), [NaN, 3, Infinity, 3]);
  });

  it('is the identity at weight 0 and stays finite at weight 1', () => {
    close(emaSmooth(Float64Array.from([5, -1, 7]), 0), [5, -1, 7]);
    const top = emaSmooth(Float64Array.from([1, 2, 3]), 1);
    assert.ok(top.every(Number.isFinite));
    assert.ok(Math.abs(top[0] - 1) < 1e-9);
    assert.equal(emaSmooth(new Float64Array(0), 0.5).length, 0);
  });
});
