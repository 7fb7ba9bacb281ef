import assert from 'node:assert/strict';
import { parallelCoordinates, paramVsMetric } from '../../../src/core/compare/paramPlots';
import { makeRun } from '../filter/makeRun';

const runs = [
  makeRun({ runId: 'a', params: { lr: '0.1', opt: 'sgd', depth: '10' }, metrics: { acc: 0.7 } }),
  makeRun({ runId: 'b', params: { lr: '0.01', opt: 'adam', depth: '2' }, metrics: { acc: 0.9, loss: 0.1 } }),
  makeRun({ runId: 'c', params: { lr: '1e-3', opt: 'adamw', depth: 'deep' }, metrics: { acc: NaN, loss: 0.3 } }),
  makeRun({ runId: 'd', params: { opt: 'adam' }, metrics: { acc: 0.8 } }),
];

describe('paramVsMetric', () => {
  it('plots a numeric param as numbers, skipping runs without a finite metric or the param', () => {
    const plot = paramVsMetric(runs, 'lr', 'acc');
    assert.equal(plot.kind, 'numeric');
    assert.equal(plot.categories, undefined);
    assert.deepEqual(plot.points, [{ runId: 'a', x: 0.1, y: 0.7 }, { runId: 'b', x: 0.01, y: 0.9 }]);
  });

  it('plots a categorical param by category index, categories in natural order', () => {
    const plot = paramVsMetric(runs, 'opt', 'acc');
    assert.equal(plot.kind, 'categorical');
    assert.deepEqual(plot.categories, ['adam', 'sgd']);
    assert.deepEqual(plot.points, [{ runId: 'a', x: 1, y: 0.7 }, { runId: 'b', x: 0, y: 0.9 }, { runId: 'd', x: 0, y: 0.8 }]);
    const mixed = paramVsMetric(runs, 'depth', 'loss');
    assert.equal(mixed.kind, 'categorical');
    assert.deepEqual(mixed.categories, ['2', 'deep']);
  });
});

describe('parallelCoordinates', () => {
  it('builds numeric and categorical axes with each run placed, null where missing', () => {
    const pc = parallelCoordinates(runs, ['params.lr', 'params.opt', 'metrics.loss', 'params.depth']);
    assert.deepEqual(pc.axes, [
      { key: 'params.lr', kind: 'numeric', min: 0.001, max: 0.1 },
      { key: 'params.opt', kind: 'categorical', min: 0, max: 2, categories: ['adam', 'adamw', 'sgd'] },
      { key: 'metrics.loss', kind: 'numeric', min: 0.1, max: 0.3 },
      { key: 'params.depth', kind: 'categorical', min: 0, max: 2, categories: ['2', '10', 'deep'] },
    ]);
    assert.deepEqual(pc.lines, [
      { runId: 'a', values: [0.1, 2, null, 1] },
      { runId: 'b', values: [0.01, 0, 0.1, 0] },
      { runId: 'c', values: [0.001, 1, 0.3, 2] },
      { runId: 'd', values: [null, 0, null, null] },
    ]);
  });

  it('treats a NaN metric as missing and rejects an unknown key', () => {
    const pc = parallelCoordinates(runs, ['metrics.acc']);
    assert.deepEqual(pc.axes[0], { key: 'metrics.acc', kind: 'numeric', min: 0.7, max: 0.9 });
    assert.equal(pc.lines[2].values[0], null);
    assert.throws(() => parallelCoordinates(runs, ['lr']), /not a run key/);
  });
});
