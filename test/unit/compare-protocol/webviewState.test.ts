// Pure logic of the Compare webview (no DOM): view state, chart data, zoom maths, table rows, colours.
import assert from 'node:assert/strict';
import { defaultViewState, type TableRowWire } from '../../../src/protocol/compare';
import {
  appendPoints, formatElapsed, formatValue, formatX, positivePoints, rangeAroundSingleX, smoothedPoints, wirePoints, withoutCrowdedEnd,
} from '../../../webview/compare/chartData';
import { bandDatasets, FADED_ALPHA, FAINT_RAW_ALPHA, HIGHLIGHT_WIDTH, inTooltip, runDatasets } from '../../../webview/compare/chartDatasets';
import { parseColor, runDash, withAlpha } from '../../../webview/compare/colors';
import { axisTicks, axisXs, lineSegments, valueY } from '../../../webview/compare/parallelLayout';
import { nextSort, tableSections } from '../../../webview/compare/tableView';
import { chartedMetrics, persistedState, restoredState, smoothingWeight, toggled, withXAxis, withZoom } from '../../../webview/compare/viewState';
import { clampRange, extentOf, panBy, pixelsToData, rangeFromPixels, zoomAround } from '../../../webview/compare/zoomMath';

describe('Compare webview: view state', () => {
  it('restores only a valid saved state, and saves runs and view', () => {
    const view = { ...defaultViewState(), smoothing: 0.6, hiddenRunIds: ['b'] };
    const saved = persistedState([{ storeUri: 'file:///m', runId: 'a' }], view);
    assert.deepEqual(restoredState(JSON.parse(JSON.stringify(saved))), saved);
    assert.equal(restoredState({ version: 1, runs: [], view: { ...view, xAxis: 'epochs' } }), undefined);
    assert.equal(restoredState('garbage'), undefined);
  });

  it('charts every metric by default, else the chosen ones that exist, in the chosen order', () => {
    const view = defaultViewState();
    assert.deepEqual(chartedMetrics(view, ['acc', 'loss']), ['acc', 'loss']);
    assert.deepEqual(chartedMetrics({ ...view, metrics: ['loss', 'gone', 'acc'] }, ['acc', 'loss']), ['loss', 'acc']);
  });

  it('drops every zoom when the x axis changes (ranges are in the old unit)', () => {
    const zoomed = withZoom(defaultViewState(), 'loss', [10, 20]);
    assert.deepEqual(zoomed.zoom, { loss: [10, 20] });
    assert.deepEqual(withZoom(zoomed, 'loss', null).zoom, {});
    assert.deepEqual(withXAxis(zoomed, 'step').zoom, { loss: [10, 20] }, 'same axis: kept');
    assert.deepEqual(withXAxis(zoomed, 'wallTime').zoom, {});
  });

  it('toggles list members and clamps the smoothing weight', () => {
    assert.deepEqual(toggled(['a', 'b'], 'a'), ['b']);
    assert.deepEqual(toggled(['b'], 'a'), ['b', 'a']);
    assert.equal(smoothingWeight(1), 0.99);
    assert.equal(smoothingWeight(-3), 0);
    assert.equal(smoothingWeight(NaN), 0);
    assert.equal(smoothingWeight(0.6049), 0.6);
  });
});

describe('Compare webview: chart data', () => {
  it('rebuilds x from the float64 origin plus float32 offsets', () => {
    const x0 = 1_700_000_000_000;
    const points = wirePoints({ x0, xs: Float32Array.from([0, 1000, 3_600_000]), ys: Float32Array.from([1, 0.5, 0.25]) });
    assert.deepEqual(points.map((p) => p.x), [x0, x0 + 1000, x0 + 3_600_000], 'epoch ms survive the float32 offsets exactly');
    assert.deepEqual(points.map((p) => p.y), [1, 0.5, 0.25]);
  });

  it('smooths with the debiased EMA and leaves weight 0 alone', () => {
    const pts = [{ x: 0, y: 1 }, { x: 1, y: 3 }, { x: 2, y: 3 }];
    assert.equal(smoothedPoints(pts, 0), pts);
    const s = smoothedPoints(pts, 0.5);
    assert.equal(s[0].y, 1, 'debiased: the first point is not pulled toward 0');
    assert.ok(s[1].y > 1 && s[1].y < 3);
    assert.deepEqual(s.map((p) => p.x), [0, 1, 2]);
  });

  it('turns non-positive values into gaps for a log axis', () => {
    assert.deepEqual(positivePoints([{ x: 0, y: 0 }, { x: 1, y: 2 }, { x: 2, y: -1 }]).map((p) => p.y), [NaN, 2, NaN]);
  });

  it('appends only points beyond the last x', () => {
    const now = [{ x: 1, y: 1 }, { x: 2, y: 2 }];
    assert.deepEqual(appendPoints(now, [{ x: 2, y: 9 }, { x: 3, y: 3 }]).map((p) => p.x), [1, 2, 3]);
    assert.equal(appendPoints(now, [{ x: 0, y: 0 }]), now);
  });

  it('formats values and x ticks for each axis kind', () => {
    assert.equal(formatValue(0.123456789), '0.12346');
    assert.equal(formatValue(12345), '12,345');
    assert.equal(formatValue(1e-7), '1.00e-7');
    assert.equal(formatX(100_000, 'step', 1000), '100K');
    assert.equal(formatX(1500, 'step', 1000), '1,500');
    assert.equal(formatElapsed(90_000, 600_000), '1m 30s');
    assert.equal(formatElapsed(7_500_000, 9_000_000), '2h 05m');
    assert.equal(formatElapsed(1500, 5000), '1.5s');
    assert.match(formatX(Date.UTC(2024, 0, 2, 3, 4, 5), 'wallTime', 2 * 86_400_000), /^2024-01-0\d \d\d:\d\d$/);
    assert.equal(formatElapsed(-0.4, 5), '0.00s', 'a tick a hair below zero is no "-0.00s"');
    assert.equal(formatElapsed(-250, 1000), '-0.25s');
    assert.deepEqual([-1000, -600, 200, 1000].map((x) => formatElapsed(x, 2000)), ['-1.0s', '-0.6s', '0.2s', '1.0s'], 'one precision along the axis');
    assert.equal(formatElapsed(-200, 600_000), '0s');
  });

  it('drops the data-end tick that crowds the one before it, and only that one', () => {
    const ticks = (...values: number[]) => values.map((value) => ({ value }));
    assert.deepEqual(withoutCrowdedEnd(ticks(0, 0.05, 0.1, 0.15, 0.2, 0.21)).map((t) => t.value), [0, 0.05, 0.1, 0.15, 0.2]);
    assert.deepEqual(withoutCrowdedEnd(ticks(0, 10, 20, 30, 40, 50, 59)).map((t) => t.value), [0, 10, 20, 30, 40, 50, 59], 'a gap of 9 in 10 stays');
    assert.deepEqual(withoutCrowdedEnd(ticks(0, 1)).map((t) => t.value), [0, 1]);
  });

  it('centres a metric logged at one x only: a step, or a second, either side', () => {
    assert.deepEqual(rangeAroundSingleX([[], [{ x: 0, y: 0.87 }]], 'step'), [-1, 1]);
    assert.deepEqual(rangeAroundSingleX([[{ x: 5000, y: 1 }]], 'relativeTime'), [4000, 6000]);
    assert.equal(rangeAroundSingleX([[]], 'wallTime'), null);
  });
});

describe('Compare webview: datasets', () => {
  const lines = [
    { runId: 'a', name: 'alpha', color: '#ff0000', points: [{ x: 0, y: 1 }, { x: 1, y: 2 }] },
    { runId: 'b', name: 'beta', color: '#0000ff', points: [{ x: 0, y: 3 }] },
  ];
  const opts = { smoothing: 0, logScale: false, hiddenRunIds: new Set<string>(), highlight: null };

  it('draws one line per run without smoothing, a faint raw line behind the smoothed one with it', () => {
    const plain = runDatasets(lines, opts);
    assert.deepEqual(plain.map((d) => [d.runId, d.role, d.borderColor]), [['a', 'raw', '#ff0000'], ['b', 'raw', '#0000ff']]);
    assert.equal(plain[1].pointRadius, 4, 'a single point is drawn as a marker');
    const smooth = runDatasets(lines, { ...opts, smoothing: 0.6 });
    assert.deepEqual(smooth.map((d) => d.role), ['raw', 'smooth', 'raw', 'smooth']);
    assert.equal(smooth[0].borderColor, withAlpha('#ff0000', FAINT_RAW_ALPHA));
    assert.ok(smooth[0].order > smooth[1].order, 'the raw line is drawn behind');
    assert.ok(inTooltip('smooth', 0.6) && !inTooltip('raw', 0.6) && inTooltip('raw', 0));
  });

  it('patterns the lines of runs beyond the palette (they share a colour with an earlier run)', () => {
    assert.deepEqual([0, 11, 12, 23, 24, 36, 48].map((i) => runDash(i, 12)), [[], [], [6, 3], [6, 3], [2, 2], [8, 3, 2, 3], []]);
    const ds = runDatasets([{ ...lines[0], dash: runDash(13, 12) }], { ...opts, smoothing: 0.6 });
    assert.deepEqual(ds.map((d) => [d.role, d.borderDash]), [['raw', []], ['smooth', [6, 3]]], 'the faint raw line stays solid');
    assert.deepEqual(runDatasets(lines, opts).map((d) => d.borderDash), [[], []]);
  });

  it('highlights one run (wider, on top) and fades the others; hides hidden runs', () => {
    const ds = runDatasets(lines, { ...opts, highlight: 'b', hiddenRunIds: new Set(['a']) });
    const a = ds.find((d) => d.runId === 'a');
    const b = ds.find((d) => d.runId === 'b');
    assert.equal(b?.borderWidth, HIGHLIGHT_WIDTH);
    assert.equal(b?.borderColor, '#0000ff');
    assert.equal(a?.borderColor, withAlpha('#ff0000', FADED_ALPHA));
    assert.ok((b?.order ?? 99) < (a?.order ?? 0));
    assert.equal(a?.hidden, true);
  });

  it('draws a band as lo, hi filled down to lo, then the mean', () => {
    const band = { group: '1', label: '1 (2 runs)', color: '#00ff00', runIds: ['a', 'b'], mean: [{ x: 0, y: 2 }], lo: [{ x: 0, y: 1 }], hi: [{ x: 0, y: 3 }] };
    const ds = bandDatasets([band], opts);
    assert.deepEqual(ds.map((d) => [d.role, d.fill]), [['lo', false], ['hi', '-1'], ['mean', false]]);
    assert.equal(bandDatasets([band], { ...opts, hiddenRunIds: new Set(['a', 'b']) })[2].hidden, true, 'a group whose runs are all hidden is hidden');
  });
});

describe('Compare webview: zoom and pan', () => {
  it('turns a dragged pixel span into a data range', () => {
    assert.deepEqual(rangeFromPixels(150, 50, 0, 200, [0, 100]), [25, 75]);
    assert.deepEqual(rangeFromPixels(-50, 100, 0, 200, [0, 100]), [0, 50], 'clamped to the plot area');
    assert.equal(rangeFromPixels(10, 10, 0, 200, [0, 100]), null);
  });

  it('zooms around the pointer and never past the whole extent', () => {
    assert.deepEqual(zoomAround([0, 100], 50, 0.5, [0, 100]), [25, 75]);
    assert.deepEqual(zoomAround([0, 100], 0, 0.5, [0, 100]), [0, 50]);
    assert.equal(zoomAround([25, 75], 50, 4, [0, 100]), null, 'zooming all the way out clears the zoom');
  });

  it('pans by dragged pixels, clamped to the extent', () => {
    assert.equal(pixelsToData(50, 200, [0, 100]), -25);
    assert.deepEqual(panBy([20, 40], -30, [0, 100]), [0, 20]);
    assert.deepEqual(panBy([20, 40], 70, [0, 100]), [80, 100]);
    assert.deepEqual(clampRange([-10, 200], [0, 100]), [0, 100]);
  });

  it('finds the extent of all series', () => {
    assert.deepEqual(extentOf([{ x0: 10, xs: [0, 5] }, { x0: 0, xs: [2, 30] }, { x0: 0, xs: [] }]), [2, 30]);
    assert.equal(extentOf([]), null);
  });
});

describe('Compare webview: table rows', () => {
  const row = (section: TableRowWire['section'], key: string, differs: boolean): TableRowWire =>
    ({ section, key, label: key, values: [1, differs ? 2 : 1], display: ['1', differs ? '2' : '1'], differs, deltas: null });
  const rows = [row('attribute', 'status', false), row('param', 'lr', true), row('param', 'seed', false), row('tag', 'team', false)];

  it('groups rows by section and leaves out equal rows with "only differences"', () => {
    assert.deepEqual(tableSections(rows, false).map((s) => [s.section, s.rows.length]), [['attribute', 1], ['param', 2], ['tag', 1]]);
    const only = tableSections(rows, true);
    assert.deepEqual(only.map((s) => [s.section, s.rows.map((r) => r.key), s.hiddenRows]), [['attribute', [], 1], ['param', ['lr'], 1], ['tag', [], 1]]);
  });

  it('cycles a row sort: ascending, descending, off', () => {
    const lr = { section: 'param' as const, key: 'lr' };
    const asc = nextSort(null, lr);
    assert.deepEqual(asc, { row: lr, desc: false });
    const desc = nextSort(asc, lr);
    assert.deepEqual(desc, { row: lr, desc: true });
    assert.equal(nextSort(desc, lr), null);
    assert.deepEqual(nextSort(desc, { section: 'metric', key: 'acc' }), { row: { section: 'metric', key: 'acc' }, desc: false });
  });
});

describe('Compare webview: colours and parallel coordinates layout', () => {
  it('parses the colour forms VS Code uses and applies alpha', () => {
    assert.deepEqual(parseColor('#3794ff'), { r: 0x37, g: 0x94, b: 0xff, a: 1 });
    assert.deepEqual(parseColor('#fff8'), { r: 255, g: 255, b: 255, a: 0x88 / 255 });
    assert.deepEqual(parseColor('rgba(1, 2, 3, 0.5)'), { r: 1, g: 2, b: 3, a: 0.5 });
    assert.equal(withAlpha('#ff000080', 0.5), 'rgba(255, 0, 0, 0.251)');
    assert.equal(withAlpha('transparent', 0.5), 'transparent');
  });

  it('spreads axes, maps values top (max) to bottom (min), and breaks lines at missing values', () => {
    const box = { left: 0, top: 10, width: 100, height: 100 };
    assert.deepEqual(axisXs(3, box), [0, 50, 100]);
    assert.deepEqual(axisXs(1, box), [50]);
    const axis = { key: 'params.lr', kind: 'numeric' as const, min: 0, max: 10, categories: null };
    assert.equal(valueY(axis, 10, box), 10);
    assert.equal(valueY(axis, 0, box), 110);
    assert.equal(valueY({ ...axis, max: 0 }, 0, box), 60, 'one distinct value sits in the middle');
    assert.deepEqual(axisTicks({ key: 'params.opt', kind: 'categorical', min: 0, max: 1, categories: ['adam', 'sgd'] }, String).map((t) => t.label), ['adam', 'sgd']);
    assert.deepEqual(lineSegments([1, null, 2, 3, null]), [[0], [2, 3]]);
  });
});
