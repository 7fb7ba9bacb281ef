import * as vscode from 'vscode';
import type { RunCatalog } from '../../core/runs/runCatalog';
import type { Run } from '../../core/runs/types';
import type { CompareRunRef } from '../../protocol/compare';
import type { RunsElement } from '../runs/runsTreeItems';

export interface CompareCommandDeps {
  catalog: RunCatalog;
  /** The Runs view's selection (for the view's title button and the palette's pre-selection). */
  selection(): readonly RunsElement[];
  whenReady(): Promise<void>;
  open(refs: CompareRunRef[]): void;
  /** Runs the user is about to compare (ticked in the quick pick): their first chart may be read ahead. */
  prefetch(refs: CompareRunRef[]): void;
}

/**
 * `mlops.compareRuns`: from the Runs view's context menu (the clicked item and the multi-selection; an experiment
 * stands for its runs), from the view's title and the palette (a multi-select quick pick, the view's selection
 * ticked), or with run ids (tests, links from the CLI's output).
 */
export function registerCompareCommands(d: CompareCommandDeps): vscode.Disposable {
  return vscode.commands.registerCommand('mlops.compareRuns', async (clicked?: unknown, selected?: unknown) => {
    await d.whenReady();
    const given = runsFromArguments(d.catalog, clicked, selected);
    if ('error' in given) throw new Error(given.error);
    // Two or more runs picked in the view (or given by id): compare at once. Fewer: let the user pick.
    const runs = given.runs.length >= 2 || (given.byId && given.runs.length >= 1) ? given.runs : await pickRuns(d, given.runs);
    if (!runs || runs.length === 0) return;
    d.open(runs.map((r) => ({ storeUri: r.store.uri, runId: r.runId })));
  });
}

type Given = { runs: Run[]; byId: boolean } | { error: string };

export function runsFromArguments(catalog: RunCatalog, clicked: unknown, selected: unknown): Given {
  const ids = runIdArguments(clicked);
  if (ids) {
    const runs = ids.map((id) => catalog.findRun(id));
    const missing = ids.filter((_, i) => !runs[i]);
    if (missing.length) return { error: `Compare Runs: no run with id ${missing.join(', ')} in this workspace's stores.` };
    return { runs: runs as Run[], byId: true };
  }
  const elements = Array.isArray(selected) && selected.length > 0 ? selected : clicked ? [clicked] : [];
  return { runs: runsOfElements(catalog, elements as RunsElement[]), byId: false };
}

/** `["id", ...]`, `{ runIds: [...] }` or one id string. */
function runIdArguments(arg: unknown): string[] | undefined {
  if (typeof arg === 'string') return [arg];
  if (Array.isArray(arg) && arg.length > 0 && arg.every((a) => typeof a === 'string')) return arg as string[];
  if (typeof arg === 'object' && arg !== null && Array.isArray((arg as { runIds?: unknown }).runIds)) {
    const ids = (arg as { runIds: unknown[] }).runIds;
    if (ids.every((a) => typeof a === 'string')) return ids as string[];
  }
  return undefined;
}

function runsOfElements(catalog: RunCatalog, elements: readonly RunsElement[]): Run[] {
  const out = new Map<string, Run>();
  for (const el of elements) {
    if (el?.kind === 'run') out.set(el.node.run.runId, el.node.run);
    else if (el?.kind === 'experiment') {
      for (const run of catalog.runs(el.ref.uri, el.experiment.experimentId)) if (run.lifecycleStage !== 'deleted') out.set(run.runId, run);
    }
  }
  return [...out.values()];
}

async function pickRuns(d: CompareCommandDeps, preselected: Run[]): Promise<Run[] | undefined> {
  const chosen = new Set([...preselected, ...runsOfElements(d.catalog, d.selection())].map((r) => r.runId));
  const experimentNames = new Map<string, string>();
  for (const ref of d.catalog.storeRefs()) for (const e of d.catalog.experiments(ref.uri)) experimentNames.set(`${ref.uri}\n${e.experimentId}`, e.name);
  const experimentOf = (r: Run) => experimentNames.get(`${r.store.uri}\n${r.experimentId}`) ?? r.experimentId;
  const runs = d.catalog.allRuns()
    .filter((r) => r.lifecycleStage !== 'deleted')
    .sort((a, b) => experimentOf(a).localeCompare(experimentOf(b)) || (b.startTime ?? 0) - (a.startTime ?? 0));
  if (runs.length === 0) {
    void vscode.window.showInformationMessage('There are no runs to compare in this workspace yet.');
    return undefined;
  }
  type Item = vscode.QuickPickItem & { run: Run };
  const items: Item[] = runs.map((run) => ({
    label: run.runName || run.runId.slice(0, 8),
    description: `${experimentOf(run)} · ${run.status.toLowerCase()}`,
    detail: run.runId,
    picked: chosen.has(run.runId),
    run,
  }));
  const picked = await pickMany(items, {
    title: 'Compare Runs', placeholder: 'Pick the runs to compare (Space to tick, Enter to open)',
    // Reading starts while the user picks: by Enter, the first chart's histories are (partly) read.
    onSelection: (selected) => d.prefetch(selected.map((i) => ({ storeUri: i.run.store.uri, runId: i.run.runId }))),
  });
  return picked?.map((i) => i.run);
}

/** A multi-select quick pick that reports every change of the ticked items; undefined when dismissed. */
function pickMany<T extends vscode.QuickPickItem>(items: T[], opts: { title: string; placeholder: string; onSelection(selected: readonly T[]): void }): Promise<T[] | undefined> {
  const pick = vscode.window.createQuickPick<T>();
  pick.title = opts.title;
  pick.placeholder = opts.placeholder;
  pick.canSelectMany = true;
  pick.matchOnDescription = true;
  pick.matchOnDetail = true;
  pick.items = items;
  pick.selectedItems = items.filter((i) => i.picked);
  return new Promise((resolve) => {
    let result: T[] | undefined;
    const subscriptions = [
      pick.onDidChangeSelection((selected) => opts.onSelection(selected)),
      pick.onDidAccept(() => {
        // Answered at once, not when the pick has hidden: the panel opens one round trip to the workbench sooner.
        result = [...pick.selectedItems];
        resolve(result);
        pick.hide();
      }),
      pick.onDidHide(() => {
        for (const s of subscriptions) s.dispose();
        pick.dispose();
        resolve(result);
      }),
    ];
    pick.show();
    if (pick.selectedItems.length > 0) opts.onSelection(pick.selectedItems);
  });
}
