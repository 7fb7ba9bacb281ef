import * as vscode from 'vscode';
import { resolveKeyMetric } from '../../core/runs/keyMetric';
import { buildRunTree, visibleExperiments } from '../../core/runs/runTree';
import type { RunCatalog } from '../../core/runs/runCatalog';
import type { RunQuery } from '../../core/runs/runQuery';
import type { Run } from '../../core/runs/types';
import type { RunsViewState } from './runsViewState';
import { experimentItem, messageItem, problemItem, problemsItem, runItem, storeItem, type RunsElement } from './runsTreeItems';

/**
 * The Runs view: stores (when there are several), experiments, runs nested under their parent run.
 * Reads the catalog's in-memory runs; repaints are coalesced so a training loop does not flood the view.
 */
export class RunsTreeProvider implements vscode.TreeDataProvider<RunsElement>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<RunsElement | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private repaintTimer?: NodeJS.Timeout;
  private loaded = false;

  constructor(
    private readonly catalog: RunCatalog,
    private readonly viewState: RunsViewState,
    private readonly query: () => RunQuery,
    private readonly showDeleted: () => boolean,
    private readonly workspaceRoot: () => string | undefined,
  ) {}

  /** Called once the first read finished, so the welcome view shows only when there is really nothing. */
  markLoaded(): void {
    this.loaded = true;
    this.refresh();
  }

  refresh(): void {
    clearTimeout(this.repaintTimer);
    this.repaintTimer = setTimeout(() => this.changed.fire(undefined), 30);
  }

  getTreeItem(el: RunsElement): vscode.TreeItem {
    switch (el.kind) {
      case 'store': return storeItem(el, this.workspaceRoot());
      case 'experiment': return experimentItem(el, this.keyMetricOf(el.ref.uri, el.experiment.experimentId));
      case 'run': return runItem(el);
      case 'problems': return problemsItem(el);
      case 'problem': return problemItem(el, this.workspaceRoot());
      case 'message': return messageItem(el);
    }
  }

  getChildren(el?: RunsElement): RunsElement[] {
    if (!el) return this.roots();
    switch (el.kind) {
      case 'store': return this.experimentsOf(el.ref.uri);
      case 'experiment': return this.runsOf(el.ref.uri, el.experiment.experimentId);
      case 'run': return el.node.children.map((node) => ({ kind: 'run', node, keyMetric: el.keyMetric }));
      case 'problems': return el.problems.map((problem) => ({ kind: 'problem', problem }));
      default: return [];
    }
  }

  getParent(): undefined {
    return undefined;
  }

  /** The key metric an experiment's runs show: the user's pick, else a sensible default. */
  keyMetricOf(storeUri: string, experimentId: string): string | undefined {
    return resolveKeyMetric(this.catalog.runs(storeUri, experimentId), this.viewState.keyMetric(storeUri, experimentId));
  }

  private roots(): RunsElement[] {
    const stores = this.catalog.storeRefs();
    const problems = this.catalog.problems();
    const out: RunsElement[] = problems.length ? [{ kind: 'problems', problems }] : [];
    if (stores.length === 0) return this.loaded ? out : [...out, { kind: 'message', text: 'Looking for MLflow runs…' }];
    if (stores.length === 1) {
      const failed = problems.some((p) => p.severity === 'error' && p.file === stores[0].path);
      return [...out, ...(failed ? [] : this.experimentsOf(stores[0].uri))];
    }
    const failedFiles = new Set(problems.filter((p) => p.severity === 'error').map((p) => p.file));
    return [...out, ...stores.map((ref): RunsElement => ({ kind: 'store', ref, failed: failedFiles.has(ref.path) }))];
  }

  private experimentsOf(storeUri: string): RunsElement[] {
    const ref = this.catalog.storeRefs().find((r) => r.uri === storeUri);
    if (!ref) return [];
    const query = this.query();
    const showDeleted = this.showDeleted();
    const runs = this.catalog.runs(storeUri);
    const counts = new Map<string, number>();
    for (const r of runs) if (this.isShown(r, query, showDeleted)) counts.set(r.experimentId, (counts.get(r.experimentId) ?? 0) + 1);
    return visibleExperiments(this.catalog.experiments(storeUri), showDeleted)
      .filter((experiment) => !query.active || (counts.get(experiment.experimentId) ?? 0) > 0)
      .map((experiment) => ({ kind: 'experiment', ref, experiment, runCount: counts.get(experiment.experimentId) ?? 0 }));
  }

  private runsOf(storeUri: string, experimentId: string): RunsElement[] {
    const query = this.query();
    const keyMetric = this.keyMetricOf(storeUri, experimentId);
    const nodes = buildRunTree(this.catalog.runs(storeUri, experimentId), {
      includeDeleted: this.showDeleted(),
      matches: query.active ? query.matches : undefined,
      compare: query.compare,
    });
    return nodes.map((node) => ({ kind: 'run', node, keyMetric }));
  }

  private isShown(run: Run, query: RunQuery, showDeleted: boolean): boolean {
    return (showDeleted || run.lifecycleStage !== 'deleted') && (!query.active || query.matches(run));
  }

  dispose(): void {
    clearTimeout(this.repaintTimer);
    this.changed.dispose();
  }
}
