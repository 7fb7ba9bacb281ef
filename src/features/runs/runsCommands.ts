import * as vscode from 'vscode';
import path from 'node:path';
import { metricKeysOf, paramKeysOf } from '../../core/runs/keyMetric';
import { validateRunQuery } from '../../core/runs/runQuery';
import type { RunCatalog } from '../../core/runs/runCatalog';
import { resolveArtifactsFolder, resolveRunSource } from './runLocations';
import type { RunsElement } from './runsTreeItems';
import type { RunsViewState } from './runsViewState';

type RunElement = Extract<RunsElement, { kind: 'run' }>;

export interface RunsCommandDeps {
  catalog: RunCatalog;
  viewState: RunsViewState;
  refresh: () => Promise<void>;
  output: vscode.OutputChannel;
  workspaceRoots: () => string[];
  showDeleted: () => boolean;
  selection: () => readonly RunsElement[];
}

export function registerRunsCommands(d: RunsCommandDeps): vscode.Disposable {
  const runOf = (el?: RunsElement): RunElement | undefined => {
    const target = el ?? d.selection()[0];
    return target?.kind === 'run' ? target : undefined;
  };
  const register = (id: string, fn: (...args: never[]) => unknown) => vscode.commands.registerCommand(id, fn);
  return vscode.Disposable.from(
    register('mlops.refreshRuns', () =>
      vscode.window.withProgress({ location: { viewId: 'mlops.runs' }, title: 'Reading runs' }, () => d.refresh())),

    // A string argument (from a keybinding or a test) applies that filter without asking.
    register('mlops.filterRuns', async (given?: unknown) => {
      if (typeof given === 'string') {
        const problem = validateRunQuery(given, d.viewState.orderBy)?.filter;
        if (problem) throw new Error(`Bad run filter: ${problem}`);
        await d.viewState.setFilter(given);
        return;
      }
      const text = await vscode.window.showInputBox({
        title: 'Filter Runs (MLflow search syntax)',
        value: d.viewState.filter,
        placeHolder: "metrics.accuracy > 0.9 and params.optimizer = 'adam' and tags.team LIKE 'vis%'",
        prompt: 'Fields: metrics.<key>, params.<key>, tags.<key>, attributes.status|run_name|start_time|… joined by AND. Empty shows all runs.',
        validateInput: (value) => validateRunQuery(value, d.viewState.orderBy)?.filter,
      });
      if (text !== undefined) await d.viewState.setFilter(text);
    }),

    register('mlops.clearRunFilter', () => d.viewState.setFilter('')),

    // A string argument (a keybinding or a test) sorts by that MLflow order-by without asking.
    register('mlops.sortRuns', async (given?: unknown) => {
      if (typeof given === 'string') {
        const problem = validateRunQuery(d.viewState.filter, given)?.orderBy;
        if (problem) throw new Error(`Bad run order: ${problem}`);
        await d.viewState.setOrderBy(given);
        return;
      }
      const runs = d.catalog.allRuns();
      const fields: vscode.QuickPickItem[] = [
        { label: 'attributes.start_time', description: 'Start time (MLflow default)' },
        { label: 'attributes.end_time', description: 'End time' },
        { label: 'attributes.run_name', description: 'Run name' },
        { label: 'Metrics', kind: vscode.QuickPickItemKind.Separator },
        ...metricKeysOf(runs).map((k) => ({ label: `metrics.${quoteKey(k)}` })),
        { label: 'Params', kind: vscode.QuickPickItemKind.Separator },
        ...paramKeysOf(runs).map((k) => ({ label: `params.${quoteKey(k)}` })),
      ];
      const field = await vscode.window.showQuickPick(fields, { title: 'Sort Runs By', placeHolder: `Now: ${d.viewState.orderBy || 'attributes.start_time DESC'}` });
      if (!field) return;
      const dir = await vscode.window.showQuickPick(
        [{ label: 'DESC', description: 'Largest / newest first' }, { label: 'ASC', description: 'Smallest / oldest first' }],
        { title: `Sort by ${field.label}` });
      if (dir) await d.viewState.setOrderBy(`${field.label} ${dir.label}`);
    }),

    register('mlops.toggleDeletedRuns', async () => {
      const show = !d.showDeleted();
      await d.viewState.setShowDeleted(show);
      void vscode.window.setStatusBarMessage(show ? 'MLOps: showing deleted runs and experiments' : 'MLOps: hiding deleted runs and experiments', 3000);
    }),

    register('mlops.chooseKeyMetric', async (el?: RunsElement) => {
      const target = el?.kind === 'experiment' ? el : d.selection().find((s) => s.kind === 'experiment');
      if (target?.kind !== 'experiment') {
        void vscode.window.showInformationMessage('Choose Key Metric works on an experiment: right-click one in the Runs view.');
        return;
      }
      const keys = metricKeysOf(d.catalog.runs(target.ref.uri, target.experiment.experimentId));
      if (keys.length === 0) {
        void vscode.window.showInformationMessage(`The runs of ${target.experiment.name} have no metrics yet.`);
        return;
      }
      const key = await vscode.window.showQuickPick(keys, { title: `Key metric for ${target.experiment.name}`, placeHolder: 'Shown next to each run' });
      if (key) await d.viewState.setKeyMetric(target.ref.uri, target.experiment.experimentId, key);
    }),

    register('mlops.copyRunId', async (el?: RunsElement) => {
      const run = runOf(el)?.node.run;
      if (!run) return;
      await vscode.env.clipboard.writeText(run.runId);
      void vscode.window.setStatusBarMessage(`Copied run ID ${run.runId}`, 3000);
    }),

    register('mlops.openRunSource', async (el?: RunsElement) => {
      const run = runOf(el)?.node.run;
      if (!run) return;
      const source = resolveRunSource(run, d.workspaceRoots());
      if (!source.recorded) {
        void vscode.window.showWarningMessage(`Run ${run.runName || run.runId} has no mlflow.source.name tag, so its source file is unknown.`);
      } else if (!source.path) {
        void vscode.window.showWarningMessage(`The source file MLflow recorded for run ${run.runName || run.runId}, "${source.recorded}", is not in this workspace.`);
      } else {
        await vscode.window.showTextDocument(vscode.Uri.file(source.path));
      }
    }),

    register('mlops.revealRunArtifacts', async (el?: RunsElement) => {
      const run = runOf(el)?.node.run;
      if (!run) return;
      const folder = resolveArtifactsFolder(run);
      if (!folder) {
        void vscode.window.showWarningMessage(`Run ${run.runName || run.runId} has no local artifacts folder (artifact URI: ${run.artifactUri ?? 'none'}).`);
        return;
      }
      const inWorkspace = d.workspaceRoots().some((r) => !path.relative(r, folder).startsWith('..'));
      await vscode.commands.executeCommand(inWorkspace ? 'revealInExplorer' : 'revealFileInOS', vscode.Uri.file(folder));
    }),

    register('mlops.openRunMeta', async (el?: RunsElement) => {
      const run = runOf(el)?.node.run;
      if (run?.metaPath) await vscode.window.showTextDocument(vscode.Uri.file(run.metaPath));
    }),

    register('mlops.openProblemFile', async (el?: RunsElement) => {
      if (el?.kind !== 'problem') return;
      const line = Math.max(0, (el.problem.line ?? 1) - 1);
      try {
        await vscode.window.showTextDocument(vscode.Uri.file(el.problem.file), { selection: new vscode.Range(line, 0, line, 0) });
      } catch {
        await vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(el.problem.file));
      }
    }),

    register('mlops.showOutput', () => d.output.show(true)),
  );
}

/** Keys with characters outside MLflow's bare identifiers need backticks in search expressions. */
function quoteKey(key: string): string {
  return /^[A-Za-z_][\w.\-/]*$/.test(key) && !key.includes('.') ? key : `\`${key}\``;
}
