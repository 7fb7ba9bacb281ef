import * as vscode from 'vscode';
import path from 'node:path';
import { GitError } from '../../core/dvc/data/git';
import type { DataModel } from './dataModel';
import { dataItem, messageItem, problemItem, problemsItem, repoItem, versionItem, type DataElement } from './dataTreeItems';

/**
 * The Data view: every tracked path (grouped by repository when there are several), its versions from git as
 * children. Repaints are coalesced.
 */
export class DataTreeProvider implements vscode.TreeDataProvider<DataElement>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<DataElement | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private repaintTimer?: NodeJS.Timeout;
  private readonly parents = new WeakMap<object, DataElement>();

  constructor(private readonly model: DataModel, private readonly workspaceRoot: () => string | undefined) {}

  refresh(): void {
    clearTimeout(this.repaintTimer);
    this.repaintTimer = setTimeout(() => this.changed.fire(undefined), 30);
  }

  getTreeItem(el: DataElement): vscode.TreeItem {
    switch (el.kind) {
      case 'repo': return repoItem(el, this.workspaceRoot());
      case 'item': return dataItem(el, this.model.statusOf(el.item), this.model.repos.length > 1 ? el.item.relPath : this.labelOf(el));
      case 'version': return versionItem(el);
      case 'problems': return problemsItem(el);
      case 'problem': return problemItem(el, this.workspaceRoot());
      case 'message': return messageItem(el);
    }
  }

  async getChildren(el?: DataElement): Promise<DataElement[]> {
    if (!el) return this.roots();
    switch (el.kind) {
      case 'repo': return this.itemsOf(el.root, el);
      case 'item': return this.versionsOf(el);
      case 'problems': return el.problems.map((problem) => this.child({ kind: 'problem', problem }, el));
      default: return [];
    }
  }

  getParent(el: DataElement): DataElement | undefined {
    return this.parents.get(el);
  }

  /** The element of a tracked path, for reveal (Show History expands it). */
  elementOf(id: string): DataElement | undefined {
    return this.known.get(id);
  }

  private readonly known = new Map<string, DataElement>();

  private labelOf(el: Extract<DataElement, { kind: 'item' }>): string {
    const root = this.workspaceRoot();
    return root && this.model.repos[0] !== root ? path.relative(root, el.item.path).split(path.sep).join('/') : el.item.relPath;
  }

  private roots(): DataElement[] {
    this.known.clear();
    const out: DataElement[] = [];
    const problems = this.model.problems;
    if (problems.length) out.push({ kind: 'problems', problems: [...problems] });
    if (!this.model.isLoaded) return [...out, { kind: 'message', text: 'Looking for DVC data…', icon: 'loading~spin' }];
    const repos = this.model.repos;
    if (repos.length > 1) return [...out, ...repos.map((root): DataElement => ({ kind: 'repo', root }))];
    // With one repository (or none: the welcome view shows) the paths are the top level.
    return [...out, ...this.itemsOf(repos[0], undefined)];
  }

  private itemsOf(root: string | undefined, parent: DataElement | undefined): DataElement[] {
    return this.model.items
      .filter((item) => item.repoRoot === root)
      .map((item) => {
        const el = this.child({ kind: 'item', item }, parent);
        this.known.set(item.id, el);
        return el;
      });
  }

  private async versionsOf(el: Extract<DataElement, { kind: 'item' }>): Promise<DataElement[]> {
    try {
      const h = await this.model.history(el.item);
      if (h.versions.length === 0) return [this.child({ kind: 'message', text: 'No commits yet: commit the .dvc file or dvc.lock to start its history.' }, el)];
      const out = h.versions.map((version, index): DataElement =>
        this.child({ kind: 'version', item: el.item, version, index, current: h.current === index, previous: h.versions.slice(index + 1).find((v) => v.recorded) }, el));
      if (h.truncated) out.push(this.child({ kind: 'message', text: 'Older versions are not shown.' }, el));
      return out;
    } catch (e) {
      const text = e instanceof GitError ? e.message : `Cannot read the history: ${(e as Error).message}`;
      return [this.child({ kind: 'message', text, icon: 'warning' }, el)];
    }
  }

  private child<T extends DataElement>(el: T, parent: DataElement | undefined): T {
    if (parent) this.parents.set(el, parent);
    return el;
  }

  dispose(): void {
    clearTimeout(this.repaintTimer);
    this.changed.dispose();
  }
}
