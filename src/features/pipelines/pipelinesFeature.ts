import * as vscode from 'vscode';
import type { SharedDvcHashing } from '../../platform/dvcHashing';
import fs from 'node:fs';
import path from 'node:path';
import type { ReadText } from '../../core/dvc/pipeline/dvcYaml';
import { DAG_VIEW_TYPE } from '../../protocol/dag';
import { PathBatcher } from '../../platform/pathBatcher';
import { coreRunner } from './coreRunner';
import { DagPanel, type DagMessage, type DagPanelDeps } from './dagPanel';
import { PipelineCodeLensController, PipelineCodeLensProvider } from './pipelineCodeLens';
import { openStage, registerPipelineCommands } from './pipelineCommands';
import { PipelineDiagnostics } from './pipelineDiagnostics';
import { registerPipelineLanguage } from './pipelineLanguage';
import { PipelineRunController } from './pipelineRunController';
import type { PipelineRunOutcome, RunnerSetting } from './pipelineRunTypes';
import { PipelinesTreeProvider } from './pipelinesTree';
import { PipelineWorkspace, reproTarget, stageKey } from './pipelineWorkspace';
import type { StageState } from '../../protocol/dag';

/** What the in-host tests see of the Pipelines feature. */
export interface PipelinesTestApi {
  /** Resolves when no status pass is running or waiting. */
  whenIdle(): Promise<void>;
  tree: PipelinesTreeProvider;
  stages(): { key: string; name: string; address: string; state: StageState; summary: string; reasons: string[] }[];
  diagnostics(file: string): readonly vscode.Diagnostic[];
  dag(): { messages: readonly DagMessage[]; rendered?: { nodes: number; edges: number }; visible: boolean } | undefined;
  lastRun(): { outcome?: PipelineRunOutcome; transcript: string };
}

export interface PipelinesFeature extends vscode.Disposable {
  testApi: PipelinesTestApi;
  /** A pipeline run started, progressed or ended (outputs may have changed). */
  onDidChangeRuns: vscode.Event<void>;
}

const RELOAD_DELAY_MS = 300;
const TYPING_DELAY_MS = 400;

/**
 * Wires the Pipelines feature: the model of every dvc.yaml and its status, the view, CodeLens, hovers and
 * definitions, diagnostics, the runner with its terminal, and the DAG panel. The first read starts after activation.
 */
export function createPipelinesFeature(context: vscode.ExtensionContext, log: vscode.LogOutputChannel, hashing: SharedDvcHashing): PipelinesFeature {
  const folders = () => (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
  const workspaceRoot = () => folders()[0];

  const getHasher = () => hashing.hasher();
  const saveHashCache = () => hashing.saveSoon();

  // dvc.yaml is read from its editor when it has unsaved changes: CodeLens and problems follow typing.
  const readText: ReadText = async (file) => {
    if (path.basename(file) === 'dvc.yaml') {
      const doc = vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'file' && d.uri.fsPath === file);
      if (doc?.isDirty) return doc.getText();
    }
    try {
      return await fs.promises.readFile(file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
  };

  const workspace = new PipelineWorkspace({
    folders,
    hasher: getHasher,
    readText,
    log: { info: (m) => log.info(m), warn: (m) => log.warn(m), error: (m) => log.error(m) },
    afterStatus: saveHashCache,
  });
  const runs = new PipelineRunController({
    workspace,
    runPipeline: async (req) => coreRunner(await getHasher(), workspaceRoot)(req),
    runnerSetting: () => vscode.workspace.getConfiguration('mlops').get<RunnerSetting>('pipeline.runner', 'auto'),
    state: context.workspaceState,
    log,
  });
  const tree = new PipelinesTreeProvider(workspace, runs, workspaceRoot);
  const view = vscode.window.createTreeView('mlops.pipelines', { treeDataProvider: tree, showCollapseAll: true });
  const lenses = new PipelineCodeLensProvider(workspace, runs, tree);
  const diagnostics = new PipelineDiagnostics(workspace);

  const updateBadge = () => {
    const toRun = workspace.stages().filter((ref) => {
      const s = tree.lookOf(ref).state;
      return s === 'changed' || s === 'neverRun' || s === 'failed';
    }).length;
    view.badge = toRun ? { value: toRun, tooltip: `${toRun} pipeline stage${toRun === 1 ? '' : 's'} to run` } : undefined;
  };
  const onModelChange = () => {
    tree.refresh();
    diagnostics.update();
    updateBadge();
    if (workspace.loaded) void vscode.commands.executeCommand('setContext', 'mlops.pipelinesLoaded', true);
  };
  const modelSub = workspace.onDidChange(onModelChange);

  // File changes: only those that can change a stage's status start a (batched) refresh. Until a dvc.yaml exists
  // (the extension also activates for MLflow stores) nothing is walked at all.
  let active = false;
  let structural = false;
  const batcher = new PathBatcher((paths) => {
    const rediscover = structural;
    structural = false;
    if (rediscover) active = true;
    if (active && (rediscover || paths.some((p) => workspace.isRelevant(p)))) void workspace.refresh(rediscover);
  }, RELOAD_DELAY_MS);
  const watcher = vscode.workspace.createFileSystemWatcher('**/*');
  const onCreateOrDelete = (uri: vscode.Uri) => {
    if (workspace.isStructural(uri.fsPath)) structural = true;
    batcher.add(uri);
  };
  let typingTimer: NodeJS.Timeout | undefined;

  // The DAG panel (one per window), and the serializer that brings it back after a reload.
  let dag: DagPanel | undefined;
  const runStageByKey = (key: string, downstream: boolean) => void vscode.commands.executeCommand(downstream ? 'mlops.runStageDownstream' : 'mlops.runStage', key);
  const dagDeps: DagPanelDeps = {
    extensionUri: context.extensionUri,
    workspace,
    onRunsChange: runs.onDidChange,
    isRunning: () => runs.running,
    lookOf: (repo, index) => tree.lookOf({ repo, stage: repo.loaded.stages[index] }),
    workspaceRoot,
    log,
    openStage: async (key) => {
      const ref = workspace.findStage(key);
      if (ref) await openStage(ref);
    },
    runStage: runStageByKey,
    runAll: () => void vscode.commands.executeCommand('mlops.runPipeline'),
    cancelRun: () => void runs.cancel(),
    refresh: () => {
      active = true;
      void workspace.refresh(true);
    },
  };
  const track = (panel: DagPanel) => {
    dag = panel;
    panel.onDidDispose(() => {
      if (dag === panel) dag = undefined;
    });
  };

  const disposables = vscode.Disposable.from(
    view, tree, runs, diagnostics, batcher, watcher,
    { dispose: () => modelSub.dispose() },
    new PipelineCodeLensController(lenses, workspace, runs),
    registerPipelineLanguage(workspace),
    runs.onDidChange(() => {
      tree.refresh();
      updateBadge();
    }),
    watcher.onDidChange((uri) => batcher.add(uri)),
    watcher.onDidCreate(onCreateOrDelete),
    watcher.onDidDelete(onCreateOrDelete),
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.document.uri.scheme !== 'file' || path.basename(e.document.uri.fsPath) !== 'dvc.yaml' || e.contentChanges.length === 0) return;
      clearTimeout(typingTimer);
      typingTimer = setTimeout(() => {
        active = true;
        void workspace.refresh();
      }, TYPING_DELAY_MS);
    }),
    vscode.workspace.onDidChangeWorkspaceFolders(() => {
      active = true;
      void workspace.refresh(true);
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => tree.refresh()),
    registerPipelineCommands({
      workspace,
      runs,
      tree,
      view,
      showDag: () => {
        if (dag) dag.reveal();
        else track(DagPanel.open(dagDeps));
      },
      refresh: () => {
        active = true;
        return workspace.refresh(true);
      },
    }),
    vscode.window.registerWebviewPanelSerializer(DAG_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel: vscode.WebviewPanel) => {
        if (dag) {
          panel.dispose();
          return;
        }
        track(DagPanel.restore(dagDeps, panel));
      },
    }),
  );

  // Off the activation path: the walk, the parse and the hashing start after activate() returned.
  const firstRead = (async () => {
    await new Promise((r) => setTimeout(r, 0));
    const found = await vscode.workspace.findFiles('**/dvc.yaml', '**/{node_modules,.git,.dvc,.venv,venv}/**', 1);
    if (found.length === 0 && !active) {
      log.info('Pipelines: no dvc.yaml in the workspace; waiting for one to appear.');
      void vscode.commands.executeCommand('setContext', 'mlops.pipelinesLoaded', true);
      return;
    }
    active = true;
    await workspace.refresh();
  })().catch((e) => log.error(`Reading the pipelines failed: ${(e as Error).message}`));

  return {
    onDidChangeRuns: runs.onDidChange,
    testApi: {
      whenIdle: async () => {
        await firstRead;
        await workspace.whenIdle();
      },
      tree,
      stages: () =>
        workspace.stages().map((ref) => {
          const look = tree.lookOf(ref);
          return { key: stageKey(ref.stage), name: ref.stage.name, address: reproTarget(ref), state: look.state, summary: look.summary, reasons: look.reasons };
        }),
      diagnostics: (file) => diagnostics.get(vscode.Uri.file(file)),
      dag: () => (dag ? { messages: dag.messages, rendered: dag.rendered, visible: dag.panel.visible } : undefined),
      lastRun: () => ({ outcome: runs.lastOutcome, transcript: runs.lastTranscript }),
    },
    dispose: () => {
      clearTimeout(typingTimer);
      dag?.dispose();
      disposables.dispose();
      workspace.dispose();
    },
  };
}
