import assert from 'node:assert/strict';
import {
  defaultViewState, isComparePersistedState, isCompareViewState, isToWebview, messageBytes, parseFromWebview, PNG_DATA_URL_PREFIX,
  type FromWebview,
} from '../../../src/protocol/compare';

const ok = (raw: unknown): FromWebview => {
  const r = parseFromWebview(raw);
  assert.ok(r.ok, `expected ${JSON.stringify(raw).slice(0, 120)} to parse: ${r.ok ? '' : r.reason}`);
  return r.message;
};
const bad = (raw: unknown, reason: RegExp) => {
  const r = parseFromWebview(raw);
  assert.equal(r.ok, false, `expected ${JSON.stringify(raw).slice(0, 120)} to be refused`);
  if (!r.ok) assert.match(r.reason, reason);
};

describe('Compare protocol: messages from the webview', () => {
  it('accepts every well-formed message and keeps only its declared fields', () => {
    const view = defaultViewState();
    const samples: FromWebview[] = [
      { type: 'ready', chartsInView: 4, view: null, startedFromPage: true },
      { type: 'ready', chartsInView: 0, view, startedFromPage: false },
      { type: 'requestCharts', metrics: ['loss', 'val/loss'], ranges: { loss: [0, 10] }, requestId: 3 },
      { type: 'zoom', metric: 'loss', range: [1.5, 2.5], requestId: 4 },
      { type: 'zoom', metric: 'loss', range: null, requestId: 5 },
      { type: 'setXAxis', xAxis: 'relativeTime' },
      { type: 'setGroupBy', groupBy: { section: 'param', key: 'seed' }, band: 'std' },
      { type: 'setGroupBy', groupBy: null, band: 'minmax' },
      { type: 'setHiddenRuns', runIds: ['a', 'b'] },
      { type: 'setBaseline', runId: null },
      { type: 'sortRuns', sort: { row: { section: 'metric', key: 'acc' }, desc: true } },
      { type: 'selectMetrics', metrics: null },
      { type: 'requestScatter', param: 'lr', metric: 'loss' },
      { type: 'requestParallel', axes: ['params.lr', 'metrics.loss', 'tags.model'] },
      { type: 'exportChartPng', metric: 'loss', dataUrl: `${PNG_DATA_URL_PREFIX}iVBORw0KGgo=` },
      { type: 'exportChartCsv', metric: 'loss', range: null, hiddenRunIds: [] },
      { type: 'exportTable', format: 'markdown', onlyDifferences: true },
      { type: 'copyTableMarkdown', onlyDifferences: false },
      { type: 'rendered', metric: 'loss', paintedAt: 1700000000000, sinceScriptStartMs: 120.5, points: 6000 },
      { type: 'cspViolation', directive: 'style-src', blockedUri: 'inline' },
      { type: 'error', message: 'boom' },
    ];
    for (const m of samples) assert.deepEqual(ok({ ...m, extra: '<script>' }), m);
  });

  it('refuses unknown types, non-objects and prototype keys', () => {
    bad(null, /not an object/);
    bad('ready', /not an object/);
    bad([], /not an object/);
    bad({ type: 'deleteEverything' }, /unknown message type "deleteEverything"/);
    bad({ type: 'toString' }, /unknown message type/);
    bad({ type: '__proto__' }, /unknown message type/);
    bad({}, /unknown message type/);
  });

  it('names the field that is wrong', () => {
    bad({ type: 'zoom', metric: 'loss', range: [5, 1], requestId: 1 }, /zoom: bad or missing field "range"/);
    bad({ type: 'zoom', metric: 'loss', range: [0, Infinity], requestId: 1 }, /"range"/);
    bad({ type: 'zoom', metric: 'loss', range: [0, NaN], requestId: 1 }, /"range"/);
    bad({ type: 'zoom', metric: 'loss', range: null, requestId: -1 }, /"requestId"/);
    bad({ type: 'zoom', metric: '', range: null, requestId: 1 }, /"metric"/);
    bad({ type: 'setXAxis', xAxis: 'epoch' }, /"xAxis"/);
    bad({ type: 'setGroupBy', groupBy: { section: 'metric', key: 'loss' }, band: 'minmax' }, /"groupBy"/);
    bad({ type: 'setGroupBy', groupBy: null, band: 'iqr' }, /"band"/);
    bad({ type: 'setHiddenRuns', runIds: ['a', 7] }, /"runIds"/);
    bad({ type: 'sortRuns', sort: { row: { section: 'param', key: 'lr' } } }, /"sort"/);
    bad({ type: 'requestParallel', axes: ['lr'] }, /"axes"/);
    bad({ type: 'exportTable', format: 'xlsx', onlyDifferences: true }, /"format"/);
    bad({ type: 'ready', chartsInView: 1.5, view: null, startedFromPage: false }, /"chartsInView"/);
    bad({ type: 'ready', chartsInView: 1, view: { tab: 'charts' }, startedFromPage: false }, /"view"/);
    bad({ type: 'ready', chartsInView: 1, view: null }, /"startedFromPage"/);
    bad({ type: 'requestCharts', metrics: ['loss'], ranges: { loss: [3, 3] }, requestId: 1 }, /"ranges"/);
  });

  it('accepts only PNG data URLs of bounded size for chart images', () => {
    bad({ type: 'exportChartPng', metric: 'loss', dataUrl: 'data:text/html;base64,PHNjcmlwdD4=' }, /"dataUrl"/);
    bad({ type: 'exportChartPng', metric: 'loss', dataUrl: 'file:///etc/passwd' }, /"dataUrl"/);
    bad({ type: 'exportChartPng', metric: 'loss', dataUrl: PNG_DATA_URL_PREFIX + 'A'.repeat(64 * 1024 * 1024) }, /"dataUrl"/);
  });

  it('bounds keys and lists so a bad webview cannot make the host allocate without limit', () => {
    bad({ type: 'setBaseline', runId: 'x'.repeat(1001) }, /"runId"/);
    bad({ type: 'setHiddenRuns', runIds: new Array(100_001).fill('a') }, /"runIds"/);
    bad({ type: 'error', message: 'x'.repeat(10_001) }, /"message"/);
  });
});

describe('Compare protocol: view state', () => {
  it('validates the default view and rejects a damaged one', () => {
    assert.ok(isCompareViewState(defaultViewState()));
    assert.equal(isCompareViewState({ ...defaultViewState(), smoothing: 1 }), false, 'smoothing 1 would never move');
    assert.equal(isCompareViewState({ ...defaultViewState(), smoothing: -0.1 }), false);
    assert.equal(isCompareViewState({ ...defaultViewState(), tab: 'settings' }), false);
    assert.equal(isCompareViewState({ ...defaultViewState(), zoom: { loss: [2, 1] } }), false);
    const { band: _band, ...withoutBand } = defaultViewState();
    assert.equal(isCompareViewState(withoutBand), false);
  });

  it('restores a persisted panel only from version 1 state with runs', () => {
    const good = { version: 1, runs: [{ storeUri: 'file:///m', runId: 'abc' }], view: defaultViewState() };
    assert.ok(isComparePersistedState(good));
    assert.equal(isComparePersistedState({ ...good, version: 2 }), false);
    assert.equal(isComparePersistedState({ ...good, runs: [{ runId: 'abc' }] }), false);
    assert.equal(isComparePersistedState(undefined), false);
  });
});

describe('Compare protocol: messages to the webview', () => {
  it('recognises the host messages and nothing else', () => {
    assert.ok(isToWebview({ type: 'notice', level: 'info', message: 'x' }));
    assert.equal(isToWebview({ type: 'ready' }), false);
    assert.equal(isToWebview({ data: 1 }), false);
    assert.equal(isToWebview(null), false);
  });

  it('counts typed arrays by their bytes, not as JSON', () => {
    const xs = new Float32Array(2000);
    const bytes = messageBytes({ type: 'charts', charts: [{ series: [{ xs, ys: xs }] }] });
    assert.ok(bytes >= 16_000 && bytes < 16_200, `${bytes}`);
  });
});
