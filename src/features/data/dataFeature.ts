import * as vscode from 'vscode';
import type { SharedDvcHashing } from '../../platform/dvcHashing';
import { PathBatcher } from '../../platform/pathBatcher';
import { registerDataCommands } from './dataCommands';
import { DataDiffDocuments } from './dataDiffDocuments';
import { DataModel } from './dataModel';
import { DataTreeProvider } from './dataTreeProvider';

export interface DataFeature extends vscode.Disposable {
  /** Resolves when the first listing and status check have finished (tests wait on it). */
  whenReady(): Promise<void>;
  /** Lists and checks everything again (after a pipeline run rewrote outputs). */
  refresh(): Promise<void>;
  dataTree: DataTreeProvider;
  dataModel: DataModel;
  dataDiffs: DataDiffDocuments;
}

/**
 * Wires the Data view: the model (listing, statuses, histories), the tree, the commands, and a watcher on
 * `*.dvc` and `dvc.lock` files. Hashing runs after activation, on worker threads, with hashes remembered in the
 * extension's storage so that unchanged files are never hashed again.
 */
export function createDataFeature(context: vscode.ExtensionContext, log: vscode.LogOutputChannel, hashing: SharedDvcHashing): DataFeature {
  const roots = () => (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);

  const saveHashes = async () => hashing.saveSoon();
  const model = new DataModel(roots, () => hashing.hasher(), log, saveHashes);
  const tree = new DataTreeProvider(model, () => roots()[0]);
  const view = vscode.window.createTreeView('mlops.data', { treeDataProvider: tree, showCollapseAll: true });
  const diffs = new DataDiffDocuments();

  const describeView = () => {
    const items = model.items;
    const changed = items.filter((i) => {
      const s = model.statusOf(i)?.status;
      return s !== undefined && s !== 'up-to-date';
    }).length;
    view.description = items.length ? `${items.length} tracked${changed ? ` · ${changed} changed` : ''}` : undefined;
  };
  const modelSub = model.onDidChange(() => {
    tree.refresh();
    describeView();
  });

  // .dvc files and dvc.lock change on `dvc add`, `dvc repro`, `git checkout`: list and check again, once per burst.
  const batcher = new PathBatcher(() => void model.refresh(), 300);
  const watchers: vscode.Disposable[] = [];
  for (const glob of ['**/*.dvc', '**/dvc.lock']) {
    const w = vscode.workspace.createFileSystemWatcher(glob);
    const add = (uri: vscode.Uri) => batcher.add(uri);
    watchers.push(w, w.onDidCreate(add), w.onDidChange(add), w.onDidDelete(add));
  }

  // Off the activation path: the walk and the hashing start after activate() returned.
  const ready = new Promise<void>((resolve) => setTimeout(resolve, 0))
    .then(() => model.refresh())
    .catch((e) => log.error(`Reading DVC data failed: ${(e as Error).message}`))
    .finally(() => tree.refresh());

  const disposables = vscode.Disposable.from(
    view, tree, model, diffs, batcher, ...watchers,
    { dispose: () => modelSub.dispose() },
    vscode.workspace.onDidChangeWorkspaceFolders(() => void model.refresh()),
    vscode.workspace.onDidGrantWorkspaceTrust(() => tree.refresh()),
    registerDataCommands({ model, tree, view, diffs, output: log, workspaceRoots: roots }),
  );

  return {
    whenReady: () => ready,
    refresh: () => model.refresh(),
    dataTree: tree,
    dataModel: model,
    dataDiffs: diffs,
    dispose: () => {
      disposables.dispose();
      // The shared hasher is the composition root's to close.
    },
  };
}
