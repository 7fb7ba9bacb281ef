import type { Experiment, Run } from './types';

export interface RunTreeNode {
  run: Run;
  children: RunTreeNode[];
}

export interface RunTreeOptions {
  includeDeleted: boolean;
  /** Runs that fail it are hidden; their matching children move up to the nearest shown ancestor. */
  matches?: (run: Run) => boolean;
  /** Order of siblings. */
  compare: (a: Run, b: Run) => number;
}

/** Experiments to show: active ones, plus deleted ones when asked; by name. */
export function visibleExperiments(experiments: readonly Experiment[], includeDeleted: boolean): Experiment[] {
  return experiments
    .filter((e) => includeDeleted || e.lifecycleStage !== 'deleted')
    .sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * Nests runs under their parent (`mlflow.parentRunId`). A run whose parent is hidden or absent stands at the top,
 * so a filter never hides a matching child behind a parent that does not match.
 */
export function buildRunTree(runs: readonly Run[], opts: RunTreeOptions): RunTreeNode[] {
  const shown = runs.filter((r) => (opts.includeDeleted || r.lifecycleStage !== 'deleted') && (!opts.matches || opts.matches(r)));
  const byId = new Map(shown.map((r) => [r.runId, { run: r, children: [] as RunTreeNode[] }]));
  const allById = new Map(runs.map((r) => [r.runId, r]));
  const roots: RunTreeNode[] = [];
  for (const node of byId.values()) {
    const parent = nearestShownAncestor(node.run, byId, allById);
    (parent ? parent.children : roots).push(node);
  }
  const sortDeep = (nodes: RunTreeNode[]): RunTreeNode[] => {
    nodes.sort((a, b) => opts.compare(a.run, b.run));
    for (const n of nodes) sortDeep(n.children);
    return nodes;
  };
  return sortDeep(roots);
}

function nearestShownAncestor(run: Run, shown: Map<string, RunTreeNode>, allById: Map<string, Run>): RunTreeNode | undefined {
  const seen = new Set<string>([run.runId]);
  let parentId = run.parentRunId;
  while (parentId && !seen.has(parentId)) {
    seen.add(parentId);
    const hit = shown.get(parentId);
    if (hit) return hit;
    parentId = allById.get(parentId)?.parentRunId ?? null;
  }
  return undefined;
}

/** Runs currently training, across everything given. */
export function countRunning(runs: Iterable<Run>): number {
  let n = 0;
  for (const r of runs) if (r.status === 'RUNNING' && r.lifecycleStage !== 'deleted') n++;
  return n;
}
