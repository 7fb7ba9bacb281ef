import * as vscode from 'vscode';
import type { RunCatalog } from '../../core/runs/runCatalog';
import { COMPARE_VIEW_TYPE, isComparePersistedState, MAX_POINTS_PER_SERIES, type CompareRunRef } from '../../protocol/compare';
import type { RunsElement } from '../runs/runsTreeItems';
import { registerCompareCommands } from './compareCommands';
import { ComparePanel, type ComparePanelDeps, type LoggedMessage } from './comparePanel';
import { saveDialogTarget, type SaveTarget } from './exportFile';
import { HistoryCache } from './historyCache';

/** Histories stay cached this long after the last Compare panel closed (a reopen is then instant). */
const CACHE_IDLE_MS = 3 * 60_000;

export interface CompareFeatureDeps {
  catalog: RunCatalog;
  log: vscode.LogOutputChannel;
  whenReady(): Promise<void>;
  /** The Runs view's selection. */
  selection(): readonly RunsElement[];
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
  const track = (panel: ComparePanel) => {
    panels.add(panel);
    clearTimeout(idleTimer);
    panel.onDidDispose(() => {
      panels.delete(panel);
      if (panels.size > 0) return;
      // Up to a few hundred MB of histories: released when no panel has needed them for a while.
      idleTimer = setTimeout(() => histories.clear(), CACHE_IDLE_MS);
      idleTimer.unref?.();
    });
    return panel;
  };

  const disposables = vscode.Disposable.from(
    registerCompareCommands({
      catalog: d.catalog,
      selection: d.selection,
      whenReady: d.whenReady,
      open: (refs: CompareRunRef[]) => {
        track(ComparePanel.open(deps, refs));
      },
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
