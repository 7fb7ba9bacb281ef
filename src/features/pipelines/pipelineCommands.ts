import * as vscode from 'vscode';
import path from 'node:path';
import type { PipelineRunOutcome } from './pipelineRunTypes';
import type { PipelineRunController } from './pipelineRunController';
import { UNTRUSTED_MESSAGE } from './pipelineRunController';
import type { PipelinesElement, PipelinesTreeProvider } from './pipelinesTree';
import { lookupParam, readParamsFile } from '../../core/dvc/pipeline/paramsFile';
import { reproTarget, type PipelineWorkspace, type RepoPipelines, type StageRef } from './pipelineWorkspace';

export interface PipelineCommandDeps {
  workspace: PipelineWorkspace;
  runs: PipelineRunController;
  tree: PipelinesTreeProvider;
  view: vscode.TreeView<PipelinesElement>;
  showDag(): void;
  refresh(): Promise<void>;
}

/**
 * The pipeline commands. Run commands take a tree element, a stage key, a list of keys (a foreach key's stages),
 * a stage address or name, or nothing (then they ask); they resolve with the run's outcome.
 */
export function registerPipelineCommands(d: PipelineCommandDeps): vscode.Disposable {
  const register = (id: string, fn: (...args: never[]) => unknown) => vscode.commands.registerCommand(id, fn);

  const runStages = async (arg: unknown, downstream: boolean): Promise<PipelineRunOutcome | undefined> => {
    if (!trusted()) return undefined;
    await d.workspace.whenIdle();
    const refs = resolveStages(d.workspace, arg) ?? (await pickStages(d.workspace, downstream));
    if (!refs?.length) return undefined;
    const repo = refs[0].repo;
    if (refs.some((r) => r.repo !== repo)) throw new Error('These stages are in different DVC repositories: run them one repository at a time.');
    const names = refs.length > 1 && refs[0].stage.generatedFrom && refs.every((r) => r.stage.generatedFrom === refs[0].stage.generatedFrom) ? refs[0].stage.generatedFrom : refs.map((r) => r.stage.name).join(', ');
    return d.runs.run({ repoRoot: repo.root, targets: refs.map(reproTarget), downstream, title: `${names}${downstream ? ' and downstream' : ''}` });
  };

  return vscode.Disposable.from(
    register('mlops.runStage', (arg?: unknown) => runStages(arg, false)),
    register('mlops.runStageDownstream', (arg?: unknown) => runStages(arg, true)),

    register('mlops.runPipeline', async (arg?: unknown): Promise<PipelineRunOutcome | undefined> => {
      if (!trusted()) return undefined;
      await d.workspace.whenIdle();
      const el = arg as PipelinesElement | undefined;
      if (el && typeof el === 'object' && el.kind === 'dvcfile') {
        const rel = path.relative(el.repo.root, el.file).split(path.sep).join('/');
        return d.runs.run({ repoRoot: el.repo.root, targets: [rel], downstream: false, title: `${rel} (changed stages)` });
      }
      const repos = d.workspace.repos.filter((r) => r.loaded.stages.length > 0);
      const repo = repos.length <= 1 ? repos[0] : await pickRepo(repos);
      if (!repo) {
        if (!repos.length) void vscode.window.showInformationMessage('No dvc.yaml with stages in this workspace: nothing to run.');
        return undefined;
      }
      return d.runs.run({ repoRoot: repo.root, downstream: false, title: 'pipeline (changed stages)' });
    }),

    register('mlops.cancelPipelineRun', () => {
      if (!d.runs.cancel()) void vscode.window.showInformationMessage('No pipeline run is in progress.');
    }),

    register('mlops.showDag', () => d.showDag()),

    register('mlops.refreshPipelines', () =>
      vscode.window.withProgress({ location: { viewId: 'mlops.pipelines' }, title: 'Checking pipeline status' }, () => d.refresh())),

    register('mlops.openStage', async (arg?: unknown) => {
      const ref = resolveStages(d.workspace, arg)?.[0];
      if (ref) await openStage(ref);
    }),

    register('mlops.revealStage', async (arg?: unknown) => {
      const key = typeof arg === 'string' ? arg : undefined;
      const el = key ? d.tree.elementOf(key) : undefined;
      if (el) await d.view.reveal(el, { select: true, focus: true, expand: true });
    }),

    register('mlops.openPipelinePath', async (el?: PipelinesElement) => {
      const target = el ?? d.view.selection[0];
      if (target?.kind !== 'path') return;
      const uri = vscode.Uri.file(target.abs);
      let stat: vscode.FileStat | undefined;
      try {
        stat = await vscode.workspace.fs.stat(uri);
      } catch {
        void vscode.window.showWarningMessage(`${target.label} does not exist${target.role === 'dep' ? '' : ' yet: run the stage to create it'}.`);
        return;
      }
      if (stat.type & vscode.FileType.Directory) {
        await vscode.commands.executeCommand('revealInExplorer', uri);
        return;
      }
      if (target.role === 'params') {
        const spec = target.ref.stage.params[target.index];
        const found = spec.keys.length ? lookupParam(await readParamsFile(target.abs), spec.keys[0]) : undefined;
        const line = Math.max(0, (found?.pos?.line ?? 1) - 1);
        await vscode.window.showTextDocument(uri, { selection: new vscode.Range(line, 0, line, 0), preview: true });
        return;
      }
      await vscode.commands.executeCommand('vscode.open', uri);
    }),

    register('mlops.revealPipelinePath', async (el?: PipelinesElement) => {
      const target = el ?? d.view.selection[0];
      const file = target?.kind === 'path' ? target.abs : target?.kind === 'dvcfile' ? target.file : target?.kind === 'stage' ? target.ref.stage.dvcfile : undefined;
      if (file) await vscode.commands.executeCommand('revealInExplorer', vscode.Uri.file(file));
    }),
  );
}

function trusted(): boolean {
  if (vscode.workspace.isTrusted) return true;
  void vscode.window.showWarningMessage(UNTRUSTED_MESSAGE, 'Manage Workspace Trust').then((choice) => {
    if (choice) void vscode.commands.executeCommand('workbench.trust.manage');
  });
  return false;
}

/** Stages named by a command argument; undefined when there is no argument (the command then asks). */
export function resolveStages(workspace: PipelineWorkspace, arg: unknown): StageRef[] | undefined {
  if (arg === undefined || arg === null) return undefined;
  if (Array.isArray(arg)) return arg.flatMap((a) => resolveStages(workspace, a) ?? []);
  if (typeof arg === 'object' && 'kind' in arg) {
    const el = arg as PipelinesElement;
    if (el.kind === 'stage' || el.kind === 'path') return [el.ref];
    if (el.kind === 'dvcfile') return workspace.stagesOf(el.file);
    return [];
  }
  if (typeof arg !== 'string') return [];
  const byKey = workspace.findStage(arg);
  if (byKey) return [byKey];
  // An address (`train`, `sub/dvc.yaml:train`) or a foreach/matrix group name (`evaluate`).
  const all = workspace.stages();
  const exact = all.filter((r) => reproTarget(r) === arg || r.stage.name === arg);
  if (exact.length) return exact;
  const group = all.filter((r) => r.stage.generatedFrom === arg);
  if (group.length) return group;
  throw new Error(`No pipeline stage '${arg}' in this workspace.`);
}

async function pickStages(workspace: PipelineWorkspace, downstream: boolean): Promise<StageRef[] | undefined> {
  const items = workspace.stages().map((ref) => {
    const status = workspace.statusOf(ref.stage);
    return {
      label: ref.stage.name,
      description: status ? (status.changed ? status.reasons[0]?.message ?? 'changed' : 'up to date') : 'checking…',
      detail: path.relative(ref.repo.root, ref.stage.dvcfile) !== 'dvc.yaml' ? path.relative(ref.repo.root, ref.stage.dvcfile) : undefined,
      ref,
    };
  });
  if (!items.length) {
    void vscode.window.showInformationMessage('No dvc.yaml with stages in this workspace.');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(items, { title: downstream ? 'Run a Stage and Everything Downstream' : 'Run a Stage', placeHolder: 'Stage to run (with the stages it needs, when they changed)', matchOnDescription: true });
  return picked ? [picked.ref] : undefined;
}

async function pickRepo(repos: RepoPipelines[]): Promise<RepoPipelines | undefined> {
  const picked = await vscode.window.showQuickPick(repos.map((repo) => ({ label: path.basename(repo.root), description: repo.root, repo })), { title: 'Run Which Pipeline?' });
  return picked?.repo;
}

export async function openStage(ref: StageRef): Promise<void> {
  const line = Math.max(0, ref.stage.pos.line - 1);
  const col = Math.max(0, ref.stage.pos.column - 1);
  const range = new vscode.Range(line, col, line, col + (ref.stage.generatedFrom ?? ref.stage.name).length);
  await vscode.window.showTextDocument(vscode.Uri.file(ref.stage.dvcfile), { selection: range, preview: false });
}
