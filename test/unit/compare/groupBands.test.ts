import assert from 'node:assert/strict';
import { groupBand, groupRuns } from '../../../src/core/compare/groupBands';
import { makeRun } from '../filter/makeRun';
import { randomWalk, series } from './seriesHelpers';

describe('groupRuns', () => {
  const runs = [
    makeRun({ runId: 'a', params: { seed: '10' }, tags: { model: 'cnn' } }),
    makeRun({ runId: 'b', params: { seed: '2' }, tags: { model: 'mlp' } }),
    makeRun({ runId: 'c', params: {} , tags: { model: 'cnn' } }),
    makeRun({ runId: 'd', params: { seed: '2' } }),
  ];

  it('groups by a param in natural order, runs without it last as (none)', () => {
    const groups = groupRuns(runs, 'params.seed');
    assert.deepEqual([...groups.keys()], ['2', '10', '(none)']);
    assert.deepEqual(groups.get('2')?.map((r) => r.runId), ['b', 'd']);
    assert.deepEqual(groups.get('(none)')?.map((r) => r.runId), ['c']);
  });

  it('orders numeric groups by value (0.05 before 0.1), not as text', () => {
    const lrs = [makeRun({ runId: 'x', params: { lr: '0.1' } }), makeRun({ runId: 'y', params: { lr: '0.05' } }), makeRun({ runId: 'z', params: { lr: '1e-3' } })];
    assert.deepEqual([...groupRuns(lrs, 'params.lr').keys()], ['1e-3', '0.05', '0.1']);
  });

  it('groups by a tag, and rejects a key that is neither', () => {
    assert.deepEqual([...groupRuns(runs, 'tags.model')].map(([k, v]) => [k, v.map((r) => r.runId)]), [['cnn', ['a', 'c']], ['mlp', ['b']], ['(none)', ['d']]]);
    assert.throws(() => groupRuns(runs, 'seed'), /params\.<name>, tags\.<name>/);
    assert.throws(() => groupRuns(runs, 'metrics.loss'), /not a run key/);
  });
});

describe('groupBand', () => {
  // a covers x 0..4, b only 0..2 (shorter run), c starts late at 1.5.
  const a = series([0, 1, 2, 3, 4], [0, 1, 2, 3, 4]);
  const b = series([0, 2], [10, 12]);

  it('averages unequal-length runs on the union of xs, interpolating inside each run and never extrapolating', () => {
    const band = groupBand('g', ['a', 'b'], [a, b], 'minmax', 100);
    assert.deepEqual([...band.xs], [0, 1, 2, 3, 4]);
    // x=1: b interpolated to 11, so (1 + 11) / 2; x=3, 4: only a.
    assert.deepEqual([...band.mean], [5, 6, 7, 3, 4]);
    assert.deepEqual([...band.lo], [0, 1, 2, 3, 4]);
    assert.deepEqual([...band.hi], [10, 11, 12, 3, 4]);
    assert.equal(band.group, 'g');
    assert.deepEqual(band.runIds, ['a', 'b']);
  });

  it('adds the xs of a run that starts late and interpolates the others there', () => {
    const c = series([1.5, 3.5], [0, 4]);
    const band = groupBand('g', ['a', 'b', 'c'], [a, b, c], 'minmax', 100);
    assert.deepEqual([...band.xs], [0, 1, 1.5, 2, 3, 3.5, 4]);
    // x=1.5: a 1.5, b 11.5, c 0; x=2: a 2, b 12, c 1; x=3.5: a 3.5, c 4; x=4: a only.
    assert.deepEqual([...band.mean], [5, 6, 13 / 3, 5, (3 + 3) / 2, 3.75, 4]);
  });

  it('draws a population standard deviation band', () => {
    const band = groupBand('g', ['a', 'b'], [a, b], 'std', 100);
    // x=0: values 0 and 10, mean 5, std 5; x=3: one value, std 0.
    assert.deepEqual([...band.lo], [0, 1, 2, 3, 4]);
    assert.deepEqual([...band.hi], [10, 11, 12, 3, 4]);
    const three = groupBand('g', ['x', 'y', 'z'], [series([0], [1]), series([0], [2]), series([0], [6])], 'std', 100);
    const std = Math.sqrt(((1 - 3) ** 2 + (2 - 3) ** 2 + (6 - 3) ** 2) / 3);
    assert.ok(Math.abs(three.hi[0] - (3 + std)) < 1e-12 && Math.abs(three.lo[0] - (3 - std)) < 1e-12);
  });

  it('leaves NaN points out instead of poisoning the mean', () => {
    const withNaN = series([0, 1, 2], [10, NaN, 12]);
    const band = groupBand('g', ['a', 'n'], [a, withNaN], 'minmax', 100);
    // n's NaN at x=1 is skipped: n is interpolated between 10 and 12 there.
    assert.equal(band.mean[1], (1 + 11) / 2);
  });

  it('decimates to maxPoints, keeping the band around every dropped point', () => {
    const runs = [randomWalk(10_000, 1), randomWalk(8_000, 2), randomWalk(12_000, 3)];
    const full = groupBand('g', ['1', '2', '3'], runs, 'minmax', Infinity);
    const small = groupBand('g', ['1', '2', '3'], runs, 'minmax', 300);
    assert.ok(full.xs.length > 20_000);
    assert.ok(small.xs.length <= 300 && small.xs.length > 250, String(small.xs.length));
    assert.equal(small.xs[0], full.xs[0]);
    assert.equal(small.xs[small.xs.length - 1], full.xs[full.xs.length - 1]);
    assert.equal(Math.min(...small.lo), Math.min(...full.lo));
    assert.equal(Math.max(...small.hi), Math.max(...full.hi));
    assert.equal(Math.min(...small.mean), Math.min(...full.mean));
    assert.equal(Math.max(...small.mean), Math.max(...full.mean));
    for (let k = 0; k < small.xs.length; k++) assert.ok(small.lo[k] <= small.mean[k] && small.mean[k] <= small.hi[k]);
  });
});
