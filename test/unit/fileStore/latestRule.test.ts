import assert from 'node:assert/strict';
import { MetricSeriesBuilder } from '../../../src/core/mlflow/fileStore/metricSeriesBuilder';
import { latestOf } from '../../../src/core/runs/latestMetric';

describe('MetricSeriesBuilder latest point', () => {
  const fold = (points: [number, number, number][]) => {
    const b = new MetricSeriesBuilder({ keepPoints: false });
    for (const [t, v, s] of points) b.push(t, v, s);
    return b.latest();
  };

  it('takes the max by step, then timestamp, then value, as MLflow does', () => {
    assert.deepEqual(fold([[5, 1, 2], [9, 0, 1], [4, 3, 2]]), { timestamp: 5, value: 1, step: 2 });
    assert.deepEqual(fold([[5, 1, 2], [5, 3, 2], [5, 2, 2]]), { timestamp: 5, value: 3, step: 2 });
    assert.deepEqual(fold([[1, NaN, 0], [1, -5, 0]]), { timestamp: 1, value: -5, step: 0 });
  });

  it('agrees with latestOf on random points, including NaN', () => {
    for (let n = 0; n < 200; n++) {
      const pts: [number, number, number][] = Array.from({ length: 20 }, () => [
        Math.floor(Math.random() * 3),
        Math.random() < 0.2 ? NaN : Math.floor(Math.random() * 4),
        Math.floor(Math.random() * 3),
      ]);
      const expected = latestOf(pts.map(([timestamp, value, step]) => ({ timestamp, value, step })));
      assert.deepEqual(fold(pts), expected);
    }
  });

  it('folds appends into the latest known so far', () => {
    const b = new MetricSeriesBuilder({ latest: { step: 10, timestamp: 1, value: 0.5 } });
    b.push(2, 0.9, 3);
    assert.deepEqual(b.latest(), { step: 10, timestamp: 1, value: 0.5 });
    assert.equal(b.toSeries().values.length, 1);
  });

  it('thins kept points past maxPoints but still sees every point for the latest', () => {
    const b = new MetricSeriesBuilder({ maxPoints: 100 });
    for (let i = 0; i < 1000; i++) b.push(i, i, i);
    const s = b.toSeries();
    assert.ok(s.steps.length <= 100 && s.steps.length >= 50, String(s.steps.length));
    assert.ok(b.thinned);
    assert.equal(b.latest()?.step, 999);
    // an even sample: equally spaced steps from 0
    const gap = s.steps[1] - s.steps[0];
    assert.ok(Array.from(s.steps).every((v, i) => v === i * gap));
  });
});
