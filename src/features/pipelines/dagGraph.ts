// The graph the DAG panel draws, from the pipelines' DAGs (one per repository) and each stage's look. Pure.
import path from 'node:path';
import type { DagGraphWire, DagNodeWire } from '../../protocol/dag';
import { stageKey, type RepoPipelines } from './pipelineWorkspace';
import { commandLines, type StageLook } from './stageLook';

export function buildDagGraph(repos: readonly RepoPipelines[], lookOf: (repo: RepoPipelines, index: number) => StageLook, workspaceRoot: string | undefined): DagGraphWire {
  const nodes: DagNodeWire[] = [];
  const edges: [number, number][] = [];
  const cyclic: number[] = [];
  for (const repo of repos) {
    const offset = nodes.length;
    const { stages, dag } = repo.loaded;
    // The DAG is built over every stage loaded; the workspace may have dropped stages of nested repositories.
    const indexOf = new Map(dag.stages.map((s, i) => [s, i]));
    const kept = stages.map((s) => indexOf.get(s) ?? -1);
    const position = new Map(kept.map((dagIndex, i) => [dagIndex, i]));
    const inCycle = new Set(dag.cycles.flat());
    stages.forEach((s, i) => {
      const look = lookOf(repo, i);
      const rel = path.relative(workspaceRoot ?? repo.root, s.dvcfile).split(path.sep).join('/');
      nodes.push({
        id: stageKey(s),
        name: s.name,
        file: rel || 'dvc.yaml',
        state: look.state,
        summary: look.summary,
        reasons: look.reasons,
        cmd: commandLines(s.cmd),
        ...(s.generatedFrom ? { group: s.generatedFrom } : {}),
      });
      if (inCycle.has(s.address ?? s.name)) cyclic.push(offset + i);
    });
    kept.forEach((dagIndex, i) => {
      if (dagIndex < 0) return;
      for (const producer of dag.dependsOn[dagIndex]) {
        const from = position.get(producer);
        if (from !== undefined && from !== i) edges.push([offset + from, offset + i]);
      }
    });
  }
  return { nodes, edges, cyclic };
}
