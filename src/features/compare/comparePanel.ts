import * as vscode from 'vscode';
import { errorMessage, type RunCatalog } from '../../core/runs/runCatalog';
import {
  COMPARE_VIEW_TYPE, defaultViewState, messageBytes, parseFromWebview, PNG_DATA_URL_PREFIX,
  type CompareRunRef, type CompareViewState, type ExportKind, type FromWebview, type MetricChartWire, type TableWire, type ToWebview,
} from '../../protocol/compare';
import { webviewPage } from '../../platform/webviewHtml';
import { logPageProblem, panelAssets, panelWebviewOptions } from '../../platform/webviewPanel';
import { CompareSession, type CompareSessionDeps } from './compareSession';
import { displayPath, safeFileName, writeExport, type SaveTarget } from './exportFile';
import type { HistoryCache } from './historyCache';

export interface ComparePanelDeps {
  extensionUri: vscode.Uri;
  catalog: RunCatalog;
  log: vscode.LogOutputChannel;
  /** Resolves once the catalog has read the stores (a panel restored after a reload waits for it). */
  whenReady(): Promise<void>;
  /** True once whenReady has resolved: the panel's first state can then be written into its page. */
  isReady(): boolean;
  /** Histories shared by every panel (a reopened comparison is not read again). */
  histories: HistoryCache;
  /** Where exports go; a function so tests can swap the save dialog for a path. */
  saveTarget(): SaveTarget;
  maxPoints: number;
}

/** What the panel sent and received, for the in-host tests (big arrays are summarised, not kept). */
export interface LoggedMessage {
  direction: 'toWebview' | 'fromWebview';
  type: string;
  at: number;
  bytes?: number;
  table?: TableWire;
  metrics?: string[];
  detail?: string;
}

const LOG_LIMIT = 500;
/** The detail of a logged state that went in the page's HTML (the in-host tests look for it). */
export const STATE_IN_PAGE = 'written into the page';
const LIVE_THROTTLE_MS = 500;

type StateMessage = Extract<ToWebview, { type: 'state' }>;

/** A state ready to send, and its first charts being read. */
interface PreparedState {
  state: StateMessage;
  charts: Promise<MetricChartWire>[];
}

/**
 * One Compare panel: owns the webview, answers its (validated) requests from a CompareSession, follows the
 * catalog for running runs, and writes exports. A panel restored by the serializer is the same class.
 */
export class ComparePanel implements vscode.Disposable {
  private readonly session: CompareSession;
  private readonly abort = new AbortController();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly openedAt = Date.now();
  readonly messages: LoggedMessage[] = [];
  private liveTimer?: NodeJS.Timeout;
  private liveBusy = false;
  private liveAgain = false;
  private disposed = false;
  private readonly disposeListeners = new Set<() => void>();

  static open(deps: ComparePanelDeps, refs: CompareRunRef[], view?: CompareViewState): ComparePanel {
    const t0 = performance.now();
    const panel = vscode.window.createWebviewPanel(COMPARE_VIEW_TYPE, 'Compare Runs', vscode.ViewColumn.Active, panelWebviewOptions());
    const opened = new ComparePanel(deps, panel, refs, view ?? defaultViewState());
    deps.log.debug(`Compare: a panel on ${refs.length} runs made and its page written in ${(performance.now() - t0).toFixed(1)} ms`);
    return opened;
  }

  /** The serializer's path: VS Code made the panel, we bring back its runs and view. */
  static restore(deps: ComparePanelDeps, panel: vscode.WebviewPanel, refs: CompareRunRef[], view: CompareViewState): ComparePanel {
    panel.webview.options = panelWebviewOptions();
    return new ComparePanel(deps, panel, refs, view);
  }

  private constructor(private readonly deps: ComparePanelDeps, readonly panel: vscode.WebviewPanel, refs: CompareRunRef[], view: CompareViewState) {
    this.session = new CompareSession(refs, view, compareSessionDeps(deps));
    panel.iconPath = {
      light: vscode.Uri.joinPath(deps.extensionUri, 'media', 'compare-light.svg'),
      dark: vscode.Uri.joinPath(deps.extensionUri, 'media', 'compare-dark.svg'),
    };
    const webview = panel.webview;
    // With the catalog read (the usual case: runs were just picked), the first state is written into the page, so
    // the page draws it as its script runs, and the first chart is sent as soon as it is read, unasked (VS Code
    // holds messages until the page has loaded). A restored panel waits for the catalog and for the page's 'ready'.
    let state: StateMessage | undefined;
    if (deps.isReady()) {
      this.session.resolveRuns();
      state = this.session.stateShell(1);
      this.stateInPage = true;
    }
    this.updateTitle();
    webview.html = webviewPage('Compare Runs', panelAssets(deps.extensionUri, 'compare'), { initialData: state });
    if (state) this.recordOutgoing(state, true);
    this.disposables.push(
      webview.onDidReceiveMessage((raw: unknown) => void this.onMessage(raw).catch((e) => this.fail('handling a message from the panel', e))),
      panel.onDidDispose(() => this.dispose()),
      toDisposable(deps.catalog.onDidChange(({ storeUris }) => {
        const mine = new Set([...this.session.refs.map((r) => r.storeUri), ...this.session.runs.map((r) => r.store.uri)]);
        if (storeUris.some((uri) => mine.has(uri))) this.scheduleLive();
      })),
    );
    // The first chart is read while the page loads. A page without its state gets it when it says ready, and the
    // chart as soon as it is read, unasked. A reloaded page (hidden, then shown) says ready again and gets a new state.
    this.firstState = (state ? Promise.resolve(state) : deps.whenReady().then(() => {
      this.session.resolveRuns();
      this.updateTitle();
      return this.session.stateShell(1);
    })).then(async (first) => {
      // Let the page's HTML leave for the workbench before the reading keeps this thread busy.
      await new Promise((resolve) => setTimeout(resolve, 0));
      return { state: first, charts: this.readCharts(first, this.abort.signal) };
    });
    this.firstState.catch(() => undefined);
    if (this.stateInPage) void this.firstState.then((first) => this.sendCharts(first.charts)).catch((e) => this.fail('reading the first chart', e));
  }

  private readonly firstState: Promise<PreparedState>;
  /** The page was written with its first state (see the constructor). */
  private stateInPage = false;
  private readySeen = false;

  /** The reads of the charts the state says follow it, started now. */
  private readCharts(state: StateMessage, signal: AbortSignal): Promise<MetricChartWire>[] {
    const charts = state.chartsToFollow.map((m) => this.session.chart(m, this.session.view.zoom[m] ?? null, 0, signal));
    for (const c of charts) c.catch(() => undefined); // awaited in sendCharts; not unhandled meanwhile
    return charts;
  }

  /** The state without chart data, and the reads of the charts that follow it, started now. */
  private prepareState(signal: AbortSignal): PreparedState {
    const state = this.session.stateShell(1);
    return { state, charts: this.readCharts(state, signal) };
  }

  private async sendState({ state, charts }: PreparedState): Promise<void> {
    await this.post(state);
    await this.sendCharts(charts);
  }

  private async sendCharts(charts: Promise<MetricChartWire>[]): Promise<void> {
    for (const chart of charts) await this.post({ type: 'charts', charts: [await chart] });
  }

  get runIds(): string[] {
    return this.session.refs.map((r) => r.runId);
  }

  get view(): CompareViewState {
    return this.session.view;
  }

  onDidDispose(listener: () => void): vscode.Disposable {
    this.disposeListeners.add(listener);
    return new vscode.Disposable(() => this.disposeListeners.delete(listener));
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.abort.abort();
    clearTimeout(this.liveTimer);
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
    for (const listener of [...this.disposeListeners]) listener();
  }

  private async onMessage(raw: unknown): Promise<void> {
    const parsed = parseFromWebview(raw);
    if (!parsed.ok) {
      this.deps.log.warn(`Compare panel: ignored a message: ${parsed.reason}`);
      return;
    }
    const m = parsed.message;
    this.record({ direction: 'fromWebview', type: m.type, at: Date.now(), detail: describeIncoming(m) });
    const signal = this.abort.signal;
    const view = this.session.view;
    switch (m.type) {
      case 'ready': {
        if (!this.readySeen) {
          this.readySeen = true;
          // Drawn from the page: its first chart is on its way (see the constructor).
          if (this.stateInPage && m.startedFromPage) break;
          // The first page gets the state prepared at creation (its view, if restored, is the one we were given).
          if (!this.stateInPage) {
            await this.sendState(await this.firstState);
            break;
          }
        }
        await this.deps.whenReady();
        if (m.view) this.session.view = m.view;
        this.session.resolveRuns();
        this.session.resetSent();
        this.updateTitle();
        await this.sendState(this.prepareState(signal));
        break;
      }
      case 'requestCharts':
        this.session.view = { ...view, zoom: { ...view.zoom, ...m.ranges } };
        // One message per chart: the first one drawn does not wait for the last one read.
        for (const metric of m.metrics) {
          if (signal.aborted) return;
          await this.post({ type: 'charts', charts: [await this.session.chart(metric, m.ranges[metric] ?? null, m.requestId, signal)] });
        }
        break;
      case 'zoom': {
        const zoom = { ...view.zoom };
        if (m.range) zoom[m.metric] = m.range;
        else delete zoom[m.metric];
        this.session.view = { ...view, zoom };
        await this.post({ type: 'charts', charts: [await this.session.chart(m.metric, m.range, m.requestId, signal)] });
        break;
      }
      case 'setXAxis':
        this.session.view = { ...view, xAxis: m.xAxis, zoom: view.xAxis === m.xAxis ? view.zoom : {} };
        this.session.resetSent();
        break;
      case 'setGroupBy':
        this.session.view = { ...view, groupBy: m.groupBy, band: m.band };
        this.session.resetSent();
        await this.postTables();
        break;
      case 'setHiddenRuns':
        this.session.view = { ...view, hiddenRunIds: m.runIds };
        if (view.groupBy) await this.postTables();
        break;
      case 'setBaseline':
        this.session.view = { ...view, baselineRunId: m.runId };
        await this.postTables();
        break;
      case 'sortRuns':
        this.session.view = { ...view, sort: m.sort };
        await this.postTables();
        break;
      case 'selectMetrics':
        this.session.view = { ...view, metrics: m.metrics };
        break;
      case 'requestScatter':
        await this.post({ type: 'scatter', scatter: this.session.scatter(m.param, m.metric) });
        break;
      case 'requestParallel':
        await this.post({ type: 'parallel', parallel: this.session.parallel(m.axes) });
        break;
      case 'exportChartPng':
        await this.exportFile('chartPng', `${safeFileName(m.metric)}.png`, { 'PNG image': ['png'] },
          () => Buffer.from(m.dataUrl.slice(PNG_DATA_URL_PREFIX.length), 'base64'));
        break;
      case 'exportChartCsv':
        await this.exportFile('chartCsv', `${safeFileName(m.metric)}.csv`, { CSV: ['csv'] },
          async () => Buffer.from(await this.session.chartCsv(m.metric, m.range, m.hiddenRunIds, signal), 'utf8'));
        break;
      case 'exportTable': {
        const csv = m.format === 'csv';
        await this.exportFile(csv ? 'tableCsv' : 'tableMarkdown', csv ? 'runs.csv' : 'runs.md', csv ? { CSV: ['csv'] } : { Markdown: ['md'] },
          () => Buffer.from(this.session.tableExport(m.format, m.onlyDifferences), 'utf8'));
        break;
      }
      case 'copyTableMarkdown':
        await vscode.env.clipboard.writeText(this.session.tableExport('markdown', m.onlyDifferences));
        await this.post({ type: 'exported', kind: 'tableMarkdown', ok: true, message: 'Copied the table as Markdown.' });
        break;
      case 'rendered':
        this.deps.log.info(`Compare: first chart (${m.metric}, ${m.points} points) painted ${m.paintedAt - this.openedAt} ms after the panel opened (${Math.round(m.sinceScriptStartMs)} ms after its script started)`);
        break;
      case 'cspViolation':
      case 'error':
        logPageProblem(this.deps.log, 'Compare panel', m);
        break;
      default:
        assertNever(m);
    }
  }

  private async postTables(): Promise<void> {
    await this.post({ type: 'table', ...this.session.tables() });
  }

  private async post(message: ToWebview): Promise<void> {
    if (this.disposed) return;
    this.recordOutgoing(message);
    await this.panel.webview.postMessage(message);
  }

  /** Logs a message to the page; `inPage`: the state written into the page's HTML rather than posted. */
  private recordOutgoing(message: ToWebview, inPage = false): void {
    const bytes = messageBytes(message);
    this.record({
      direction: 'toWebview', type: message.type, at: Date.now(), bytes,
      table: 'table' in message ? message.table : undefined,
      metrics: message.type === 'charts' || message.type === 'state' ? message.charts.map((c) => c.metric) : undefined,
      detail: inPage ? STATE_IN_PAGE
        : message.type === 'live' ? message.appends.map((a) => `${a.metric} ${a.runId} ${a.replace ? 'replace' : 'append'} ${a.series.xs.length}`).join('; ')
          : message.type === 'exported' || message.type === 'notice' ? message.message : undefined,
    });
    if (message.type === 'state') this.deps.log.info(`Compare: ${message.runs.length} runs, ${message.metrics.length} metrics; first state ${(bytes / 1e6).toFixed(2)} MB${inPage ? ', in the page' : ''}`);
  }

  private record(entry: LoggedMessage): void {
    this.messages.push(entry);
    if (this.messages.length > LOG_LIMIT) this.messages.splice(0, this.messages.length - LOG_LIMIT);
  }

  private async exportFile(kind: ExportKind, suggested: string, filters: Record<string, string[]>, content: () => Uint8Array | Promise<Uint8Array>): Promise<void> {
    const target = await this.deps.saveTarget()(suggested, filters);
    if (!target) return;
    try {
      const written = await writeExport(target, await content());
      this.deps.log.info(`Compare: exported ${kind} to ${written}`);
      await this.post({ type: 'exported', kind, ok: true, message: `Saved ${displayPath(written)}` });
    } catch (e) {
      const message = `Could not save ${target.fsPath || target.toString()}: ${errorMessage(e)}`;
      this.deps.log.error(`Compare: ${message}`);
      await this.post({ type: 'exported', kind, ok: false, message });
    }
  }

  /** Catalog changes come in bursts while a run trains: at most one live update per LIVE_THROTTLE_MS, never two at once. */
  private scheduleLive(): void {
    if (this.liveTimer || this.disposed) return;
    this.liveTimer = setTimeout(() => {
      this.liveTimer = undefined;
      void this.runLive();
    }, LIVE_THROTTLE_MS);
  }

  private async runLive(): Promise<void> {
    if (this.liveBusy) {
      this.liveAgain = true;
      return;
    }
    this.liveBusy = true;
    try {
      const update = await this.session.liveUpdate(this.abort.signal);
      if (update) {
        this.updateTitle();
        await this.post(update.live);
        if (update.charts.length) await this.post({ type: 'charts', charts: update.charts });
      }
    } catch (e) {
      if (!this.abort.signal.aborted) this.deps.log.warn(`Compare: live update failed: ${errorMessage(e)}`);
    } finally {
      this.liveBusy = false;
      if (this.liveAgain) {
        this.liveAgain = false;
        this.scheduleLive();
      }
    }
  }

  private updateTitle(): void {
    const names = this.session.runs.map((r) => r.runName || r.runId.slice(0, 8));
    const n = this.session.refs.length;
    const title = names.length > 0 && names.length <= 3 ? `Compare: ${names.join(', ')}` : `Compare ${n} Runs`;
    this.panel.title = title.length > 60 ? `${title.slice(0, 57)}…` : title;
  }

  private fail(what: string, e: unknown): void {
    if (this.abort.signal.aborted) return;
    const message = `Compare: failed ${what}: ${errorMessage(e)}`;
    this.deps.log.error(message);
    void this.post({ type: 'notice', level: 'error', message });
  }
}

/** What a CompareSession needs, from the panel's dependencies (also used to prefetch before a panel exists). */
export function compareSessionDeps(deps: Pick<ComparePanelDeps, 'catalog' | 'histories' | 'maxPoints' | 'log'>): CompareSessionDeps {
  return {
    findRun: (ref) => deps.catalog.findRun(ref.runId),
    experimentName: (run) => deps.catalog.experiments(run.store.uri).find((e) => e.experimentId === run.experimentId)?.name,
    histories: deps.histories,
    maxPoints: deps.maxPoints,
    log: (m) => deps.log.debug(m),
  };
}

function toDisposable(d: { dispose(): void }): vscode.Disposable {
  return new vscode.Disposable(() => d.dispose());
}

function describeIncoming(m: FromWebview): string | undefined {
  switch (m.type) {
    case 'ready': return m.startedFromPage ? 'started from the state in the page' : 'asks for the state';
    case 'requestCharts': return m.metrics.join(', ');
    case 'zoom': return `${m.metric} ${m.range ? m.range.join('..') : 'reset'}`;
    case 'exportChartPng': return `${m.metric} (${m.dataUrl.length} chars)`;
    case 'rendered': return `${m.metric} painted at ${m.paintedAt}`;
    case 'cspViolation': return `${m.directive} ${m.blockedUri}`;
    case 'error': return m.message.slice(0, 200);
    default: return undefined;
  }
}

function assertNever(m: never): never {
  throw new Error(`unhandled message ${JSON.stringify(m)}`);
}
