// The stage graph as DVC builds it (dvc/repo/graph.py build_graph, dvc/repo/reproduce.py plan_repro): a stage
// depends on another when one of its deps (params files included) equals, lies inside, or contains one of the
// other's outputs, across all dvc.yaml files. Orders follow networkx's dfs_postorder_nodes over DVC's node order
// (stages in the order they were collected), so "run everything" runs in the order `dvc repro` would.
import type { PipelineStage } from './types';

export interface PipelineDag {
  /** The stages, in collection order (the graph's node order). */
  stages: PipelineStage[];
  /** For each stage (by index): the stages it depends on (producers of its deps), in DVC's edge order. */
  dependsOn: number[][];
  /** For each stage: the stages that depend on it. */
  dependents: number[][];
  /** Each cycle's stages (addresses), as found; empty when the graph is acyclic. */
  cycles: string[][];
}

/** The address DVC uses for a stage (`train`, `sub/dvc.yaml:train`). */
export function stageAddress(stage: PipelineStage): string {
  return stage.address ?? stage.name;
}

/** Repo-relative paths a stage reads: deps and params files (what DVC's graph uses). */
export function stageInputs(stage: PipelineStage): string[] {
  const out: string[] = [];
  for (const d of stage.deps) if (d.repoPath !== undefined) out.push(d.repoPath);
  for (const p of stage.params) if (p.repoPath !== undefined) out.push(p.repoPath);
  return out;
}

/** Path parts for prefix tests (`data/raw` is inside `data`, `data2` is not). */
function parts(p: string): string[] {
  return p === '.' ? [] : p.split('/').filter((s) => s !== '' && s !== '.');
}

interface TrieNode {
  children: Map<string, TrieNode>;
  /** Stage indexes whose output is exactly this path, in insertion order. */
  owners: number[];
}

function newNode(): TrieNode {
  return { children: new Map(), owners: [] };
}

/** A trie of every stage's outputs, the structure DVC uses (pygtrie) to find overlapping paths. */
export class OutputsTrie {
  private readonly root = newNode();

  add(path: string, stage: number): void {
    let node = this.root;
    for (const part of parts(path)) {
      let next = node.children.get(part);
      if (!next) node.children.set(part, (next = newNode()));
      node = next;
    }
    node.owners.push(stage);
  }

  /** Owners of outputs equal to or containing `path` (shortest first), then of outputs inside it. */
  overlapping(path: string): number[] {
    const out: number[] = [];
    let node: TrieNode | undefined = this.root;
    out.push(...this.root.owners);
    for (const part of parts(path)) {
      node = node.children.get(part);
      if (!node) return out;
      out.push(...node.owners);
    }
    const stack = [...node.children.values()].reverse();
    while (stack.length > 0) {
      const n = stack.pop()!;
      out.push(...n.owners);
      stack.push(...[...n.children.values()].reverse());
    }
    return out;
  }

  /** Whether some output equals or contains `path`. */
  covers(path: string): boolean {
    let node: TrieNode | undefined = this.root;
    if (node.owners.length > 0) return true;
    for (const part of parts(path)) {
      node = node.children.get(part);
      if (!node) return false;
      if (node.owners.length > 0) return true;
    }
    return false;
  }

  /** Whether `path` equals, contains or lies inside some output. */
  touches(path: string): boolean {
    return this.overlapping(path).length > 0;
  }
}

export function buildDag(stages: PipelineStage[]): PipelineDag {
  const trie = new OutputsTrie();
  stages.forEach((s, i) => {
    for (const o of s.outs) if (o.repoPath !== undefined) trie.add(o.repoPath, i);
  });
  const dependsOn: number[][] = stages.map(() => []);
  const dependents: number[][] = stages.map(() => []);
  stages.forEach((s, i) => {
    for (const input of stageInputs(s)) {
      for (const producer of trie.overlapping(input)) {
        if (!dependsOn[i].includes(producer)) {
          dependsOn[i].push(producer);
          dependents[producer].push(i);
        }
      }
    }
  });
  return { stages, dependsOn, dependents, cycles: findCycles(stages, dependsOn) };
}

/** Strongly connected components with more than one stage, and stages that depend on themselves. */
function findCycles(stages: PipelineStage[], edges: number[][]): string[][] {
  // Tarjan's algorithm, iterative so that long pipelines cannot overflow the stack.
  const index = new Array<number>(stages.length).fill(-1);
  const low = new Array<number>(stages.length).fill(0);
  const onStack = new Array<boolean>(stages.length).fill(false);
  const stack: number[] = [];
  const cycles: string[][] = [];
  let counter = 0;
  for (let root = 0; root < stages.length; root++) {
    if (index[root] >= 0) continue;
    const work: [number, number][] = [[root, 0]];
    index[root] = low[root] = counter++;
    stack.push(root);
    onStack[root] = true;
    while (work.length > 0) {
      const top = work[work.length - 1];
      const [v, edge] = top;
      if (edge < edges[v].length) {
        top[1]++;
        const w = edges[v][edge];
        if (index[w] < 0) {
          index[w] = low[w] = counter++;
          stack.push(w);
          onStack[w] = true;
          work.push([w, 0]);
        } else if (onStack[w]) {
          low[v] = Math.min(low[v], index[w]);
        }
        continue;
      }
      work.pop();
      if (work.length > 0) low[work[work.length - 1][0]] = Math.min(low[work[work.length - 1][0]], low[v]);
      if (low[v] === index[v]) {
        const component: number[] = [];
        let w: number;
        do {
          w = stack.pop()!;
          onStack[w] = false;
          component.push(w);
        } while (w !== v);
        if (component.length > 1 || edges[v].includes(v)) cycles.push(component.sort((a, b) => a - b).map((n) => stageAddress(stages[n])));
      }
    }
  }
  return cycles;
}

/** networkx.dfs_postorder_nodes: from each start (in order) not yet seen, depth first along `edges`, post-order. */
function dfsPostorder(starts: number[], edges: number[][], allowed?: Set<number>): number[] {
  const seen = new Set<number>();
  const out: number[] = [];
  for (const start of starts) {
    if (seen.has(start) || (allowed && !allowed.has(start))) continue;
    seen.add(start);
    const stack: [number, number][] = [[start, 0]];
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const [v, i] = top;
      if (i < edges[v].length) {
        top[1]++;
        const w = edges[v][i];
        if (!seen.has(w) && (!allowed || allowed.has(w))) {
          seen.add(w);
          stack.push([w, 0]);
        }
        continue;
      }
      stack.pop();
      out.push(v);
    }
  }
  return out;
}

export interface PlanOptions {
  /** Also run every stage downstream of the targets (`dvc repro --downstream`): the targets and what follows them. */
  downstream?: boolean;
  /**
   * Frozen stages do not pull in their own dependencies (DVC's get_active_graph); default true, as `dvc repro` does.
   */
  frozenCutsUpstream?: boolean;
}

/**
 * The stages `dvc repro` would visit, in order: every stage when `targets` is undefined, else the targets and their
 * upstream stages (or, with `downstream`, the targets and the stages that depend on them). Targets are addresses
 * (`train`, `sub/dvc.yaml:train`) or, when unambiguous, plain names. Unknown targets throw.
 */
export function planRepro(dag: PipelineDag, targets?: string[], options: PlanOptions = {}): PipelineStage[] {
  const frozenCuts = options.frozenCutsUpstream ?? true;
  const edges = dag.dependsOn.map((e, i) => (frozenCuts && dag.stages[i].frozen ? [] : e));
  const all = dag.stages.map((_, i) => i);
  if (!targets) return dfsPostorder(all, edges).map((i) => dag.stages[i]);
  const sources = targets.map((t) => findStage(dag, t));
  let nodes: number[];
  if (options.downstream) {
    const reverse: number[][] = dag.stages.map(() => []);
    edges.forEach((e, i) => e.forEach((p) => reverse[p].push(i)));
    nodes = dfsPostorder(sources, reverse);
  } else {
    nodes = dfsPostorder(sources, edges);
  }
  const allowed = new Set(nodes);
  return dfsPostorder(all, edges, allowed).map((i) => dag.stages[i]);
}

/** The stage and every stage that depends on it, directly or not, in run order. */
export function downstreamOf(dag: PipelineDag, target: string): PipelineStage[] {
  return planRepro(dag, [target], { downstream: true });
}

/** The stage and every stage it depends on, directly or not, in run order. */
export function upstreamOf(dag: PipelineDag, target: string): PipelineStage[] {
  return planRepro(dag, [target], { frozenCutsUpstream: false });
}

/** Index of the stage with this address, or with this name when only one stage has it. */
export function findStage(dag: PipelineDag, target: string): number {
  const byAddress = dag.stages.findIndex((s) => stageAddress(s) === target);
  if (byAddress >= 0) return byAddress;
  const byName = dag.stages.map((s, i) => (s.name === target ? i : -1)).filter((i) => i >= 0);
  if (byName.length === 1) return byName[0];
  if (byName.length > 1) {
    throw new Error(`Stage name '${target}' is ambiguous: ${byName.map((i) => stageAddress(dag.stages[i])).join(', ')}. Use the full address.`);
  }
  throw new Error(`Stage '${target}' not found in the pipelines.`);
}
