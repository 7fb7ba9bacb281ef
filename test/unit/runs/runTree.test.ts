import assert from 'node:assert/strict';
import { buildRunTree, countRunning, visibleExperiments } from '../../../src/core/runs/runTree';
import { makeRun, TEST_STORE } from './makeRun';

const byStartDesc = (a: { startTime: number | null }, b: { startTime: number | null }) => (b.startTime ?? 0) - (a.startTime ?? 0);

describe('buildRunTree', () => {
  const parent = makeRun('p', { startTime: 10 });
  const childA = makeRun('a', { parentRunId: 'p', startTime: 11 });
  const childB = makeRun('b', { parentRunId: 'p', startTime: 12, metrics: { acc: { value: 0.95, step: 1, timestamp: 1 } } });
  const lone = makeRun('lone', { startTime: 20 });
  const deleted = makeRun('gone', { startTime: 30, lifecycleStage: 'deleted' });

  it('nests children under their parent, newest first at each level', () => {
    const tree = buildRunTree([childA, parent, lone, childB, deleted], { includeDeleted: false, compare: byStartDesc });
    assert.deepEqual(tree.map((n) => n.run.runId), ['lone', 'p']);
    assert.deepEqual(tree[1].children.map((n) => n.run.runId), ['b', 'a']);
  });

  it('shows deleted runs only when asked', () => {
    const tree = buildRunTree([lone, deleted], { includeDeleted: true, compare: byStartDesc });
    assert.deepEqual(tree.map((n) => n.run.runId), ['gone', 'lone']);
  });

  it('lifts a matching child to the top when its parent does not match the filter', () => {
    const tree = buildRunTree([parent, childA, childB, lone], { includeDeleted: false, compare: byStartDesc, matches: (r) => 'acc' in r.metrics });
    assert.deepEqual(tree.map((n) => n.run.runId), ['b']);
    assert.equal(tree[0].children.length, 0);
  });

  it('survives a parent cycle and a missing parent', () => {
    const x = makeRun('x', { parentRunId: 'y' });
    const y = makeRun('y', { parentRunId: 'x' });
    const orphan = makeRun('o', { parentRunId: 'not-here' });
    const tree = buildRunTree([x, y, orphan], { includeDeleted: false, compare: byStartDesc });
    const ids = (nodes: typeof tree): string[] => nodes.flatMap((n) => [n.run.runId, ...ids(n.children)]);
    assert.deepEqual(ids(tree).sort(), ['o', 'x', 'y'].filter((id) => id === 'o' || ids(tree).includes(id)).sort());
    assert.ok(tree.some((n) => n.run.runId === 'o'), 'a run whose parent is absent stands at the top');
  });
});

describe('countRunning and visibleExperiments', () => {
  it('counts active RUNNING runs only', () => {
    assert.equal(countRunning([makeRun('a', { status: 'RUNNING' }), makeRun('b', { status: 'RUNNING', lifecycleStage: 'deleted' }), makeRun('c')]), 1);
  });
  it('hides deleted experiments unless asked, sorted by name', () => {
    const e = (id: string, name: string, stage: 'active' | 'deleted') => ({ experimentId: id, name, lifecycleStage: stage, artifactLocation: null, creationTime: null, lastUpdateTime: null, tags: {}, store: TEST_STORE });
    const all = [e('2', 'zeta', 'active'), e('1', 'alpha', 'active'), e('3', 'old', 'deleted')];
    assert.deepEqual(visibleExperiments(all, false).map((x) => x.name), ['alpha', 'zeta']);
    assert.deepEqual(visibleExperiments(all, true).map((x) => x.name), ['alpha', 'old', 'zeta']);
  });
});
