import assert from 'node:assert/strict';
import { FilterSyntaxError } from '../../../src/core/runs/filter/filterSyntaxError';
import { parseOrderBy } from '../../../src/core/runs/filter/parseOrderBy';
import { sortRuns } from '../../../src/core/runs/filter/sortRuns';
import { makeRun } from './makeRun';

const ids = (runs: Array<{ runId: string }>) => runs.map((r) => r.runId);

describe('parseOrderBy', () => {
  it('parses a comma-separated list with optional, case-insensitive directions', () => {
    assert.deepEqual(parseOrderBy('metrics.accuracy DESC, params.lr, attributes.start_time asc, tags.`a b` Desc, created'), [
      { type: 'metric', key: 'accuracy', ascending: false },
      { type: 'param', key: 'lr', ascending: true },
      { type: 'attribute', key: 'start_time', ascending: true },
      { type: 'tag', key: 'a b', ascending: false },
      { type: 'attribute', key: 'start_time', ascending: true },
    ]);
    assert.deepEqual(parseOrderBy(''), []);
  });

  it('reports errors with the column of the bad token', () => {
    const cases: Array<[string, number, RegExp]> = [
      ['metrics.acc DOWN', 12, /Expected ASC, DESC, ',' or the end of the order-by after 'metrics\.acc' at column 13, found 'DOWN'/],
      ['metrics.acc DESC x', 17, /after 'metrics\.acc DESC'/],
      ['metrics.acc,', 12, /found the end of the order-by/],
      ['foo DESC', 0, /Unknown attribute 'foo'/],
      ["`Run name`", 0, /Unknown attribute/],
    ];
    for (const [text, column, message] of cases) {
      let error: unknown;
      try {
        parseOrderBy(text);
      } catch (e) {
        error = e;
      }
      assert.ok(error instanceof FilterSyntaxError, text);
      assert.equal(error.column, column, `${text}: ${error.message}`);
      assert.match(error.message, message);
    }
  });
});

describe('sortRuns', () => {
  const a = makeRun({ runId: 'a', startTime: 300, metrics: { acc: 0.5 }, params: { lr: '0.1' } });
  const b = makeRun({ runId: 'b', startTime: 200, metrics: { acc: 0.9 }, params: { lr: '0.01' } });
  const c = makeRun({ runId: 'c', startTime: 100, metrics: {}, params: { lr: '1e-3' } });
  const d = makeRun({ runId: 'd', startTime: 400, metrics: { acc: NaN }, params: {} });
  const e = makeRun({ runId: 'e', startTime: 300, metrics: { acc: 0.5 } });

  it('defaults to start_time DESC, then run_id ASC', () => {
    assert.deepEqual(ids(sortRuns([c, e, b, a, d], [])), ['d', 'a', 'e', 'b', 'c']);
  });

  it('puts runs without a start time last in the default order', () => {
    const n = makeRun({ runId: '0', startTime: null });
    assert.deepEqual(ids(sortRuns([n, c, b], [])), ['b', 'c', '0']);
  });

  it('sorts metrics numerically with NaN, then missing, last in both directions', () => {
    assert.deepEqual(ids(sortRuns([a, b, c, d], parseOrderBy('metrics.acc DESC'))), ['b', 'a', 'd', 'c']);
    assert.deepEqual(ids(sortRuns([a, b, c, d], parseOrderBy('metrics.acc ASC'))), ['a', 'b', 'd', 'c']);
  });

  it('sorts params as strings, missing last', () => {
    assert.deepEqual(ids(sortRuns([a, b, c, d], parseOrderBy('params.lr'))), ['b', 'a', 'c', 'd']);
    assert.deepEqual(ids(sortRuns([a, b, c, d], parseOrderBy('params.lr DESC'))), ['c', 'a', 'b', 'd']);
  });

  it('breaks ties with the next order, then the default order', () => {
    assert.deepEqual(ids(sortRuns([e, a, b], parseOrderBy('metrics.acc'))), ['a', 'e', 'b']);
    const tied = [makeRun({ runId: 'y', startTime: 5, metrics: { acc: 1 } }), makeRun({ runId: 'x', startTime: 5, metrics: { acc: 1 } }), makeRun({ runId: 'z', startTime: 9, metrics: { acc: 1 } })];
    assert.deepEqual(ids(sortRuns(tied, parseOrderBy('metrics.acc DESC'))), ['z', 'x', 'y']);
    assert.deepEqual(ids(sortRuns([a, e, b], parseOrderBy('metrics.acc DESC, run_id DESC'))), ['b', 'e', 'a']);
  });

  it('sorts by string and time attributes', () => {
    const r1 = makeRun({ runId: 'r1', runName: 'beta', endTime: null });
    const r2 = makeRun({ runId: 'r2', runName: 'alpha', endTime: 10 });
    assert.deepEqual(ids(sortRuns([r1, r2], parseOrderBy('run_name'))), ['r2', 'r1']);
    assert.deepEqual(ids(sortRuns([r2, r1], parseOrderBy('attributes.end_time DESC'))), ['r2', 'r1']);
    assert.deepEqual(ids(sortRuns([r1, r2], parseOrderBy('end_time ASC'))), ['r2', 'r1']);
  });

  it('does not modify its input', () => {
    const input = [c, a];
    sortRuns(input, []);
    assert.deepEqual(ids(input), ['c', 'a']);
  });
});
