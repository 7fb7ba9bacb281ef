import * as vscode from 'vscode';
import { webviewPage } from '../../platform/webviewHtml';
import { logPageProblem, panelAssets, panelWebviewOptions } from '../../platform/webviewPanel';
import { DAG_VIEW_TYPE, parseFromWebview, type FromWebview, type ToWebview } from '../../protocol/dag';
import { buildDagGraph } from './dagGraph';
import type { PipelineWorkspace, RepoPipelines } from './pipelineWorkspace';
import type { StageLook } from './stageLook';

export interface DagPanelDeps {
  extensionUri: vscode.Uri;
  workspace: PipelineWorkspace;
  /** Fires when runs start, progress or end. */
  onRunsChange: vscode.Event<void>;
  isRunning(): boolean;
  lookOf(repo: RepoPipelines, index: number): StageLook;
  workspaceRoot(): string | undefined;
  log: vscode.LogOutputChannel;
  openStage(key: string): Promise<void>;
  runStage(key: string, downstream: boolean): void;
  runAll(): void;
  cancelRun(): void;
  refresh(): void;
}

/** What the panel sent and received, for the in-host tests. */
export interface DagMessage {
  direction: 'toWebview' | 'fromWebview';
  type: string;
  at: number;
  detail?: string;
}

const LOG_LIMIT = 300;
const UPDATE_THROTTLE_MS = 150;

/** The DAG panel: one per window; the host builds the graph and pushes it whenever a status or a run changes. */
export class DagPanel implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  readonly messages: DagMessage[] = [];
  private timer: NodeJS.Timeout | undefined;
  private ready = false;
  private disposed = false;
  private readonly disposeListeners = new Set<() => void>();
  /** Node and edge counts of the last graph the webview reported drawn. */
  rendered: { nodes: number; edges: number } | undefined;

  static open(deps: DagPanelDeps): DagPanel {
    const panel = vscode.window.createWebviewPanel(DAG_VIEW_TYPE, 'Pipeline DAG', vscode.ViewColumn.Active, panelWebviewOptions());
    return new DagPanel(deps, panel);
  }

  static restore(deps: DagPanelDeps, panel: vscode.WebviewPanel): DagPanel {
    panel.webview.options = panelWebviewOptions();
    return new DagPanel(deps, panel);
  }

  private constructor(private readonly deps: DagPanelDeps, readonly panel: vscode.WebviewPanel) {
    panel.iconPath = {
      light: vscode.Uri.joinPath(deps.extensionUri, 'media', 'dag-light.svg'),
      dark: vscode.Uri.joinPath(deps.extensionUri, 'media', 'dag-dark.svg'),
    };
    const webview = panel.webview;
    // The graph is built with DOM calls, so the strict page policy (Trusted Types on) holds for it.
    webview.html = webviewPage('Pipeline DAG', panelAssets(deps.extensionUri, 'dag'));
    const changed = deps.workspace.onDidChange(() => this.schedule());
    this.disposables.push(
      webview.onDidReceiveMessage((raw: unknown) => this.onMessage(raw)),
      panel.onDidDispose(() => this.dispose()),
      { dispose: () => changed.dispose() },
      deps.onRunsChange(() => this.schedule()),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.schedule()),
      panel.onDidChangeViewState(() => {
        if (panel.visible) this.schedule();
      }),
    );
  }

  reveal(): void {
    this.panel.reveal();
  }

  onDidDispose(listener: () => void): vscode.Disposable {
    this.disposeListeners.add(listener);
    return new vscode.Disposable(() => this.disposeListeners.delete(listener));
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    clearTimeout(this.timer);
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
    for (const l of [...this.disposeListeners]) l();
  }

  private schedule(): void {
    if (!this.ready || this.timer || this.disposed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.postGraph();
    }, UPDATE_THROTTLE_MS);
  }

  private async postGraph(): Promise<void> {
    if (this.disposed) return;
    const ws = this.deps.workspace;
    const graph = buildDagGraph(ws.repos, this.deps.lookOf, this.deps.workspaceRoot());
    const errors = ws.problems().filter((p) => p.severity === 'error');
    let notice: string | undefined;
    if (!ws.loaded) notice = 'Reading the pipelines…';
    else if (graph.nodes.length === 0) notice = 'No stages: this workspace has no dvc.yaml with stages.';
    else if (errors.length) notice = `${errors.length} problem${errors.length === 1 ? '' : 's'} in the pipeline files (see the Problems panel): ${errors[0].message}`;
    const message: ToWebview = { type: 'graph', graph, canRun: vscode.workspace.isTrusted, running: this.deps.isRunning(), ...(notice ? { notice } : {}) };
    this.record({ direction: 'toWebview', type: 'graph', at: Date.now(), detail: `${graph.nodes.length} nodes, ${graph.edges.length} edges` });
    await this.panel.webview.postMessage(message);
  }

  private onMessage(raw: unknown): void {
    const parsed = parseFromWebview(raw);
    if (!parsed.ok) {
      this.deps.log.warn(`DAG panel: ignored a message: ${parsed.reason}`);
      return;
    }
    const m: FromWebview = parsed.message;
    this.record({ direction: 'fromWebview', type: m.type, at: Date.now(), detail: 'id' in m ? m.id : m.type === 'rendered' ? `${m.nodes} nodes, ${m.edges} edges` : undefined });
    switch (m.type) {
      case 'ready':
        this.ready = true;
        void this.postGraph();
        break;
      case 'openStage':
        void this.deps.openStage(m.id);
        break;
      case 'runStage':
        this.deps.runStage(m.id, m.downstream);
        break;
      case 'runAll':
        this.deps.runAll();
        break;
      case 'cancelRun':
        this.deps.cancelRun();
        break;
      case 'refresh':
        this.deps.refresh();
        break;
      case 'rendered':
        this.rendered = { nodes: m.nodes, edges: m.edges };
        break;
      case 'cspViolation':
      case 'error':
        logPageProblem(this.deps.log, 'DAG panel', m);
        break;
      default:
        assertNever(m);
    }
  }

  private record(entry: DagMessage): void {
    this.messages.push(entry);
    if (this.messages.length > LOG_LIMIT) this.messages.splice(0, this.messages.length - LOG_LIMIT);
  }
}

function assertNever(m: never): never {
  throw new Error(`unhandled message ${JSON.stringify(m)}`);
}
