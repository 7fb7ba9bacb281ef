// The host side of the Compare panel without VS Code: the session's messages, the history cache, the table wire
// format and the page's CSP.
import assert from 'node:assert/strict';
import { CompareSession } from '../../../src/features/compare/compareSession';
import { HistoryCache } from '../../../src/features/compare/historyCache';
import { formatDelta, tableToWire } from '../../../src/features/compare/tableWire';
import { buildCompareTable } from '../../../src/core/compare/compareTable';
import type { MetricPoint, MetricSeries, Run } from '../../../src/core/runs/types';
import { defaultViewState, MAX_POINTS_PER_SERIES, type CompareRunRef } from '../../../src/protocol/compare';
import { makeRun } from '../runs/makeRun';

function series(n: number, f: (i: number) => number, t0 = 1_700_000_000_000): MetricSeries {
  return {
    steps: Float64Array.from({ length: n }, (_, i) => i),
    timestamps: Float64Array.from({ length: n }, (_, i) => t0 + i * 1000),
    values: Float64Array.from({ length: n }, (_, i) => f(i)),
  };
}

const latest = (value: number, step: number) => ({ value, step, timestamp: 0 });

function fixture(histories: Record<string, MetricSeries>, runs: Run[]) {
  const reads: string[] = [];
  const cache = new HistoryCache(async (_store, runId, key) => {
    reads.push(`${runId}/${key}`);
    const h = histories[`${runId}/${key}`];
    if (!h) throw new Error(`no history ${runId}/${key}`);
    return h;
  });
  let current = runs;
  const session = (view = defaultViewState(), maxPoints = MAX_POINTS_PER_SERIES) => new CompareSession(
    runs.map((r): CompareRunRef => ({ storeUri: r.store.uri, runId: r.runId })), view,
    { findRun: (ref) => current.find((r) => r.runId === ref.runId), experimentName: () => 'exp', histories: cache, maxPoints },
  );
  return { cache, reads, session, setRuns: (next: Run[]) => { current = next; } };
}

describe('Compare host: session', () => {
  const a = makeRun('a', { runName: 'alpha', params: { lr: '0.1', seed: '1' }, metrics: { loss: latest(0.1, 99_999) } });
  const b = makeRun('b', { runName: 'beta', params: { lr: '0.01', seed: '1' }, metrics: { loss: latest(0.2, 99_999), acc: latest(0.9, 3) } });
  const long = series(100_000, (i) => 1 / (1 + i) + (i === 50_000 ? 5 : 0));

  it('sends the table, the metrics and the first chart decimated to at most 2,000 points per run, spikes kept', async () => {
    const f = fixture({ 'a/loss': long, 'b/loss': series(100_000, (i) => 2 / (1 + i)), 'b/acc': series(4, (i) => i / 4) }, [a, b]);
    const state = await f.session().stateMessage(1);
    assert.deepEqual(state.metrics.map((m) => [m.key, m.runCount]), [['acc', 1], ['loss', 2]]);
    assert.deepEqual(state.table.rows.filter((r) => r.differs && r.section === 'param').map((r) => r.key), ['lr']);
    assert.equal(state.charts.length, 1);
    assert.equal(state.charts[0].metric, 'acc', 'the first metric in natural order');
    const loss = await f.session().chart('loss', null, 7);
    assert.equal(loss.requestId, 7);
    assert.deepEqual(loss.extent, [0, 99_999]);
    for (const s of loss.series) {
      assert.ok(s.xs.length <= MAX_POINTS_PER_SERIES, `${s.xs.length} points`);
      assert.equal(s.sourcePoints, 100_000);
      assert.ok(s.xs instanceof Float32Array && s.ys instanceof Float32Array);
    }
    const alpha = loss.series.find((s) => s.runId === 'a');
    assert.ok(alpha && Math.max(...alpha.ys) > 5, 'min-max decimation keeps the spike at step 50,000');
    assert.equal(alpha.x0 + alpha.xs[alpha.xs.length - 1], 99_999, 'the last point is kept');
  });

  it('has a state shell ready before any history is read, naming the charts that follow it', async () => {
    const f = fixture({ 'a/loss': long, 'b/loss': series(10, (i) => i), 'b/acc': series(4, (i) => i / 4) }, [a, b]);
    const s = f.session();
    const shell = s.stateShell(1);
    assert.equal(f.reads.length, 0, 'nothing read for the shell');
    assert.deepEqual(shell.charts, []);
    assert.deepEqual(shell.chartsToFollow, ['acc']);
    assert.deepEqual(shell.table.runIds, ['a', 'b']);
    assert.deepEqual(s.stateShell(5).chartsToFollow, ['acc', 'loss']);
    const full = await s.stateMessage(1);
    assert.deepEqual(full.chartsToFollow, [], 'a state that carries its charts names none to follow');
    assert.deepEqual(full.charts.map((c) => c.metric), ['acc']);
  });

  it('reads ahead the first chart of runs being picked, so the panel opened on them reads nothing again', async () => {
    const f = fixture({ 'a/loss': long, 'b/loss': series(10, (i) => i), 'b/acc': series(4, (i) => i / 4) }, [a, b]);
    assert.equal(await f.session().prefetchFirstChart(), 'acc', 'the chart a new panel draws first');
    assert.deepEqual(f.reads, ['b/acc'], 'only the runs that logged it, only that metric');
    const panel = f.session();
    const first = await panel.chart(panel.stateShell(1).chartsToFollow[0], null, 0);
    assert.equal(first.series[0].xs.length, 4);
    assert.deepEqual(f.reads, ['b/acc'], 'the panel found it read');
    const none = makeRun('n', { metrics: {} });
    assert.equal(await fixture({}, [none]).session().prefetchFirstChart(), undefined, 'no metric, nothing to read');
  });

  it('re-decimates a zoomed range at full detail from the cache, without reading again', async () => {
    const f = fixture({ 'a/loss': long }, [a]);
    const s = f.session();
    await s.chart('loss', null, 1);
    const zoomed = await s.chart('loss', [1000, 1999], 2);
    assert.equal(f.reads.length, 1, 'one read for both');
    const line = zoomed.series[0];
    assert.equal(line.xs.length, 1002, 'the 1,000 points in range and a neighbour either side, undecimated');
    assert.equal(line.x0, 999);
    assert.deepEqual(zoomed.range, [1000, 1999]);
  });

  it('sends whole histories when maxPoints is Infinity (the benchmark baseline)', async () => {
    const f = fixture({ 'a/loss': long }, [a]);
    const chart = await f.session(defaultViewState(), Infinity).chart('loss', null, 1);
    assert.equal(chart.series[0].xs.length, 100_000);
  });

  it('plots wall time as float32 offsets from a float64 origin', async () => {
    const f = fixture({ 'b/acc': series(4, (i) => i / 4) }, [b]);
    const chart = await f.session({ ...defaultViewState(), xAxis: 'wallTime' }).chart('acc', null, 1);
    const s = chart.series[0];
    assert.equal(s.x0, 1_700_000_000_000);
    assert.deepEqual([...s.xs], [0, 1000, 2000, 3000]);
  });

  it('groups by a param into means with bands over the shown runs, and a group-means table', async () => {
    const c = makeRun('c', { runName: 'gamma', params: { lr: '0.5', seed: '2' }, metrics: { loss: latest(0.3, 9) } });
    const h = { 'a/loss': series(10, () => 1), 'b/loss': series(10, () => 3), 'c/loss': series(10, () => 10) };
    const f = fixture(h, [a, b, c]);
    const view = { ...defaultViewState(), groupBy: { section: 'param' as const, key: 'seed' }, band: 'minmax' as const };
    const chart = await f.session(view).chart('loss', null, 1);
    assert.deepEqual(chart.series, []);
    assert.deepEqual(chart.bands?.map((band) => [band.group, band.runIds, band.mean[0], band.lo[0], band.hi[0]]), [['1', ['a', 'b'], 2, 1, 3], ['2', ['c'], 10, 10, 10]]);
    const hidden = await f.session({ ...view, hiddenRunIds: ['b'] }).chart('loss', null, 2);
    assert.deepEqual(hidden.bands?.[0].runIds, ['a'], 'a hidden run leaves its group');
    const { groupTable } = f.session(view).tables();
    assert.deepEqual(groupTable?.groups, ['1', '2']);
    assert.deepEqual(groupTable?.groupRunIds, [['a', 'b'], ['c']]);
    assert.deepEqual(groupTable?.rows.find((r) => r.key === 'loss')?.values, [0.15000000000000002, 0.3]);
  });

  it('appends live points to a line the webview holds whole, and replaces a decimated one', async () => {
    const running = { ...a, status: 'RUNNING' as const };
    const h: Record<string, MetricSeries> = { 'a/loss': series(10, (i) => i) };
    const f = fixture(h, [running]);
    const s = f.session();
    await s.chart('loss', null, 1);
    h['a/loss'] = series(12, (i) => i);
    f.setRuns([{ ...running, metrics: { loss: latest(11, 11) } }]);
    const update = await s.liveUpdate();
    assert.ok(update);
    assert.deepEqual(update.live.appends.map((x) => [x.runId, x.replace, [...x.series.ys]]), [['a', false, [10, 11]]]);

    h['a/loss'] = series(5000, (i) => i);
    f.setRuns([{ ...running, metrics: { loss: latest(4999, 4999) } }]);
    const big = await s.liveUpdate();
    assert.equal(big?.live.appends[0].replace, true);
    assert.ok((big?.live.appends[0].series.xs.length ?? Infinity) <= MAX_POINTS_PER_SERIES);
    assert.equal(await s.liveUpdate(), undefined, 'nothing changed: nothing to send');
  });

  it('reports runs that are gone and exports the data behind a chart at full resolution', async () => {
    const f = fixture({ 'a/loss': series(3, (i) => i * 2) }, [a]);
    const s = new CompareSession([{ storeUri: a.store.uri, runId: 'a' }, { storeUri: a.store.uri, runId: 'gone' }], defaultViewState(),
      { findRun: (ref) => (ref.runId === 'a' ? a : undefined), experimentName: () => 'exp', histories: f.cache, maxPoints: 2 });
    assert.deepEqual(s.missingRunIds, ['gone']);
    const csv = await s.chartCsv('loss', null, []);
    assert.equal(csv, 'run,run_id,step,value\r\nalpha,a,0,0\r\nalpha,a,1,2\r\nalpha,a,2,4\r\n', 'every point, even past maxPoints');
    assert.equal(await s.chartCsv('loss', null, ['a']), 'run,run_id,step,value\r\n', 'hidden runs are left out');
    assert.equal((await s.chartCsv('loss', [0.5, 1.5], [])).split('\r\n').length, 3, 'only the zoomed range');
  });
});

describe('Compare host: history cache', () => {
  it('shares a pending load, evicts least recently used beyond its budget, and drops a run on invalidate', async () => {
    let reads = 0;
    const points: MetricPoint[] = Array.from({ length: 100 }, (_, i) => ({ step: i, timestamp: i, value: i }));
    const cache = new HistoryCache(async () => {
      reads++;
      return points;
    }, 100 * 16 * 2);
    const [x, y] = await Promise.all([cache.get('s', 'r1', 'loss', 'step'), cache.get('s', 'r1', 'loss', 'step')]);
    assert.equal(x, y);
    assert.equal(reads, 1);
    await cache.get('s', 'r2', 'loss', 'step');
    await cache.get('s', 'r3', 'loss', 'step');
    assert.equal(cache.has('s', 'r1', 'loss', 'step'), false, 'the oldest went');
    assert.ok(cache.heldBytes <= 100 * 16 * 2);
    cache.invalidate('s', 'r3');
    assert.equal(cache.has('s', 'r3', 'loss', 'step'), false);
    assert.equal(cache.has('s', 'r2', 'loss', 'step'), true);
  });
});

describe('Compare host: table wire format', () => {
  const runs = [
    makeRun('a', { runName: 'alpha', params: { lr: '0.1' }, metrics: { acc: latest(0.8, 1) } }),
    makeRun('b', { runName: 'beta', params: { lr: '0.05' }, metrics: { acc: latest(0.9, 1) } }),
  ];
  it('sorts columns, shows values as text and deltas against the baseline', () => {
    const wire = tableToWire(buildCompareTable(runs), 'a', { row: { section: 'metric', key: 'acc' }, desc: true });
    assert.deepEqual(wire.runIds, ['b', 'a']);
    const acc = wire.rows.find((r) => r.section === 'metric' && r.key === 'acc');
    assert.equal(acc?.label, 'metrics.acc');
    assert.deepEqual(acc?.display, ['0.9', '0.8']);
    assert.deepEqual(acc?.deltas, [{ text: '+0.1 (+12%)', sign: 1 }, { text: '±0', sign: 0 }]);
    assert.equal(wire.rows.find((r) => r.key === 'status')?.deltas, null, 'text rows have no deltas');
    assert.equal(tableToWire(buildCompareTable(runs), 'gone', null).baselineRunId, null);
  });

  it('formats deltas of durations and tiny changes readably', () => {
    assert.deepEqual(formatDelta({ section: 'attribute', key: 'duration' }, -125_000, 60_000), { text: '−2m 05s', sign: -1 });
    assert.equal(formatDelta({ section: 'metric', key: 'loss' }, 1e-6, 0.5).text, '+1.000e-6 (+<0.1%)');
    assert.equal(formatDelta({ section: 'metric', key: 'loss' }, -0.05, 0.1).text, '−0.05 (−50%)');
  });
});

