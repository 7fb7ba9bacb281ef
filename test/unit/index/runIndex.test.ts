import assert from 'node:assert/strict';
import { RunIndex } from '../../../src/core/index/runIndex';
import type { Run } from '../../../src/core/runs/types';
import { append, delta, fileStore, makeExperiment, makeRun, points, series, sqliteStore } from './indexFixtures';

describe('RunIndex (in memory)', () => {
  let index: RunIndex;
  beforeEach(async () => {
    index = (await RunIndex.open({})).index;
  });
  afterEach(() => index.close());

  const byId = (runs: Run[]) => [...runs].sort((a, b) => a.runId.localeCompare(b.runId));

  it('returns runs and experiments deep-equal to what went in, edge values included', () => {
    const experiments = [makeExperiment(fileStore, '1', { metaPath: '/work/a/mlruns/1/meta.yaml' }), makeExperiment(fileStore, '2', { artifactLocation: null, creationTime: null, tags: {} })];
    const runs = [
      makeRun(fileStore, 'a1', {
        metaPath: '/work/a/mlruns/1/a1/meta.yaml',
        params: { 'model/depth': '8', 'ключ ✓': 'значение', '': 'empty key' },
        tags: { 'mlflow.parentRunId': 'p0', 'emoji 🚀': '' },
        metrics: {
          nan: { value: NaN, step: 0, timestamp: 1 },
          inf: { value: Infinity, step: 1, timestamp: 2 },
          ninf: { value: -Infinity, step: 2, timestamp: 3 },
          'val/acc': { value: 0.1 + 0.2, step: 2 ** 40, timestamp: 1700000000123 },
        },
        parentRunId: 'p0',
      }),
      makeRun(fileStore, 'b2', { startTime: null, endTime: null, artifactUri: null, userId: null, status: 'RUNNING', params: {}, tags: {}, metrics: {} }),
    ];
    // A key that plain assignment would swallow as the prototype.
    Object.defineProperty(runs[0].params, '__proto__', { value: 'proto', enumerable: true, writable: true, configurable: true });
    index.applyDelta(delta(fileStore, { experiments, runs }));

    assert.deepStrictEqual(index.experiments(), experiments);
    assert.deepStrictEqual(byId(index.runs()), byId(runs));
    assert.deepStrictEqual(index.run(fileStore.uri, 'a1'), runs[0]);
    assert.equal(index.run(fileStore.uri, 'missing'), undefined);
    assert.deepStrictEqual(index.stores(), [fileStore.uri]);
  });

  it('keys runs by (store, run id): two stores may hold copies of a run', () => {
    const inFile = makeRun(fileStore, 'same', { runName: 'from file' });
    const inDb = makeRun(sqliteStore, 'same', { runName: 'from db' });
    index.applyDelta(delta(fileStore, { runs: [inFile] }));
    index.applyDelta(delta(sqliteStore, { runs: [inDb] }));
    assert.deepStrictEqual(index.run(fileStore.uri, 'same'), inFile);
    assert.deepStrictEqual(index.run(sqliteStore.uri, 'same'), inDb);
    assert.equal(index.runs().length, 2);
    assert.deepStrictEqual(index.runs({ storeUri: sqliteStore.uri }), [inDb]);
    assert.deepStrictEqual(index.stores(), [fileStore.uri, sqliteStore.uri].sort());
  });

  it('replaces a run whole on upsert: params, tags and metrics no longer reported disappear', () => {
    index.applyDelta(delta(fileStore, { runs: [makeRun(fileStore, 'r', { params: { a: '1', b: '2' }, tags: { t: 'x' } })] }));
    const updated = makeRun(fileStore, 'r', { status: 'FAILED', params: { a: '3' }, tags: {}, metrics: { acc: { value: 0.9, step: 1, timestamp: 5 } } });
    index.applyDelta(delta(fileStore, { runs: [updated] }));
    assert.deepStrictEqual(index.runs(), [updated]);
  });

  it('filters runs by store, experiment and lifecycle', () => {
    index.applyDelta(delta(fileStore, {
      runs: [
        makeRun(fileStore, 'a', { experimentId: '1' }),
        makeRun(fileStore, 'b', { experimentId: '2' }),
        makeRun(fileStore, 'c', { experimentId: '2', lifecycleStage: 'deleted' }),
      ],
    }));
    assert.deepStrictEqual(index.runs().map((r) => r.runId).sort(), ['a', 'b']);
    assert.deepStrictEqual(index.runs({ includeDeleted: true }).map((r) => r.runId).sort(), ['a', 'b', 'c']);
    assert.deepStrictEqual(index.runs({ experimentId: '2' }).map((r) => r.runId), ['b']);
    assert.deepStrictEqual(index.runs({ experimentId: '2', includeDeleted: true, storeUri: fileStore.uri }).map((r) => r.runId).sort(), ['b', 'c']);
    assert.deepStrictEqual(index.runs({ storeUri: 'file:///elsewhere' }), []);
  });

  it('lists runs newest first, runs without a start time last', () => {
    index.applyDelta(delta(fileStore, {
      runs: [makeRun(fileStore, 'old', { startTime: 1 }), makeRun(fileStore, 'none', { startTime: null }), makeRun(fileStore, 'new', { startTime: 3 })],
    }));
    assert.deepStrictEqual(index.runs().map((r) => r.runId), ['new', 'old', 'none']);
  });

  it('appends metric points to one series per (store, run, key); the latest metric comes from the delta run', () => {
    const run = makeRun(fileStore, 'r', { metrics: { loss: { value: 0.8, step: 1, timestamp: 1700000001000 } } });
    index.applyDelta(delta(fileStore, { runs: [run], appends: [append('r', 'loss', series([0, 1], [0.9, 0.8]), true)] }));
    assert.deepStrictEqual(points(index.metricHistory(fileStore.uri, 'r', 'loss')), points(series([0, 1], [0.9, 0.8])));

    const later = makeRun(fileStore, 'r', { metrics: { loss: { value: 0.6, step: 3, timestamp: 1700000003000 } } });
    index.applyDelta(delta(fileStore, { runs: [later], appends: [append('r', 'loss', series([2, 3], [0.7, 0.6]))] }));
    assert.deepStrictEqual(points(index.metricHistory(fileStore.uri, 'r', 'loss')), points(series([0, 1, 2, 3], [0.9, 0.8, 0.7, 0.6])));
    assert.deepStrictEqual(index.run(fileStore.uri, 'r')?.metrics, later.metrics);

    // The same run id in another store has its own history.
    index.applyDelta(delta(sqliteStore, { appends: [append('r', 'loss', series([0], [5]), true)] }));
    assert.deepStrictEqual(points(index.metricHistory(sqliteStore.uri, 'r', 'loss')), points(series([0], [5])));
    assert.equal(index.metricHistory(fileStore.uri, 'r', 'loss')?.values.length, 4);
    assert.equal(index.metricHistory(fileStore.uri, 'r', 'other'), undefined);
  });

  it('drops a tail whose beginning it never had: a partial history is no history', () => {
    index.applyDelta(delta(fileStore, { runs: [makeRun(fileStore, 'r')], appends: [append('r', 'loss', series([7, 8], [0.2, 0.1]))] }));
    assert.equal(index.metricHistory(fileStore.uri, 'r', 'loss'), undefined);
  });

  it('replaces a series when the append says the history was rewritten', () => {
    index.applyDelta(delta(fileStore, { runs: [makeRun(fileStore, 'r')], appends: [append('r', 'loss', series([0, 1, 2], [3, 2, 1]), true)] }));
    index.applyDelta(delta(fileStore, { appends: [append('r', 'loss', series([0], [NaN]), true)] }));
    const back = index.metricHistory(fileStore.uri, 'r', 'loss');
    assert.deepEqual([...back!.steps], [0]);
    assert.ok(Number.isNaN(back!.values[0]));
  });

  it('removes runs (with their histories) and experiments (with their runs)', () => {
    index.applyDelta(delta(fileStore, {
      experiments: [makeExperiment(fileStore, '1'), makeExperiment(fileStore, '2')],
      runs: [makeRun(fileStore, 'a', { experimentId: '1' }), makeRun(fileStore, 'b', { experimentId: '1' }), makeRun(fileStore, 'c', { experimentId: '2' })],
      appends: [append('a', 'loss', series([0], [1]), true), append('c', 'loss', series([0], [1]), true)],
    }));
    index.applyDelta(delta(fileStore, { appends: [append('no-row', 'loss', series([0], [1]), true)] }));
    assert.equal(index.metricHistory(fileStore.uri, 'no-row', 'loss')?.values.length, 1);
    index.applyDelta(delta(fileStore, { removedRunIds: ['a', 'no-row'] }));
    assert.deepStrictEqual(index.runs().map((r) => r.runId).sort(), ['b', 'c']);
    assert.equal(index.metricHistory(fileStore.uri, 'a', 'loss'), undefined);
    assert.equal(index.metricHistory(fileStore.uri, 'no-row', 'loss'), undefined);

    index.applyDelta(delta(fileStore, { removedExperimentIds: ['2'] }));
    assert.deepStrictEqual(index.experiments().map((e) => e.experimentId), ['1']);
    assert.deepStrictEqual(index.runs().map((r) => r.runId), ['b']);
    assert.equal(index.metricHistory(fileStore.uri, 'c', 'loss'), undefined);
  });

  it('removes a store with everything read from it, leaving other stores alone', () => {
    index.applyDelta(delta(fileStore, { experiments: [makeExperiment(fileStore, '1')], runs: [makeRun(fileStore, 'a')], appends: [append('a', 'loss', series([0], [1]), true)] }));
    index.applyDelta(delta(sqliteStore, { experiments: [makeExperiment(sqliteStore, '1')], runs: [makeRun(sqliteStore, 'a')] }));
    index.setReaderState(fileStore.uri, { offsets: { x: 1 } });
    index.removeStore(fileStore.uri);
    assert.deepStrictEqual(index.stores(), [sqliteStore.uri]);
    assert.deepStrictEqual(index.experiments().map((e) => e.store.uri), [sqliteStore.uri]);
    assert.deepStrictEqual(index.runs().map((r) => r.store.uri), [sqliteStore.uri]);
    assert.equal(index.metricHistory(fileStore.uri, 'a', 'loss'), undefined);
    assert.equal(index.readerState(fileStore.uri), undefined);
    assert.deepStrictEqual(index.experiments(fileStore.uri), []);
  });

  it('applies a delta in one transaction: a failing run leaves nothing of the delta behind', () => {
    const bad = makeRun(fileStore, 'bad', { runName: null as unknown as string });
    assert.throws(() => index.applyDelta(delta(fileStore, { runs: [makeRun(fileStore, 'good'), bad] })));
    assert.deepStrictEqual(index.runs(), []);
    assert.deepStrictEqual(index.stores(), []);
    index.applyDelta(delta(fileStore, { runs: [makeRun(fileStore, 'good')] }));
    assert.deepStrictEqual(index.runs().map((r) => r.runId), ['good']);
  });

  it('round-trips reader state as JSON, per store', () => {
    assert.equal(index.readerState(fileStore.uri), undefined);
    const state = { version: 1, files: { 'a/b': { size: 10, mtime: 1.5 } }, names: ['ü'] };
    index.setReaderState(fileStore.uri, state);
    index.setReaderState(sqliteStore.uri, { lastId: 3 });
    assert.deepStrictEqual(index.readerState(fileStore.uri), state);
    assert.deepStrictEqual(index.readerState(sqliteStore.uri), { lastId: 3 });
    index.setReaderState(fileStore.uri, undefined);
    assert.equal(index.readerState(fileStore.uri), undefined);
  });

  describe('topRunsByMetric', () => {
    beforeEach(() => {
      const acc = (value: number) => ({ acc: { value, step: 0, timestamp: 0 } });
      index.applyDelta(delta(fileStore, {
        runs: [
          makeRun(fileStore, 'r1', { metrics: acc(0.5), experimentId: '1' }),
          makeRun(fileStore, 'r2', { metrics: acc(0.9), experimentId: '2' }),
          makeRun(fileStore, 'r3', { metrics: acc(0.1), experimentId: '1' }),
          makeRun(fileStore, 'r4', { metrics: acc(NaN), experimentId: '1' }),
          makeRun(fileStore, 'r5', { metrics: acc(Infinity), experimentId: '1', lifecycleStage: 'deleted' }),
          makeRun(fileStore, 'r6', { metrics: {}, experimentId: '1' }),
          makeRun(fileStore, 'r7', { metrics: acc(-Infinity), experimentId: '2' }),
        ],
      }));
      index.applyDelta(delta(sqliteStore, { runs: [makeRun(sqliteStore, 's1', { metrics: acc(0.7) })] }));
    });
    const ids = (runs: Run[]) => runs.map((r) => r.runId);

    it('orders by the latest value, NaN last, skipping runs without the metric and deleted runs', () => {
      assert.deepStrictEqual(ids(index.topRunsByMetric('acc', 10, 'desc')), ['r2', 's1', 'r1', 'r3', 'r7', 'r4']);
      assert.deepStrictEqual(ids(index.topRunsByMetric('acc', 10, 'asc')), ['r7', 'r3', 'r1', 's1', 'r2', 'r4']);
    });

    it('honours the limit and the filters, and returns full runs', () => {
      assert.deepStrictEqual(ids(index.topRunsByMetric('acc', 2, 'desc')), ['r2', 's1']);
      assert.deepStrictEqual(ids(index.topRunsByMetric('acc', 10, 'desc', { storeUri: fileStore.uri, experimentId: '1' })), ['r1', 'r3', 'r4']);
      assert.deepStrictEqual(ids(index.topRunsByMetric('acc', 10, 'asc', { storeUri: sqliteStore.uri })), ['s1']);
      assert.deepStrictEqual(index.topRunsByMetric('acc', 1, 'desc')[0], index.run(fileStore.uri, 'r2'));
      assert.deepStrictEqual(index.topRunsByMetric('acc', 0, 'desc'), []);
      assert.deepStrictEqual(index.topRunsByMetric('missing', 5, 'desc'), []);
    });
  });
});
