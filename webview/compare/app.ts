// The Compare panel in the browser: renders what the host sends and keeps only view state (getState/setState).
// Every request for data goes to the host, which decimates; every string from the logs is shown as text.
import {
  defaultViewState, type BandWire, type CompareRunInfo, type CompareViewState, type FromWebview, type GroupByRef, type GroupTableWire,
  type MetricChartWire, type MetricInfo, type TableWire, type ToWebview, type XAxisKind,
} from '../../src/protocol/compare';
import { X_AXIS_LABELS } from './chartData';
import { clear, h, icon, singleSelect } from './dom';
import { chartPngDataUrl } from './exportPng';
import { Legend, type LegendEntry } from './legend';
import { MetricChart } from './metricChart';
import { ParallelCoordinates, ScatterPlot } from './plots';
import { CompareTableView, type TableRun } from './table';
import { differenceSummary, nextSort } from './tableView';
import { runDash } from './colors';
import { onThemeChange, readTheme, runColor, type Theme } from './theme';
import { chartedMetrics, persistedState, restoredView, smoothingWeight, toggled, withXAxis, withZoom } from './viewState';
import type { Range } from './zoomMath';

interface Api {
  post(message: FromWebview): void;
  getState(): unknown;
  setState(state: unknown): void;
}

const TABS = ['charts', 'table', 'plots'] as const;
const CHART_MIN_WIDTH = 440;
const CHART_HEIGHT = 300;

type MultiSelectEl = HTMLElement & { value: string[] };

export class CompareApp {
  private view: CompareViewState;
  private runs: CompareRunInfo[] = [];
  private runById = new Map<string, CompareRunInfo>();
  private metrics: MetricInfo[] = [];
  private table?: TableWire;
  private groupTable: GroupTableWire | null = null;
  private groupKeys: GroupByRef[] = [];
  private theme: Theme = readTheme();
  private highlight: string | null = null;
  private readonly charts = new Map<string, MetricChart>();
  private requestSeq = 0;
  private firstPaintReported = false;
  private readonly scriptStart = performance.now();
  private pendingChartRequests = new Set<string>();
  private readonly observer: IntersectionObserver;

  // DOM
  private readonly root: HTMLElement;
  private readonly tabs: HTMLElement & { selectedIndex: number };
  private readonly banner = h('div', { class: 'banner', attrs: { hidden: true, role: 'status' } });
  private readonly toast = h('div', { class: 'toast', attrs: { role: 'status', 'aria-live': 'polite' } });
  private readonly summary = h('span', { class: 'summary' });
  private readonly chartsToolbar = h('div', { class: 'toolbar', data: { toolbar: 'charts' } });
  private readonly grid = h('div', { class: 'chart-grid' });
  private readonly tableToolbar = h('div', { class: 'toolbar', data: { toolbar: 'table' } });
  private readonly plotsToolbar = h('div', { class: 'toolbar', data: { toolbar: 'plots' } });
  private readonly parallelToolbar = h('div', { class: 'toolbar inline' });
  private readonly legend: Legend;
  private readonly tableView: CompareTableView;
  private readonly scatter: ScatterPlot;
  private readonly parallel: ParallelCoordinates;
  private readonly panels: Record<(typeof TABS)[number], HTMLElement>;
  private toastTimer?: number;

  constructor(private readonly api: Api, mount: HTMLElement) {
    this.view = restoredView(api.getState()) ?? defaultViewState();
    // Wall-clock marks (same clock as the host and the test driver) of where the first paint's time goes.
    document.body.dataset.pageStartAt = String(Math.round(performance.timeOrigin));
    document.body.dataset.scriptStartAt = String(Date.now());
    this.legend = new Legend({
      hover: (id) => this.setHighlight(id),
      toggle: (id) => this.toggleHidden(id),
      showAll: () => this.setHidden([]),
    });
    this.tableView = new CompareTableView({
      sort: (row) => {
        const sort = nextSort(this.view.sort, row);
        this.updateView({ sort });
        this.api.post({ type: 'sortRuns', sort });
      },
      setBaseline: (runId) => this.setBaseline(runId),
    });
    const plotContext = {
      theme: () => this.theme,
      runs: () => this.orderedRuns().map((r) => ({ runId: r.runId, name: r.name, color: runColor(this.theme, r.colorIndex), dash: runDash(r.colorIndex, this.theme.palette.length) })),
      hiddenRunIds: () => new Set(this.view.hiddenRunIds),
      highlight: () => (this.view.groupBy ? null : this.highlight),
    };
    this.scatter = new ScatterPlot(plotContext);
    this.parallel = new ParallelCoordinates(plotContext);
    this.observer = new IntersectionObserver((entries) => this.onChartsVisible(entries), { rootMargin: '300px 0px' });

    this.panels = {
      charts: h('vscode-tab-panel', { data: { panel: 'charts' } }, this.chartsToolbar,
        h('div', { class: 'legend-row' }, h('div', { class: 'legend-slot' }),
          h('span', { class: 'hint', text: 'Drag to zoom · Shift+drag to pan · Ctrl+wheel to zoom · Double-click to reset' })),
        this.grid),
      table: h('vscode-tab-panel', { data: { panel: 'table' } }, this.tableToolbar, this.tableView.el),
      plots: h('vscode-tab-panel', { data: { panel: 'plots' } }, this.plotsToolbar,
        h('div', { class: 'legend-slot' }),
        h('div', { class: 'plot-grid' },
          h('section', { class: 'plot-card wide' }, h('header', { class: 'chart-header' }, h('span', { class: 'chart-title', text: 'Param vs metric' })), h('div', { class: 'plot-body' }, this.scatter.canvas)),
          h('section', { class: 'plot-card wide' }, h('header', { class: 'chart-header' }, h('span', { class: 'chart-title', text: 'Parallel coordinates' }), h('span', { class: 'spacer' }), this.parallelToolbar),
            h('div', { class: 'plot-body tall' }, this.parallel.canvas)))),
    };
    this.tabs = h('vscode-tabs', { attrs: { 'selected-index': TABS.indexOf(this.view.tab) } },
      h('vscode-tab-header', { data: { tab: 'charts' } }, icon('graph-line'), ' Charts'),
      this.panels.charts,
      h('vscode-tab-header', { data: { tab: 'table' } }, icon('table'), ' Table'),
      this.panels.table,
      h('vscode-tab-header', { data: { tab: 'plots' } }, icon('graph-scatter'), ' Param plots'),
      this.panels.plots,
      h('div', { class: 'tab-addons', attrs: { slot: 'addons' } }, this.summary),
    ) as HTMLElement & { selectedIndex: number };
    for (const header of this.tabs.querySelectorAll('vscode-tab-header')) header.setAttribute('slot', 'header');
    this.tabs.addEventListener('vsc-tabs-select', () => this.onTabChange());
    this.root = h('div', { class: 'compare' }, this.banner, this.tabs, this.toast);
    clear(mount);
    mount.appendChild(this.root);
    this.placeLegend();
    this.showLoading();

    onThemeChange(() => {
      this.theme = readTheme();
      this.restyleAll();
      this.renderLegend();
      this.renderTable();
    });
    // Violations are counted where the test can read them and reported to the host's log.
    document.addEventListener('securitypolicyviolation', (e) => {
      document.body.dataset.cspViolations = String(Number(document.body.dataset.cspViolations ?? '0') + 1);
      this.api.post({ type: 'cspViolation', directive: String(e.effectiveDirective || e.violatedDirective).slice(0, 200), blockedUri: String(e.blockedURI).slice(0, 2000) });
    });
    window.addEventListener('error', (e) => this.api.post({ type: 'error', message: String(e.message).slice(0, 10_000) }));
  }

  /**
   * Draws the state the host wrote into the page, if any, and tells the host it may send. A page reloaded (hidden,
   * then shown) has a saved view: its written state is stale, and the host sends a new one for that view. True
   * when the written state was drawn.
   */
  start(initialState?: Extract<ToWebview, { type: 'state' }>): boolean {
    const saved = restoredView(this.api.getState());
    const startedFromPage = initialState !== undefined && saved === null;
    if (startedFromPage) this.onState(initialState);
    document.body.dataset.readyAt = String(Date.now());
    const columns = Math.max(1, Math.floor(window.innerWidth / CHART_MIN_WIDTH));
    const rows = Math.max(1, Math.ceil(window.innerHeight / CHART_HEIGHT));
    this.api.post({ type: 'ready', chartsInView: this.view.tab === 'charts' ? columns * rows : 1, view: saved, startedFromPage });
    return startedFromPage;
  }

  onMessage(message: ToWebview): void {
    switch (message.type) {
      case 'state':
        this.onState(message);
        break;
      case 'charts':
        for (const wire of message.charts) this.applyChart(wire);
        break;
      case 'table':
        this.table = message.table;
        this.groupTable = message.groupTable;
        this.renderTable();
        this.renderLegend();
        this.restyleAll();
        break;
      case 'live':
        this.setRuns(message.runs);
        this.table = message.table;
        this.groupTable = message.groupTable;
        this.setMetrics(message.metrics);
        for (const update of message.appends) this.charts.get(update.metric)?.append(update);
        this.renderLegend();
        this.renderTable();
        this.renderSummary();
        break;
      case 'scatter':
        this.scatter.set(message.scatter);
        break;
      case 'parallel':
        this.parallel.set(message.parallel);
        break;
      case 'exported':
        this.showToast(message.message, message.ok ? 'info' : 'error');
        break;
      case 'notice':
        if (message.level === 'info') this.showToast(message.message, 'info');
        else this.showBanner(message.message, message.level);
        break;
    }
  }

  // ---- state from the host ------------------------------------------------------------------------------------

  private onState(message: Extract<ToWebview, { type: 'state' }>): void {
    document.body.dataset.stateAt ??= String(Date.now());
    this.view = message.view;
    this.setRuns(message.runs);
    this.table = message.table;
    this.groupTable = message.groupTable;
    this.groupKeys = message.groupKeys;
    this.metrics = message.metrics;
    this.persist();
    if (message.missingRunIds.length > 0) {
      const n = message.missingRunIds.length;
      this.showBanner(`${n} run${n === 1 ? '' : 's'} of this comparison could not be found (deleted, or its store is gone): ${message.missingRunIds.join(', ')}`, 'warning');
    } else {
      this.banner.hidden = true;
    }
    this.tabs.selectedIndex = TABS.indexOf(this.view.tab);
    this.placeLegend();
    this.renderChartsToolbar();
    this.renderLegend();
    this.renderSummary();
    this.rebuildGrid();
    for (const wire of message.charts) this.applyChart(wire);
    // These come next unasked: a request for them would only read them twice.
    for (const metric of message.chartsToFollow) {
      const chart = this.charts.get(metric);
      if (chart) chart.requested = true;
    }
    // The table and the plots' controls wait until the first chart is on screen, unless they are what shows.
    const rest = () => {
      this.renderTableToolbar();
      this.renderPlotsToolbar();
      this.renderTable();
      if (this.view.tab === 'plots') this.requestPlots();
    };
    if (this.view.tab === 'charts' && message.charts.length + message.chartsToFollow.length > 0) requestAnimationFrame(() => setTimeout(rest, 0));
    else rest();
  }

  private setRuns(runs: CompareRunInfo[]): void {
    this.runs = runs;
    this.runById = new Map(runs.map((r) => [r.runId, r]));
  }

  private setMetrics(metrics: MetricInfo[]): void {
    const before = this.metrics.map((m) => m.key).join('\n');
    this.metrics = metrics;
    if (metrics.map((m) => m.key).join('\n') !== before) {
      this.rebuildGrid();
      this.renderChartsToolbar();
    }
  }

  /** Runs in the table's column order (a sort reorders legend and table alike). */
  private orderedRuns(): CompareRunInfo[] {
    const order = this.table?.runIds ?? this.runs.map((r) => r.runId);
    return order.map((id) => this.runById.get(id)).filter((r): r is CompareRunInfo => r !== undefined);
  }

  // ---- charts ---------------------------------------------------------------------------------------------------

  private rebuildGrid(): void {
    const wanted = chartedMetrics(this.view, this.metrics.map((m) => m.key));
    for (const [metric, chart] of this.charts) {
      if (wanted.includes(metric)) continue;
      this.observer.unobserve(chart.card);
      chart.destroy();
      chart.card.remove();
      this.charts.delete(metric);
    }
    clear(this.grid);
    if (wanted.length === 0) {
      this.grid.appendChild(h('div', { class: 'empty', text: this.metrics.length === 0 ? 'None of these runs logged a metric.' : 'No metric chosen: pick some under Metrics.' }));
      return;
    }
    for (const metric of wanted) {
      let chart = this.charts.get(metric);
      if (!chart) {
        chart = new MetricChart(metric, this.chartContext());
        this.charts.set(metric, chart);
        this.observer.observe(chart.card);
      }
      this.grid.appendChild(chart.card);
    }
  }

  private chartContext() {
    return {
      theme: () => this.theme,
      xAxis: () => this.view.xAxis,
      smoothing: () => this.view.smoothing,
      isLogScale: (metric: string) => this.view.logScaleMetrics.includes(metric),
      hiddenRunIds: () => new Set(this.view.hiddenRunIds),
      highlight: () => this.highlight,
      runs: () => this.orderedRuns().map((r) => ({ runId: r.runId, name: r.name, color: runColor(this.theme, r.colorIndex), dash: runDash(r.colorIndex, this.theme.palette.length) })),
      groupColor: (band: BandWire) => runColor(this.theme, band.colorIndex),
      zoomed: (metric: string, range: Range | null) => {
        this.updateView(withZoom(this.view, metric, range));
        const chart = this.charts.get(metric);
        const requestId = ++this.requestSeq;
        if (chart) {
          chart.latestRequestId = requestId;
          chart.zoomRequestedAt = performance.now();
        }
        this.api.post({ type: 'zoom', metric, range, requestId });
      },
      toggleLogScale: (metric: string) => {
        this.updateView({ logScaleMetrics: toggled(this.view.logScaleMetrics, metric) });
        this.charts.get(metric)?.restyle();
      },
      exportPng: (metric: string, canvas: HTMLCanvasElement) => {
        this.api.post({ type: 'exportChartPng', metric, dataUrl: chartPngDataUrl(canvas, this.theme.background) });
      },
      exportCsv: (metric: string, range: Range | null) => {
        this.api.post({ type: 'exportChartCsv', metric, range, hiddenRunIds: this.view.hiddenRunIds });
      },
      painted: (metric: string, points: number) => this.onPainted(metric, points),
    };
  }

  private applyChart(wire: MetricChartWire): void {
    const chart = this.charts.get(wire.metric);
    if (!chart) return;
    document.body.dataset.firstChartDataAt ??= String(Date.now());
    chart.requested = true;
    chart.setData(wire);
  }

  private onChartsVisible(entries: IntersectionObserverEntry[]): void {
    for (const e of entries) {
      if (!e.isIntersecting) continue;
      const metric = (e.target as HTMLElement).dataset.metric;
      const chart = metric ? this.charts.get(metric) : undefined;
      if (chart && !chart.requested) this.pendingChartRequests.add(chart.metric);
    }
    this.flushChartRequests();
  }

  /** Visible charts without data ask the host together, one message per animation frame. */
  private flushChartRequests(): void {
    if (this.pendingChartRequests.size === 0 || this.flushQueued) return;
    this.flushQueued = true;
    requestAnimationFrame(() => {
      this.flushQueued = false;
      const metrics = [...this.pendingChartRequests].filter((m) => this.charts.has(m));
      this.pendingChartRequests.clear();
      if (metrics.length === 0) return;
      this.requestCharts(metrics);
    });
  }
  private flushQueued = false;

  private requestCharts(metrics: string[]): void {
    const requestId = ++this.requestSeq;
    const ranges: Record<string, [number, number]> = {};
    for (const m of metrics) {
      const chart = this.charts.get(m);
      if (chart) {
        chart.requested = true;
        chart.latestRequestId = requestId;
      }
      if (this.view.zoom[m]) ranges[m] = this.view.zoom[m];
    }
    this.api.post({ type: 'requestCharts', metrics, ranges, requestId });
  }

  /** After the x axis, grouping or (grouped) hidden runs change, charts that have data ask again. */
  private reloadCharts(): void {
    const loaded = [...this.charts.values()].filter((c) => c.requested).map((c) => c.metric);
    if (loaded.length) this.requestCharts(loaded);
  }

  private restyleAll(): void {
    for (const chart of this.charts.values()) chart.restyle();
    this.scatter.render();
    this.parallel.render();
  }

  private onPainted(metric: string, points: number): void {
    if (this.firstPaintReported) return;
    this.firstPaintReported = true;
    document.body.dataset.firstDrawnAt = String(Date.now());
    // Two frames: the first runs layout and chart.js' draw, the second is after the pixels are on screen.
    requestAnimationFrame(() => requestAnimationFrame(() => {
      document.body.dataset.firstPaintAt = String(Date.now());
      document.body.dataset.firstPaint = 'done';
      this.api.post({ type: 'rendered', metric, paintedAt: Date.now(), sinceScriptStartMs: performance.now() - this.scriptStart, points });
    }));
  }

  // ---- legend, highlight, hiding --------------------------------------------------------------------------------

  private renderLegend(): void {
    if (this.view.groupBy && this.groupTable) {
      const g = this.groupTable;
      const hidden = new Set(this.view.hiddenRunIds);
      this.legend.render(g.groups.map((name, i) => ({
        id: name, name: `${name} (${g.runCounts[i]})`, detail: `${g.groupBy.section}s.${g.groupBy.key} = ${name}: ${g.runCounts[i]} run${g.runCounts[i] === 1 ? '' : 's'}`,
        color: runColor(this.theme, i), hidden: g.groupRunIds[i].length > 0 && g.groupRunIds[i].every((id) => hidden.has(id)),
      })), 'group');
    } else {
      const hidden = new Set(this.view.hiddenRunIds);
      const entries: LegendEntry[] = this.orderedRuns().map((r) => ({
        id: r.runId, name: r.name, detail: `${r.experimentName} · ${r.status} · ${r.runId}`, color: runColor(this.theme, r.colorIndex), dashed: runDash(r.colorIndex, this.theme.palette.length).length > 0,
        hidden: hidden.has(r.runId), status: r.status,
      }));
      this.legend.render(entries, 'run');
    }
    this.legend.markHighlight(this.highlight);
  }

  private setHighlight(id: string | null): void {
    if (this.highlight === id) return;
    this.highlight = id;
    this.legend.markHighlight(id);
    document.body.dataset.highlight = id ?? '';
    this.restyleAll();
  }

  private toggleHidden(id: string): void {
    if (this.view.groupBy && this.groupTable) {
      const i = this.groupTable.groups.indexOf(id);
      if (i < 0) return;
      const members = this.groupTable.groupRunIds[i];
      const allHidden = members.every((r) => this.view.hiddenRunIds.includes(r));
      this.setHidden(allHidden ? this.view.hiddenRunIds.filter((r) => !members.includes(r)) : [...new Set([...this.view.hiddenRunIds, ...members])]);
      return;
    }
    this.setHidden(toggled(this.view.hiddenRunIds, id));
  }

  private setHidden(runIds: string[]): void {
    this.updateView({ hiddenRunIds: runIds });
    this.api.post({ type: 'setHiddenRuns', runIds });
    this.renderLegend();
    this.renderTable();
    // Bands are computed by the host over the shown runs only.
    if (this.view.groupBy) this.reloadCharts();
    else this.restyleAll();
  }

  private setBaseline(runId: string | null): void {
    this.updateView({ baselineRunId: runId });
    this.api.post({ type: 'setBaseline', runId });
    this.renderTableToolbar();
  }

  // ---- toolbars --------------------------------------------------------------------------------------------------

  private renderChartsToolbar(): void {
    clear(this.chartsToolbar);
    const xAxis = singleSelect('X axis', (Object.keys(X_AXIS_LABELS) as XAxisKind[]).map((k) => ({ value: k, label: X_AXIS_LABELS[k] })), this.view.xAxis, (value) => {
      this.updateView(withXAxis(this.view, value as XAxisKind));
      this.api.post({ type: 'setXAxis', xAxis: this.view.xAxis });
      this.reloadCharts();
    }, { control: 'x-axis' });

    const slider = h('input', { class: 'slider', attrs: { type: 'range', min: 0, max: 0.99, step: 0.01, 'aria-label': 'Smoothing' }, data: { control: 'smoothing' } });
    slider.value = String(this.view.smoothing);
    const sliderValue = h('span', { class: 'slider-value', text: this.view.smoothing.toFixed(2) });
    let smoothingFrame = 0;
    slider.addEventListener('input', () => {
      const weight = smoothingWeight(Number(slider.value));
      sliderValue.textContent = weight.toFixed(2);
      cancelAnimationFrame(smoothingFrame);
      smoothingFrame = requestAnimationFrame(() => {
        this.updateView({ smoothing: weight });
        for (const chart of this.charts.values()) chart.restyle();
      });
    });

    const groupOptions = [{ value: '', label: 'No grouping' },
      ...this.groupKeys.map((g) => ({ value: `${g.section}:${g.key}`, label: `${g.section}s.${g.key}` }))];
    const groupBy = singleSelect('Group by', groupOptions, this.view.groupBy ? `${this.view.groupBy.section}:${this.view.groupBy.key}` : '', (value) => {
      const i = value.indexOf(':');
      const next: GroupByRef | null = i > 0 ? { section: value.slice(0, i) as GroupByRef['section'], key: value.slice(i + 1) } : null;
      this.updateView({ groupBy: next });
      this.api.post({ type: 'setGroupBy', groupBy: next, band: this.view.band });
      this.renderChartsToolbar();
      this.reloadCharts();
    }, { control: 'group-by' });
    const band = singleSelect('Band', [{ value: 'minmax', label: 'Min–max band' }, { value: 'std', label: '±1 std band' }], this.view.band, (value) => {
      this.updateView({ band: value === 'std' ? 'std' : 'minmax' });
      this.api.post({ type: 'setGroupBy', groupBy: this.view.groupBy, band: this.view.band });
      this.reloadCharts();
    }, { control: 'band' });
    band.hidden = this.view.groupBy === null;

    const metricSelect = h('vscode-multi-select', { attrs: { 'aria-label': 'Metrics' }, data: { control: 'metrics' } }) as MultiSelectEl;
    const chosen = new Set(chartedMetrics(this.view, this.metrics.map((m) => m.key)));
    for (const m of this.metrics) metricSelect.appendChild(h('vscode-option', { text: m.key, attrs: { value: m.key, selected: chosen.has(m.key) } }));
    metricSelect.addEventListener('change', () => {
      const picked = metricSelect.value;
      const all = picked.length === this.metrics.length;
      this.updateView({ metrics: all ? null : this.metrics.map((m) => m.key).filter((k) => picked.includes(k)) });
      this.api.post({ type: 'selectMetrics', metrics: this.view.metrics });
      this.rebuildGrid();
    });

    this.chartsToolbar.append(
      control('X axis', xAxis),
      control('Smoothing', h('span', { class: 'slider-wrap' }, slider, sliderValue)),
      h('span', { class: 'control' }, h('span', { class: 'control-label', text: 'Group by' }), groupBy, band),
      control('Metrics', metricSelect),
    );
  }

  private renderTableToolbar(): void {
    clear(this.tableToolbar);
    const only = h('vscode-checkbox', { attrs: { label: 'Only differences', checked: this.view.onlyDifferences }, data: { control: 'only-differences' } }) as HTMLElement & { checked: boolean };
    only.addEventListener('change', () => {
      this.updateView({ onlyDifferences: only.checked });
      this.renderTable();
    });
    const baselineOptions = [{ value: '', label: 'No baseline' }, ...this.orderedRuns().map((r) => ({ value: r.runId, label: r.name, description: r.experimentName }))];
    const baseline = singleSelect('Baseline run', baselineOptions, this.view.baselineRunId ?? '', (value) => this.setBaseline(value || null), { control: 'baseline' });
    const button = (iconName: string, text: string, action: string, onClick: () => void) => {
      const b = h('vscode-button', { attrs: { icon: iconName, secondary: true }, data: { action }, title: action === 'copy-markdown' ? 'Copy the table as Markdown' : `Export the table as ${text.replace('…', '')}` }, text);
      b.addEventListener('click', onClick);
      return b;
    };
    const counts = this.table ? differenceSummary(this.table.rows) : { differ: 0, total: 0 };
    this.tableToolbar.append(
      only,
      control('Baseline', baseline),
      h('span', { class: 'diff-count', text: `${counts.differ} of ${counts.total} rows differ` }),
      h('span', { class: 'spacer' }),
      h('span', { class: 'button-group' },
        button('copy', 'Copy as Markdown', 'copy-markdown', () => this.api.post({ type: 'copyTableMarkdown', onlyDifferences: this.view.onlyDifferences })),
        button('export', 'CSV…', 'export-table-csv', () => this.api.post({ type: 'exportTable', format: 'csv', onlyDifferences: this.view.onlyDifferences })),
        button('markdown', 'Markdown…', 'export-table-markdown', () => this.api.post({ type: 'exportTable', format: 'markdown', onlyDifferences: this.view.onlyDifferences }))),
    );
  }

  private renderPlotsToolbar(): void {
    clear(this.plotsToolbar);
    clear(this.parallelToolbar);
    const params = this.rowKeys('param');
    const metrics = this.metrics.map((m) => m.key);
    const scatter = this.scatterChoice();
    if (!scatter) {
      this.plotsToolbar.appendChild(h('span', { class: 'hint', text: 'Param plots need runs with params and metrics.' }));
      return;
    }
    const onScatter = (patch: Partial<{ param: string; metric: string }>) => {
      this.updateView({ scatter: { ...scatter, ...this.view.scatter, ...patch } });
      this.requestPlots();
    };
    this.plotsToolbar.append(
      control('Param', singleSelect('Param', params.map((p) => ({ value: p, label: p })), scatter.param, (param) => onScatter({ param }), { control: 'scatter-param' })),
      control('Metric', singleSelect('Metric', metrics.map((m) => ({ value: m, label: m })), scatter.metric, (metric) => onScatter({ metric }), { control: 'scatter-metric' })),
    );
    const axes = h('vscode-multi-select', { attrs: { 'aria-label': 'Parallel coordinate axes' }, data: { control: 'parallel-axes' } }) as MultiSelectEl;
    const chosen = new Set(this.parallelAxes());
    for (const key of [...params.map((p) => `params.${p}`), ...metrics.map((m) => `metrics.${m}`)]) {
      axes.appendChild(h('vscode-option', { text: key, attrs: { value: key, selected: chosen.has(key) } }));
    }
    axes.addEventListener('change', () => {
      this.updateView({ parallelAxes: axes.value });
      this.requestPlots();
    });
    this.parallelToolbar.append(control('Axes', axes));
  }

  private rowKeys(section: 'param' | 'metric'): string[] {
    return (this.table?.rows ?? []).filter((r) => r.section === section).map((r) => r.key);
  }

  /** The scatter's param and metric: the saved choice, else the first param that differs and the first metric. */
  private scatterChoice(): { param: string; metric: string } | null {
    const params = this.rowKeys('param');
    const metrics = this.metrics.map((m) => m.key);
    if (params.length === 0 || metrics.length === 0) return null;
    const saved = this.view.scatter;
    if (saved && params.includes(saved.param) && metrics.includes(saved.metric)) return saved;
    const differing = (this.table?.rows ?? []).find((r) => r.section === 'param' && r.differs)?.key;
    return { param: differing ?? params[0], metric: metrics[0] };
  }

  /** Parallel axes: the saved choice, else the params that differ (up to 6) and the first two metrics. */
  private parallelAxes(): string[] {
    if (this.view.parallelAxes.length > 0) return this.view.parallelAxes;
    const rows = this.table?.rows ?? [];
    const params = rows.filter((r) => r.section === 'param' && r.differs).slice(0, 6).map((r) => `params.${r.key}`);
    const metrics = rows.filter((r) => r.section === 'metric' && r.differs).slice(0, 2).map((r) => `metrics.${r.key}`);
    return [...params, ...metrics];
  }

  private requestPlots(): void {
    const scatter = this.scatterChoice();
    if (scatter) this.api.post({ type: 'requestScatter', param: scatter.param, metric: scatter.metric });
    const axes = this.parallelAxes();
    if (axes.length) this.api.post({ type: 'requestParallel', axes });
  }

  // ---- table and the rest -----------------------------------------------------------------------------------------

  private renderTable(): void {
    if (!this.table) return;
    const runs = new Map<string, TableRun>(this.runs.map((r) => [r.runId, {
      name: r.name, color: runColor(this.theme, r.colorIndex), detail: `${r.experimentName} · ${r.status} · ${r.runId}`, status: r.status.toLowerCase(),
    }]));
    this.tableView.render(this.table, this.view.groupBy ? this.groupTable : null, runs, this.view.onlyDifferences, new Set(this.view.hiddenRunIds));
    if (this.tableToolbar.isConnected) {
      const counts = differenceSummary(this.table.rows);
      const label = this.tableToolbar.querySelector('.diff-count');
      if (label) label.textContent = `${counts.differ} of ${counts.total} rows differ`;
    }
  }

  private renderSummary(): void {
    const running = this.runs.filter((r) => r.status === 'RUNNING').length;
    clear(this.summary);
    if (running > 0) this.summary.append(h('span', { class: 'live-dot', title: 'Running runs update live' }), `${running} running · `);
    this.summary.append(`${this.runs.length} run${this.runs.length === 1 ? '' : 's'}`);
  }

  private onTabChange(): void {
    const tab = TABS[this.tabs.selectedIndex] ?? 'charts';
    this.updateView({ tab });
    this.placeLegend();
    if (tab === 'plots') this.requestPlots();
  }

  /** One legend, shown above the charts or the param plots. */
  private placeLegend(): void {
    const panel = this.view.tab === 'table' ? undefined : this.panels[this.view.tab];
    const slot = panel?.querySelector('.legend-slot');
    if (slot) slot.appendChild(this.legend.el);
  }

  private updateView(patch: Partial<CompareViewState>): void {
    this.view = { ...this.view, ...patch };
    this.persist();
  }

  private persist(): void {
    this.api.setState(persistedState(this.runs.map((r) => ({ storeUri: r.storeUri, runId: r.runId })), this.view));
  }

  private showLoading(): void {
    this.grid.appendChild(h('div', { class: 'empty loading' }, h('vscode-progress-ring'), h('span', { text: 'Reading runs…' })));
  }

  private showBanner(text: string, level: 'warning' | 'error'): void {
    clear(this.banner);
    this.banner.className = `banner ${level}`;
    this.banner.append(icon(level === 'error' ? 'error' : 'warning'), h('span', { text }));
    this.banner.hidden = false;
  }

  private showToast(text: string, level: 'info' | 'error'): void {
    clear(this.toast);
    this.toast.className = `toast visible ${level}`;
    this.toast.append(icon(level === 'error' ? 'error' : 'check'), h('span', { text }));
    window.clearTimeout(this.toastTimer);
    this.toastTimer = window.setTimeout(() => this.toast.classList.remove('visible'), 4000);
  }
}

function control(label: string, el: HTMLElement): HTMLElement {
  return h('span', { class: 'control' }, h('span', { class: 'control-label', text: label }), el);
}
