import { buildCompareTable, experimentNameKey } from '../../core/compare/compareTable';
import { decimateMinMax, type XRange } from '../../core/compare/decimate';
import { chartDataToCsv, compareTableToCsv, compareTableToMarkdown } from '../../core/compare/exportFormats';
import { groupBand, groupRuns } from '../../core/compare/groupBands';
import { parallelCoordinates, paramVsMetric } from '../../core/compare/paramPlots';
import { assignRunColors } from '../../core/compare/runColors';
import type { CompareTable, XYSeries } from '../../core/compare/types';
import { naturalCompare } from '../../core/compare/naturalCompare';
import type { Run } from '../../core/runs/types';
import {
  RUN_PALETTE_SIZE, type CompareRunInfo, type CompareRunRef, type CompareViewState, type GroupByRef, type GroupTableWire,
  type MetricChartWire, type MetricInfo, type ParallelWire, type ScatterWire, type SeriesAppendWire, type TableWire, type ToWebview,
} from '../../protocol/compare';
import type { HistoryCache } from './historyCache';
import { countInRange, sliceToRange, toBandWire, toSeriesWire } from './seriesWire';
import { groupTableToWire, reorderTable, tableToWire } from './tableWire';

export interface CompareSessionDeps {
  findRun(ref: CompareRunRef): Run | undefined;
  experimentName(run: Run): string | undefined;
  histories: HistoryCache;
  /** At most this many points per series reach the webview (Infinity: undecimated, the benchmark's baseline). */
  maxPoints: number;
  /** Timings for the output channel. */
  log?(message: string): void;
}

/** What the webview holds of one run's line: enough to tell whether new points can simply be appended. */
interface SentLine {
  points: number;
  lastX: number;
  decimated: boolean;
}

/**
 * The host side of one Compare panel, without VS Code: which runs, the view state the host needs (x axis,
 * grouping, baseline, sort, hidden runs, zooms), and every message's data. Histories are read once into the
 * cache; each chart is decimated from there (min-max: the shape, spikes included, survives).
 */
export class CompareSession {
  runs: Run[] = [];
  missingRunIds: string[] = [];
  private colors = new Map<string, number>();
  /** Metrics the webview has charts with data for (live updates re-read only those). */
  private readonly loadedMetrics = new Set<string>();
  private readonly sent = new Map<string, SentLine>();

  constructor(readonly refs: CompareRunRef[], public view: CompareViewState, private readonly deps: CompareSessionDeps) {
    this.resolveRuns();
  }

  /** Looks the runs up again (the catalog replaces a run's object when it changes); true when any changed. */
  resolveRuns(): boolean {
    const before = this.runs;
    const runs: Run[] = [];
    const missing: string[] = [];
    for (const ref of this.refs) {
      const run = this.deps.findRun(ref);
      if (run) runs.push(run);
      else missing.push(ref.runId);
    }
    this.runs = runs;
    this.missingRunIds = missing;
    this.colors = assignRunColors(runs.map((r) => r.runId), RUN_PALETTE_SIZE);
    return runs.length !== before.length || runs.some((r, i) => r !== before[i]);
  }

  runInfos(): CompareRunInfo[] {
    return this.runs.map((r) => ({
      runId: r.runId, storeUri: r.store.uri, name: r.runName || r.runId.slice(0, 8), experimentName: this.deps.experimentName(r) ?? r.experimentId,
      status: r.status, colorIndex: this.colors.get(r.runId) ?? 0,
    }));
  }

  /** Every metric any run logged, in natural order. */
  metricInfos(): MetricInfo[] {
    const counts = new Map<string, number>();
    for (const run of this.runs) for (const key of Object.keys(run.metrics)) counts.set(key, (counts.get(key) ?? 0) + 1);
    return [...counts.keys()].sort(naturalCompare).map((key) => ({ key, runCount: counts.get(key) ?? 0 }));
  }

  /** Params and tags with at least one value: what the runs can be grouped by. */
  groupKeys(): GroupByRef[] {
    const params = new Set<string>();
    const tags = new Set<string>();
    for (const run of this.runs) {
      for (const k of Object.keys(run.params)) params.add(k);
      for (const k of Object.keys(run.tags)) if (!k.startsWith('mlflow.')) tags.add(k);
    }
    return [
      ...[...params].sort(naturalCompare).map((key) => ({ section: 'param' as const, key })),
      ...[...tags].sort(naturalCompare).map((key) => ({ section: 'tag' as const, key })),
    ];
  }

  compareTable(): CompareTable {
    const experimentNames: Record<string, string> = {};
    for (const run of this.runs) {
      const name = this.deps.experimentName(run);
      if (name !== undefined) experimentNames[experimentNameKey(run.store.uri, run.experimentId)] = name;
    }
    return buildCompareTable(this.runs, { experimentNames });
  }

  tables(): { table: TableWire; groupTable: GroupTableWire | null } {
    const table = this.compareTable();
    const groups = this.groups();
    return {
      table: tableToWire(table, this.view.baselineRunId, this.view.sort),
      groupTable: groups && this.view.groupBy ? groupTableToWire(table, this.view.groupBy, groups) : null,
    };
  }

  /** Groups of the shown runs (hidden runs leave the means and bands), or null without grouping. */
  groups(): Map<string, string[]> | null {
    const by = this.view.groupBy;
    if (!by) return null;
    const hidden = new Set(this.view.hiddenRunIds);
    const grouped = groupRuns(this.runs.filter((r) => !hidden.has(r.runId)), `${by.section}s.${by.key}`);
    return new Map([...grouped].map(([name, runs]) => [name, runs.map((r) => r.runId)]));
  }

  /** One chart's data: each run's history in the current x axis, decimated (in `range` when zoomed), or the group bands. */
  async chart(metric: string, range: [number, number] | null, requestId: number, signal?: AbortSignal): Promise<MetricChartWire> {
    const t0 = performance.now();
    const runs = this.runs.filter((r) => Object.prototype.hasOwnProperty.call(r.metrics, metric));
    const xy = await this.histories(runs, metric, signal);
    const tRead = performance.now();
    const extent = extentOf(xy);
    const xRange: XRange | undefined = range ? { xMin: range[0], xMax: range[1] } : undefined;
    const groups = this.groups();
    this.loadedMetrics.add(metric);
    let wire: MetricChartWire;
    if (groups) {
      const byId = new Map(runs.map((r, i) => [r.runId, xy[i]]));
      const names = [...groups.keys()];
      const bands = names.map((name, i) => {
        const ids = (groups.get(name) ?? []).filter((id) => byId.has(id));
        const band = groupBand(name, ids, ids.map((id) => sliceToRange(byId.get(id) as XYSeries, range)), this.view.band, this.deps.maxPoints);
        return toBandWire(band, i % RUN_PALETTE_SIZE);
      }).filter((b) => b.runIds.length > 0);
      wire = { metric, xAxis: this.view.xAxis, range, extent, series: [], bands, requestId };
    } else {
      const series = [];
      for (const [i, run] of runs.entries()) {
        // Long histories: give the extension host's other work a turn between runs.
        if (i > 0 && xy[i].xs.length > 50_000) await new Promise((resolve) => setImmediate(resolve));
        const decimated = decimateMinMax(xy[i], this.deps.maxPoints, xRange);
        const source = countInRange(xy[i].xs, range);
        this.remember(metric, run.runId, decimated, decimated.xs.length < source || range !== null);
        series.push(toSeriesWire(run.runId, decimated, source));
      }
      wire = { metric, xAxis: this.view.xAxis, range, extent, series, bands: null, requestId };
    }
    const points = xy.reduce((n, s) => n + s.xs.length, 0);
    this.deps.log?.(`Compare: ${metric}: ${runs.length} runs, ${points} points read in ${Math.round(tRead - t0)} ms, decimated in ${Math.round(performance.now() - tRead)} ms`);
    return wire;
  }

  /** The first message: runs, table, metrics and the first charts, so the first paint needs no other round trip. */
  async stateMessage(firstCharts: number, signal?: AbortSignal): Promise<StateMessage> {
    const state = this.stateShell(firstCharts);
    const charts = await Promise.all(state.chartsToFollow.map((m) => this.chart(m, this.view.zoom[m] ?? null, 0, signal)));
    return { ...state, charts, chartsToFollow: [] };
  }

  /**
   * The first message without chart data, at once: runs, table, metrics; the first `firstCharts` charts are named
   * in chartsToFollow, for the caller to send as 'charts' messages when read (see `chart`).
   */
  stateShell(firstCharts: number): StateMessage {
    const metrics = this.metricInfos();
    return {
      type: 'state', runs: this.runInfos(), missingRunIds: this.missingRunIds, metrics, ...this.tables(), groupKeys: this.groupKeys(),
      view: this.view, charts: [], chartsToFollow: this.chartedMetrics(metrics).slice(0, Math.max(0, firstCharts)),
    };
  }

  /** The metrics the view charts, in order. */
  chartedMetrics(metrics = this.metricInfos()): string[] {
    const keys = metrics.map((m) => m.key);
    return this.view.metrics === null ? keys : this.view.metrics.filter((m) => keys.includes(m));
  }

  /** The histories of `runs` for one metric, as x/y in the current x axis (cached, read in parallel). */
  /**
   * Reads the histories of the chart a new panel on these runs draws first into the shared cache, e.g. while the
   * user is still ticking runs: the panel then finds them read (or being read). Returns that chart's metric.
   */
  async prefetchFirstChart(): Promise<string | undefined> {
    const metric = this.chartedMetrics()[0];
    if (metric === undefined) return undefined;
    await this.histories(this.runs.filter((r) => Object.prototype.hasOwnProperty.call(r.metrics, metric)), metric);
    return metric;
  }

  async histories(runs: readonly Run[], metric: string, signal?: AbortSignal): Promise<XYSeries[]> {
    const axis = this.view.xAxis;
    const series = await Promise.all(runs.map((r) => this.deps.histories.get(r.store.uri, r.runId, metric, axis)));
    signal?.throwIfAborted();
    return series;
  }

  /**
   * After the catalog changed: runs that are (or just stopped) running re-read the metrics the webview shows.
   * New points are appended when the webview holds the run's line whole; otherwise the line is re-decimated.
   * Grouped charts are recomputed whole (`charts`).
   */
  async liveUpdate(signal?: AbortSignal): Promise<{ live: Extract<ToWebview, { type: 'live' }>; charts: MetricChartWire[] } | undefined> {
    const before = new Map(this.runs.map((r) => [r.runId, r]));
    if (!this.resolveRuns()) return undefined;
    const changed = this.runs.filter((r) => before.get(r.runId) !== r && (r.status === 'RUNNING' || before.get(r.runId)?.status === 'RUNNING'));
    const appends: SeriesAppendWire[] = [];
    const charts: MetricChartWire[] = [];
    for (const run of changed) for (const metric of this.loadedMetrics) this.deps.histories.invalidate(run.store.uri, run.runId, metric);
    const metrics = [...this.loadedMetrics].filter((m) => changed.some((r) => Object.prototype.hasOwnProperty.call(r.metrics, m)));
    for (const metric of metrics) {
      const range = this.view.zoom[metric] ?? null;
      if (this.view.groupBy) {
        charts.push(await this.chart(metric, range, 0, signal));
        continue;
      }
      const runs = changed.filter((r) => Object.prototype.hasOwnProperty.call(r.metrics, metric));
      const xy = await this.histories(runs, metric, signal);
      runs.forEach((run, i) => appends.push(this.lineUpdate(metric, run.runId, xy[i], range)));
    }
    return {
      live: { type: 'live', runs: this.runInfos(), metrics: this.metricInfos(), ...this.tables(), appends },
      charts,
    };
  }

  private lineUpdate(metric: string, runId: string, xy: XYSeries, range: [number, number] | null): SeriesAppendWire {
    const key = `${metric}\u0000${runId}`;
    const sent = this.sent.get(key);
    const n = xy.xs.length;
    const appendable = sent && !sent.decimated && range === null && n <= this.deps.maxPoints && n >= sent.points
      && (sent.points === 0 || xy.xs[sent.points - 1] === sent.lastX);
    if (appendable) {
      const added = { xs: xy.xs.subarray(sent.points), ys: xy.ys.subarray(sent.points) };
      this.remember(metric, runId, xy, false);
      return { metric, runId, replace: false, series: toSeriesWire(runId, added, added.xs.length) };
    }
    const decimated = decimateMinMax(xy, this.deps.maxPoints, range ? { xMin: range[0], xMax: range[1] } : undefined);
    const source = countInRange(xy.xs, range);
    this.remember(metric, runId, decimated, decimated.xs.length < source || range !== null);
    return { metric, runId, replace: true, series: toSeriesWire(runId, decimated, source) };
  }

  private remember(metric: string, runId: string, series: XYSeries, decimated: boolean): void {
    const n = series.xs.length;
    this.sent.set(`${metric}\u0000${runId}`, { points: n, lastX: n > 0 ? series.xs[n - 1] : NaN, decimated });
  }

  /** A new x axis or grouping: the webview asks for its charts again, nothing it holds can be appended to. */
  resetSent(): void {
    this.sent.clear();
  }

  scatter(param: string, metric: string): ScatterWire {
    const hidden = new Set(this.view.hiddenRunIds);
    const data = paramVsMetric(this.runs.filter((r) => !hidden.has(r.runId)), param, metric);
    return { param, metric, kind: data.kind, categories: data.categories ?? null, points: data.points };
  }

  parallel(axes: string[]): ParallelWire {
    const data = parallelCoordinates(this.runs, axes);
    return {
      axes: data.axes.map((a) => ({ key: a.key, kind: a.kind, min: a.min, max: a.max, categories: a.categories ?? null })),
      lines: data.lines,
    };
  }

  /** The table as shown (sorted columns), as CSV or Markdown. */
  tableExport(format: 'csv' | 'markdown', onlyDifferences: boolean): string {
    const table = this.compareTable();
    const order = this.view.sort ? tableToWire(table, null, this.view.sort).runIds : table.runIds;
    const opts = { onlyDifferences, runOrder: order };
    return format === 'csv' ? compareTableToCsv(reorderTable(table, order), opts) : compareTableToMarkdown(reorderTable(table, order), opts);
  }

  /** The data behind a chart at full resolution: the shown runs' points in the visible x range. */
  async chartCsv(metric: string, range: [number, number] | null, hiddenRunIds: readonly string[], signal?: AbortSignal): Promise<string> {
    const hidden = new Set(hiddenRunIds);
    const runs = this.runs.filter((r) => !hidden.has(r.runId) && Object.prototype.hasOwnProperty.call(r.metrics, metric));
    const xy = await this.histories(runs, metric, signal);
    const rows = runs.map((run, i) => {
      const s = range ? exactRange(xy[i], range) : xy[i];
      return { runName: run.runName || run.runId, runId: run.runId, series: s };
    });
    return chartDataToCsv(rows, X_LABELS[this.view.xAxis]);
  }
}

type StateMessage = Extract<ToWebview, { type: 'state' }>;

const X_LABELS: Record<CompareViewState['xAxis'], string> = { step: 'step', wallTime: 'timestamp_ms', relativeTime: 'relative_time_ms' };

/** Points with x inside [lo, hi] (sorted input). */
function exactRange(series: XYSeries, range: [number, number]): XYSeries {
  let from = 0;
  while (from < series.xs.length && series.xs[from] < range[0]) from++;
  let to = from;
  while (to < series.xs.length && series.xs[to] <= range[1]) to++;
  return { xs: series.xs.slice(from, to), ys: series.ys.slice(from, to) };
}

function extentOf(series: readonly XYSeries[]): [number, number] | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of series) {
    if (s.xs.length === 0) continue;
    lo = Math.min(lo, s.xs[0]);
    hi = Math.max(hi, s.xs[s.xs.length - 1]);
  }
  return hi > lo ? [lo, hi] : null;
}
