import * as vscode from 'vscode';
import { errorMessage, type RunCatalog } from '../../core/runs/runCatalog';
import { COMPARE_VIEW_TYPE, defaultViewState, isComparePersistedState, MAX_POINTS_PER_SERIES, type CompareRunRef } from '../../protocol/compare';
import type { RunsElement } from '../runs/runsTreeItems';
import { registerCompareCommands } from './compareCommands';
import { ComparePanel, compareSessionDeps, type ComparePanelDeps, type LoggedMessage } from './comparePanel';
import { CompareSession } from './compareSession';
import { saveDialogTarget, type SaveTarget } from './exportFile';
import { HistoryCache } from './historyCache';

/** Histories stay cached this long after the last Compare panel closed (a reopen is then instant). */
const CACHE_IDLE_MS = 3 * 60_000;
/** Runs ticked for comparing have their first chart read ahead up to this many runs. */
const PREFETCH_MAX_RUNS = 50;

export interface CompareFeatureDeps {
  catalog: RunCatalog;
  log: vscode.LogOutputChannel;
  whenReady(): Promise<void>;
  /** The Runs view's selection. */
  selection(): readonly RunsElement[];
  onDidChangeSelection: vscode.Event<readonly RunsElement[]>;
}

/** What the in-host tests see of the open Compare panels. */
export interface CompareTestApi {
  panels(): { title: string; runIds: string[]; messages: readonly LoggedMessage[] }[];
  /** Exports go to this path instead of asking with a save dialog (undefined: the dialog again). */
  setSaveTarget(target: ((suggestedName: string) => string | undefined) | undefined): void;
}

export interface CompareFeature extends vscode.Disposable {
  testApi: CompareTestApi;
}

/**
 * The Compare panel: the `mlops.compareRuns` command, the panels it opens, and the serializer that brings them
 * back (same runs, same view) after a reload.
 */
export function createCompareFeature(context: vscode.ExtensionContext, d: CompareFeatureDeps): CompareFeature {
  const panels = new Set<ComparePanel>();
  let testTarget: ((suggestedName: string) => string | undefined) | undefined;
  const dialog = saveDialogTarget(() => vscode.workspace.workspaceFolders?.[0]?.uri);
  const histories = new HistoryCache((storeUri, runId, key) => d.catalog.metricSeries(storeUri, runId, key));
  let idleTimer: NodeJS.Timeout | undefined;
  let catalogRead = false;
  void d.whenReady().then(() => {
    catalogRead = true;
  });
  const deps: ComparePanelDeps = {
    extensionUri: context.extensionUri,
    catalog: d.catalog,
    log: d.log,
    whenReady: d.whenReady,
    isReady: () => catalogRead,
    histories,
    saveTarget: (): SaveTarget => (testTarget
      ? async (name) => {
        const file = testTarget?.(name);
        return file ? vscode.Uri.file(file) : undefined;
      }
      : dialog),
    // Only for the benchmark's baseline (the webview receiving whole histories): never set in normal use.
    maxPoints: process.env.MLOPS_COMPARE_UNDECIMATED === '1' ? Infinity : MAX_POINTS_PER_SERIES,
  };
  // Up to a few hundred MB of histories: released when no panel has needed them for a while.
  const releaseWhenIdle = () => {
    clearTimeout(idleTimer);
    if (panels.size > 0) return;
    idleTimer = setTimeout(() => histories.clear(), CACHE_IDLE_MS);
    idleTimer.unref?.();
  };
  const track = (panel: ComparePanel) => {
    panels.add(panel);
    clearTimeout(idleTimer);
    panel.onDidDispose(() => {
      panels.delete(panel);
      releaseWhenIdle();
    });
    return panel;
  };
  /** Reads the first chart of runs about to be compared into the cache (a few dozen runs at most: it is a guess). */
  const prefetch = (refs: CompareRunRef[]) => {
    if (refs.length === 0 || refs.length > PREFETCH_MAX_RUNS || !catalogRead) return;
    const session = new CompareSession(refs, defaultViewState(), compareSessionDeps(deps));
    void session.prefetchFirstChart().then(
      (metric) => metric && d.log.debug(`Compare: read ahead ${metric} of ${refs.length} runs`),
      (e: unknown) => d.log.debug(`Compare: reading ahead failed: ${errorMessage(e)}`),
    );
    releaseWhenIdle();
  };

  const disposables = vscode.Disposable.from(
    // Two or more runs selected in the Runs view are likely about to be compared (the view's Compare button).
    d.onDidChangeSelection((selection) => {
      const runs = selection.filter((e) => e.kind === 'run');
      if (runs.length >= 2) prefetch(runs.map((e) => ({ storeUri: e.node.run.store.uri, runId: e.node.run.runId })));
    }),
    registerCompareCommands({
      catalog: d.catalog,
      selection: d.selection,
      whenReady: d.whenReady,
      open: (refs: CompareRunRef[]) => {
        track(ComparePanel.open(deps, refs));
      },
      prefetch,
    }),
    vscode.window.registerWebviewPanelSerializer(COMPARE_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel: vscode.WebviewPanel, state: unknown) => {
        if (!isComparePersistedState(state)) {
          // Nothing to restore from (an older panel, or it closed before its first state): close it rather than show an empty page.
          d.log.warn('Compare: a panel from the last session had no saved runs; it was closed.');
          panel.dispose();
          return;
        }
        track(ComparePanel.restore(deps, panel, state.runs, state.view));
      },
    }),
  );

  return {
    testApi: {
      panels: () => [...panels].map((p) => ({ title: p.panel.title, runIds: p.runIds, messages: p.messages })),
      setSaveTarget: (target) => {
        testTarget = target;
      },
    },
    dispose: () => {
      for (const p of [...panels]) p.dispose();
      clearTimeout(idleTimer);
      histories.clear();
      disposables.dispose();
    },
  };
}
