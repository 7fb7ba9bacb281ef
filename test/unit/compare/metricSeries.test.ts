import assert from 'node:assert/strict';
import { toXYSeries } from '../../../src/core/compare/metricSeries';
import type { MetricPoint, MetricSeries } from '../../../src/core/runs/types';

const points: MetricPoint[] = [
  { step: 2, timestamp: 1_700_000_000_300, value: 0.3 },
  { step: 0, timestamp: 1_700_000_000_100, value: 0.1 },
  { step: 1, timestamp: 1_700_000_000_200, value: 0.2 },
  { step: 1, timestamp: 1_700_000_000_250, value: 0.25 },
];

function columnar(p: readonly MetricPoint[]): MetricSeries {
  return {
    steps: Float64Array.from(p, (q) => q.step),
    timestamps: Float64Array.from(p, (q) => q.timestamp),
    values: Float64Array.from(p, (q) => q.value),
  };
}

describe('toXYSeries', () => {
  it('sorts by step, equal steps in log order', () => {
    const s = toXYSeries(points, 'step');
    assert.deepEqual([...s.xs], [0, 1, 1, 2]);
    assert.deepEqual([...s.ys], [0.1, 0.2, 0.25, 0.3]);
  });

  it('plots wall time as epoch ms and relative time from the earliest point', () => {
    assert.deepEqual([...toXYSeries(points, 'wallTime').xs], [1_700_000_000_100, 1_700_000_000_200, 1_700_000_000_250, 1_700_000_000_300]);
    const relative = toXYSeries(points, 'relativeTime');
    assert.deepEqual([...relative.xs], [0, 100, 150, 200]);
    assert.deepEqual([...relative.ys], [0.1, 0.2, 0.25, 0.3]);
  });

  it('gives the same result for a columnar series, in new arrays', () => {
    const input = columnar(points);
    for (const axis of ['step', 'wallTime', 'relativeTime'] as const) {
      const a = toXYSeries(points, axis);
      const b = toXYSeries(input, axis);
      assert.deepEqual([...b.xs], [...a.xs]);
      assert.deepEqual([...b.ys], [...a.ys]);
    }
    const sorted = columnar([{ step: 0, timestamp: 5, value: 1 }, { step: 1, timestamp: 6, value: 2 }]);
    const s = toXYSeries(sorted, 'step');
    assert.notEqual(s.xs, sorted.steps);
    assert.notEqual(s.ys, sorted.values);
    assert.deepEqual([...s.ys], [1, 2]);
  });

  it('keeps NaN values and handles an empty history', () => {
    const s = toXYSeries([{ step: 1, timestamp: 1, value: NaN }, { step: 0, timestamp: 0, value: 1 }], 'step');
    assert.deepEqual([...s.xs], [0, 1]);
    assert.ok(Number.isNaN(s.ys[1]));
    assert.equal(toXYSeries([], 'relativeTime').xs.length, 0);
  });
});
