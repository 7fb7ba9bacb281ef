import * as vscode from 'vscode';
import path from 'node:path';
import fs from 'node:fs';
import { findStores } from '../../core/discovery/findStores';
import { RunCatalog, errorMessage } from '../../core/runs/runCatalog';
import { compileRunQuery, type RunQuery } from '../../core/runs/runQuery';
import type { StoreProblem, StoreRef } from '../../core/runs/types';
import { readRunsSettings } from '../../platform/settings';
import { StoreWatcher } from '../../platform/storeWatcher';
import { RunningStatusBar } from './runningStatusBar';
import { registerRunsCommands } from './runsCommands';
import { RunsTreeProvider } from './runsTreeProvider';
import type { RunsElement } from './runsTreeItems';
import { RunsViewState } from './runsViewState';
import { openTrackingServerReader, registerTrackingServerCredentials } from './trackingServerCredentials';

export interface RunsFeature extends vscode.Disposable {
  /** Resolves when the first discovery and read have finished (tests wait on it). */
  whenReady(): Promise<void>;
  runsTree: RunsTreeProvider;
  catalog: RunCatalog;
  /** The view's selected items (Compare Runs starts from them). */
  selection(): readonly RunsElement[];
  onDidChangeSelection: vscode.Event<readonly RunsElement[]>;
}

/** Wires the Runs view: discovery, catalog, watcher, tree, commands, status bar. Heavy work starts after activation. */
export function createRunsFeature(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): RunsFeature {
  const storageDir = (context.storageUri ?? context.globalStorageUri).fsPath;
  const workerPath = path.join(context.extensionUri.fsPath, 'dist', 'sqliteWorker.js');
  const metricWorkerPath = path.join(context.extensionUri.fsPath, 'dist', 'metricReadWorker.js');
  const catalog = new RunCatalog({
    indexFile: path.join(storageDir, 'run-index.sqlite'),
    sqliteWorkerPath: fs.existsSync(workerPath) ? workerPath : undefined,
    metricReadWorkerPath: fs.existsSync(metricWorkerPath) ? metricWorkerPath : undefined,
    log: { info: (m) => log.info(m), warn: (m) => log.warn(m), error: (m) => log.error(m) },
    openReader: openTrackingServerReader(context.secrets),
  });
  const viewState = new RunsViewState(context.workspaceState);
  const roots = () => (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
  const showDeleted = () => viewState.showDeleted ?? readRunsSettings().showDeleted;

  let query: RunQuery = compileQuerySafely(viewState.filter, viewState.orderBy, log);
  const tree = new RunsTreeProvider(catalog, viewState, () => query, showDeleted, () => roots()[0]);
  const view = vscode.window.createTreeView('mlops.runs', { treeDataProvider: tree, showCollapseAll: true, canSelectMany: true });
  const statusBar = new RunningStatusBar();
  let discoveryProblems: StoreProblem[] = [];

  // The view's header (and so its description) is hidden while Runs is alone in its container: the message is not.
  const describeView = () => {
    view.description = query.active ? `filter: ${viewState.filter}` : undefined;
    if (query.active) {
      const visible = catalog.allRuns().filter((r) => showDeleted() || r.lifecycleStage !== 'deleted');
      const shown = visible.filter((r) => query.matches(r)).length;
      view.message = `Filter: ${viewState.filter} (${shown} of ${visible.length} runs)`;
    } else {
      view.message = undefined;
    }
    void vscode.commands.executeCommand('setContext', 'mlops.runFilterActive', query.active);
  };
  const onViewStateChange = () => {
    query = compileQuerySafely(viewState.filter, viewState.orderBy, log);
    describeView();
    tree.refresh();
  };

  const discover = async (): Promise<StoreRef[]> => {
    const t0 = performance.now();
    const found = new Map<string, StoreRef>();
    discoveryProblems = [];
    for (const root of roots()) {
      const settings = readRunsSettings(vscode.workspace.getWorkspaceFolder(vscode.Uri.file(root)));
      const { stores, problems } = await findStores(root, { env: process.env, trackingUri: settings.trackingUri || undefined, maxDepth: settings.searchDepth });
      for (const s of stores) found.set(s.uri, s);
      discoveryProblems.push(...problems);
    }
    for (const p of discoveryProblems) log.warn(`${p.file}: ${p.message}`);
    log.info(`Found ${found.size} run store(s) in ${Math.round(performance.now() - t0)} ms: ${[...found.values()].map((s) => s.path).join(', ') || 'none'}`);
    return [...found.values()];
  };

  let rediscoverTimer: NodeJS.Timeout | undefined;
  const load = async () => {
    const stores = await discover();
    await catalog.setStores(stores);
    watcher.watch(stores);
  };
  const rediscover = () => {
    clearTimeout(rediscoverTimer);
    rediscoverTimer = setTimeout(() => void load().catch((e) => log.error(`Store discovery failed: ${errorMessage(e)}`)), 500);
  };
  const watcher = new StoreWatcher(
    (paths) => void catalog.filesChanged(paths),
    rediscover,
    (folders) => void (async () => {
      const known = new Set(catalog.storeRefs().map((s) => s.uri));
      for (const folder of folders) {
        const { stores } = await findStores(folder, { maxDepth: 3, maxEntries: 5000 });
        if (stores.some((s) => !known.has(s.uri))) return rediscover();
      }
    })().catch((e) => log.warn(`Looking for stores in new folders failed: ${errorMessage(e)}`)),
  );

  const catalogSub = catalog.onDidChange(() => {
    tree.refresh();
    if (query.active) describeView();
    statusBar.update(catalog.allRuns());
  });

  // Off the activation path: sql.js, the disk walk and the reads all start after activate() returned.
  const ready = new Promise<void>((resolve) => setTimeout(resolve, 0))
    .then(load)
    .catch((e) => log.error(`Reading runs failed: ${errorMessage(e)}`))
    .finally(() => tree.markLoaded());

  describeView();
  const disposables = vscode.Disposable.from(
    view, tree, statusBar, watcher, viewState,
    viewState.onDidChange(onViewStateChange),
    { dispose: () => { clearTimeout(rediscoverTimer); catalogSub.dispose(); } },
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('mlops.trackingUri') || e.affectsConfiguration('mlops.runs.searchDepth')) void load();
      if (e.affectsConfiguration('mlops.runs.showDeleted')) tree.refresh();
    }),
    vscode.workspace.onDidChangeWorkspaceFolders(() => void load()),
    registerTrackingServerCredentials(context.secrets, catalog),
    registerRunsCommands({
      catalog, viewState, output: log, workspaceRoots: roots, showDeleted,
      selection: () => view.selection,
      refresh: async () => {
        await load();
        await catalog.refresh();
      },
    }),
  );

  return {
    whenReady: () => ready,
    runsTree: tree,
    catalog,
    selection: () => view.selection,
    onDidChangeSelection: (listener, thisArg, disposables) => view.onDidChangeSelection((e) => listener.call(thisArg, e.selection), undefined, disposables),
    dispose: () => {
      disposables.dispose();
      void catalog.dispose();
    },
  };
}

/** A saved filter that no longer parses (hand-edited state, grammar change) must not break the view. */
function compileQuerySafely(filter: string, orderBy: string, log: vscode.LogOutputChannel): RunQuery {
  try {
    return compileRunQuery(filter, orderBy);
  } catch (e) {
    log.warn(`Ignoring the saved run filter or order: ${errorMessage(e)}`);
    return compileRunQuery('', '');
  }
}
