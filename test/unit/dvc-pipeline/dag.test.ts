// The stage graph: which stages depend on which (DVC's trie rules), cycles, and the orders `dvc repro` runs in.
import assert from 'node:assert/strict';
import { buildDag, downstreamOf, planRepro, upstreamOf } from '../../../src/core/dvc/pipeline/dag';
import type { PipelineStage } from '../../../src/core/dvc/pipeline/types';

function stage(name: string, deps: string[], outs: string[], extra: Partial<PipelineStage> = {}): PipelineStage {
  return {
    name,
    address: name,
    dvcfile: '/r/dvc.yaml',
    wdir: '/r',
    cmd: `make ${name}`,
    deps: deps.map((p) => ({ path: p, repoPath: p })),
    params: [],
    outs: outs.map((p) => ({ path: p, repoPath: p, kind: 'outs', cache: true, persist: false, push: true })),
    frozen: false,
    alwaysChanged: false,
    pos: { file: '/r/dvc.yaml', line: 1, column: 1 },
    ...extra,
  };
}

const names = (stages: PipelineStage[]) => stages.map((s) => s.name);

describe('dvc pipeline: DAG', () => {
  it('connects a dep equal to, inside, or containing another stage\'s output', () => {
    const dag = buildDag([
      stage('data', [], ['data/raw']),
      stage('inside', ['data/raw/part.csv'], ['a.txt']),
      stage('contains', ['data'], ['b.txt']),
      stage('sibling', ['data/raw2'], ['c.txt']),
      stage('equal', ['a.txt', 'b.txt'], ['d.txt']),
    ]);
    assert.deepEqual(dag.dependsOn, [[], [0], [0], [], [1, 2]]);
    assert.deepEqual(dag.dependents[0], [1, 2]);
    assert.deepEqual(dag.cycles, []);
  });

  it('counts params files as dependencies (a stage may write params.yaml)', () => {
    const gen = stage('gen', [], ['params.yaml']);
    const use = stage('use', [], ['out']);
    use.params = [{ file: 'params.yaml', repoPath: 'params.yaml', keys: ['lr'] }];
    assert.deepEqual(buildDag([gen, use]).dependsOn, [[], [0]]);
  });

  it('finds cycles and a stage that reads its own output', () => {
    const dag = buildDag([stage('a', ['y'], ['x']), stage('b', ['x'], ['y']), stage('self', ['z'], ['z']), stage('ok', [], ['w'])]);
    assert.deepEqual(dag.cycles, [['a', 'b'], ['self']]);
  });

  // E depends on D and F; D on B and C; B and C on A; F on G (the example in DVC's plan_repro docstring).
  const example = () =>
    buildDag([
      stage('E', ['d', 'f'], ['e']),
      stage('D', ['b', 'c'], ['d']),
      stage('F', ['g'], ['f']),
      stage('B', ['a'], ['b']),
      stage('C', ['a'], ['c']),
      stage('G', [], ['g']),
      stage('A', [], ['a']),
    ]);

  it('plans every stage dependencies first, in DFS post-order like networkx', () => {
    assert.deepEqual(names(planRepro(example())), ['A', 'B', 'C', 'D', 'G', 'F', 'E']);
  });

  it('plans a target with its upstream (`dvc repro D`), and downstream (`dvc repro --downstream B`)', () => {
    assert.deepEqual(names(planRepro(example(), ['D'])), ['A', 'B', 'C', 'D']);
    assert.deepEqual(names(downstreamOf(example(), 'B')), ['B', 'D', 'E']);
    assert.deepEqual(names(upstreamOf(example(), 'F')), ['G', 'F']);
  });

  it('does not pull in the dependencies of a frozen stage', () => {
    const dag = example();
    dag.stages[1].frozen = true; // D
    assert.deepEqual(names(planRepro(dag, ['E'])), ['D', 'G', 'F', 'E']);
    assert.deepEqual(names(upstreamOf(dag, 'E')), ['A', 'B', 'C', 'D', 'G', 'F', 'E'], 'upstreamOf shows the whole lineage');
  });

  it('finds targets by address, or by name when unambiguous', () => {
    const dag = buildDag([
      stage('train', [], ['m1'], { address: 'a/dvc.yaml:train' }),
      stage('train', [], ['m2'], { address: 'b/dvc.yaml:train' }),
      stage('solo', [], ['s']),
    ]);
    assert.deepEqual(names(planRepro(dag, ['b/dvc.yaml:train'])), ['train']);
    assert.deepEqual(names(planRepro(dag, ['solo'])), ['solo']);
    assert.throws(() => planRepro(dag, ['train']), /ambiguous: a\/dvc\.yaml:train, b\/dvc\.yaml:train/);
    assert.throws(() => planRepro(dag, ['nope']), /not found/);
  });
});
