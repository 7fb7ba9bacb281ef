import * as vscode from 'vscode';
import fs from 'node:fs';
import path from 'node:path';
import type { StoreRef } from '../core/runs/types';
import { PathBatcher } from './pathBatcher';

/**
 * Watches tracking stores with VS Code's own file watcher (one recursive watch per folder, not one per file,
 * unlike chokidar on a large mlruns tree), and the workspace for new stores appearing.
 */
export class StoreWatcher implements vscode.Disposable {
  private readonly storeWatchers = new Map<string, vscode.Disposable>();
  private readonly batcher: PathBatcher;
  private readonly discovery: vscode.Disposable[] = [];
  private stores: readonly StoreRef[] = [];

  private readonly newFolders: PathBatcher;

  /**
   * `onFoldersCreated` gets new folders outside known stores: a recursive watcher can miss the files created in a
   * folder before its own watch is in place (inotify), so a new folder is searched for stores itself.
   */
  constructor(onPathsChanged: (paths: string[]) => void, onStoresMayHaveChanged: () => void, onFoldersCreated: (folders: string[]) => void) {
    this.batcher = new PathBatcher(onPathsChanged);
    this.newFolders = new PathBatcher((paths) => {
      const folders = paths.filter((p) => !this.insideStore(p) && isDirectory(p));
      if (folders.length) onFoldersCreated(folders);
    }, 300);
    // New stores appear as these files; a store made with its folder is found through the new-folder search below.
    for (const glob of ['**/mlflow.db', '**/mlruns/*/meta.yaml', '**/events.out.tfevents.*', '**/version_*/metrics.csv', '**/dvclive/metrics.json']) {
      const w = vscode.workspace.createFileSystemWatcher(glob, false, true, false);
      // Log files rewritten inside a known store (by rename, some loggers) are that store's business, not a new store.
      const unlessKnown = (uri: vscode.Uri) => {
        if (glob.includes('mlflow.db') || glob.includes('mlruns') || !this.insideStore(uri.fsPath)) onStoresMayHaveChanged();
      };
      this.discovery.push(w, w.onDidCreate(unlessKnown), w.onDidDelete(unlessKnown));
    }
    // Deleting a folder reports the folder, not each file in it: a store inside it is gone too.
    const anything = vscode.workspace.createFileSystemWatcher('**', false, true, false);
    this.discovery.push(anything, this.newFolders, anything.onDidCreate((uri) => this.newFolders.add(uri)), anything.onDidDelete((uri) => {
      const gone = uri.fsPath;
      if (this.stores.some((s) => s.path === gone || s.path.startsWith(gone + path.sep))) onStoresMayHaveChanged();
    }));
  }

  private insideStore(file: string): boolean {
    return this.stores.some((s) => {
      if (s.kind === 'mlflow-rest') return false;
      const root = s.kind === 'mlflow-sqlite' ? path.dirname(s.path) : s.path;
      return file === root || file.startsWith(root + path.sep);
    });
  }

  /** Follows exactly these stores. */
  watch(stores: readonly StoreRef[]): void {
    this.stores = stores;
    // Keep the watchers of stores that stay: a new recursive watch takes a moment to arm, and events are lost meanwhile.
    const wanted = new Set(stores.map((s) => s.uri));
    for (const [uri, w] of this.storeWatchers) {
      if (wanted.has(uri)) continue;
      w.dispose();
      this.storeWatchers.delete(uri);
    }
    for (const ref of stores) {
      if (this.storeWatchers.has(ref.uri) || ref.kind === 'mlflow-rest') continue;
      const pattern = ref.kind === 'mlflow-sqlite'
        ? new vscode.RelativePattern(vscode.Uri.file(path.dirname(ref.path)), `${path.basename(ref.path)}*`)
        : new vscode.RelativePattern(vscode.Uri.file(ref.path), '**');
      const w = vscode.workspace.createFileSystemWatcher(pattern);
      const add = (uri: vscode.Uri) => this.batcher.add(uri);
      this.storeWatchers.set(ref.uri, vscode.Disposable.from(w, w.onDidChange(add), w.onDidCreate(add), w.onDidDelete(add)));
    }
  }

  dispose(): void {
    vscode.Disposable.from(...this.storeWatchers.values(), ...this.discovery, this.batcher).dispose();
  }
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}
