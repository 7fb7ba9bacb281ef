// The stage graph as text, the way `dvc dag --mermaid` and `dvc dag --dot` print it (dvc/commands/dag.py), and as
// JSON for scripts. Edges point from the stage that writes an output to the stage that reads it.
import path from 'node:path';
import { stageAddress, type PipelineDag } from '../core/dvc/pipeline/dag';

/** Weakly connected groups of stages, each listed in the graph's node order, groups by their first node. */
function pipelinesOf(dag: PipelineDag): number[][] {
  const seen = new Set<number>();
  const groups: number[][] = [];
  dag.stages.forEach((_, start) => {
    if (seen.has(start)) return;
    const group: number[] = [];
    const stack = [start];
    seen.add(start);
    while (stack.length) {
      const n = stack.pop()!;
      group.push(n);
      for (const m of [...dag.dependsOn[n], ...dag.dependents[n]]) {
        if (!seen.has(m)) {
          seen.add(m);
          stack.push(m);
        }
      }
    }
    groups.push(group.sort((a, b) => a - b));
  });
  return groups;
}

function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `dvc dag --mermaid`: per pipeline, nodes sorted by address, then edges sorted. */
export function dagMermaid(dag: PipelineDag): string {
  let out = 'flowchart TD';
  let count = 0;
  for (const group of pipelinesOf(dag)) {
    const ids = new Map<string, string>();
    for (const name of group.map((i) => stageAddress(dag.stages[i])).sort(byText)) {
      const id = `node${++count}`;
      ids.set(name, id);
      out += `\n\t${id}["${name}"]`;
    }
    const edges: [string, string][] = [];
    for (const consumer of group) for (const producer of dag.dependsOn[consumer]) edges.push([stageAddress(dag.stages[producer]), stageAddress(dag.stages[consumer])]);
    edges.sort((x, y) => byText(x[0], y[0]) || byText(x[1], y[1]));
    for (const [a, b] of edges) out += `\n\t${ids.get(a)}-->${ids.get(b)}`;
  }
  return out + '\n';
}

function dotId(name: string): string {
  return name.startsWith('"') && name.endsWith('"') ? name : `"${name}"`;
}

/** `dvc dag --dot`: the reversed graph as networkx writes it (nodes in order, then each node's edges). */
export function dagDot(dag: PipelineDag): string {
  const lines = ['strict digraph {'];
  for (const s of dag.stages) lines.push(`${dotId(stageAddress(s))};`);
  dag.stages.forEach((s, i) => {
    for (const consumer of dag.dependents[i]) lines.push(`${dotId(stageAddress(s))} -> ${dotId(stageAddress(dag.stages[consumer]))};`);
  });
  lines.push('}');
  // pydot ends the text with a newline and `dvc dag` prints it with one more.
  return lines.join('\n') + '\n\n';
}

export interface DagJson {
  stages: { address: string; name: string; dvcfile: string; cmd: string | string[]; frozen: boolean; deps: string[]; outs: string[] }[];
  /** `from` writes an output that `to` reads. */
  edges: { from: string; to: string }[];
}

export function dagJson(dag: PipelineDag, repoRoot: string): DagJson {
  return {
    stages: dag.stages.map((s) => ({
      address: stageAddress(s),
      name: s.name,
      dvcfile: path.relative(repoRoot, s.dvcfile).split(path.sep).join('/'),
      cmd: s.cmd,
      frozen: s.frozen,
      deps: s.deps.map((d) => d.repoPath ?? d.path),
      outs: s.outs.map((o) => o.repoPath ?? o.path),
    })),
    edges: dag.stages.flatMap((s, i) => dag.dependents[i].map((c) => ({ from: stageAddress(s), to: stageAddress(dag.stages[c]) }))),
  };
}
