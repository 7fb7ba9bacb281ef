import * as vscode from 'vscode';
import path from 'node:path';
import type { StoreRef } from '../core/runs/types';
import { PathBatcher } from './pathBatcher';

/**
 * Watches tracking stores with VS Code's own file watcher (one recursive watch per folder, not one per file,
 * unlike chokidar on a large mlruns tree), and the workspace for new stores appearing.
 */
export class StoreWatcher implements vscode.Disposable {
  private storeWatchers: vscode.Disposable[] = [];
  private readonly batcher: PathBatcher;
  private readonly discovery: vscode.Disposable[] = [];
  private stores: readonly StoreRef[] = [];

  constructor(onPathsChanged: (paths: string[]) => void, onStoresMayHaveChanged: () => void) {
    this.batcher = new PathBatcher(onPathsChanged);
    for (const glob of ['**/mlflow.db', '**/mlruns/*/meta.yaml']) {
      const w = vscode.workspace.createFileSystemWatcher(glob, false, true, false);
      this.discovery.push(w, w.onDidCreate(onStoresMayHaveChanged), w.onDidDelete(onStoresMayHaveChanged));
    }
    // Deleting a folder reports the folder, not each file in it: a store inside it is gone too.
    const deletions = vscode.workspace.createFileSystemWatcher('**', true, true, false);
    this.discovery.push(deletions, deletions.onDidDelete((uri) => {
      const gone = uri.fsPath;
      if (this.stores.some((s) => s.path === gone || s.path.startsWith(gone + path.sep))) onStoresMayHaveChanged();
    }));
  }

  /** Follows exactly these stores. */
  watch(stores: readonly StoreRef[]): void {
    this.stores = stores;
    vscode.Disposable.from(...this.storeWatchers).dispose();
    this.storeWatchers = stores.map((ref) => {
      const pattern = ref.kind === 'mlflow-sqlite'
        ? new vscode.RelativePattern(vscode.Uri.file(path.dirname(ref.path)), `${path.basename(ref.path)}*`)
        : new vscode.RelativePattern(vscode.Uri.file(ref.path), '**');
      const w = vscode.workspace.createFileSystemWatcher(pattern);
      const add = (uri: vscode.Uri) => this.batcher.add(uri);
      return vscode.Disposable.from(w, w.onDidChange(add), w.onDidCreate(add), w.onDidDelete(add));
    });
  }

  dispose(): void {
    vscode.Disposable.from(...this.storeWatchers, ...this.discovery, this.batcher).dispose();
  }
}
