import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DvcHasher } from '../../../src/core/dvc/hash/dvcHasher';
import { HashPool } from '../../../src/core/dvc/hash/hashPool';
import { loadPipelines } from '../../../src/core/dvc/pipeline/loadPipelines';
import { serializeDvcLock } from '../../../src/core/dvc/pipeline/lockFile';
import { buildDagGraph } from '../../../src/features/pipelines/dagGraph';
import { PipelineWorkspace, reproTarget, stageKey } from '../../../src/features/pipelines/pipelineWorkspace';
import { stageLook } from '../../../src/features/pipelines/stageLook';
import { lockNow } from '../dvc-status/statusFixtures';

const DVC_YAML = `stages:
  make:
    cmd: python make.py
    deps:
      - in.txt
    params:
      - x
    outs:
      - mid.txt
  use:
    cmd: python use.py
    deps:
      - mid.txt
    outs:
      - out.txt
`;

function makeRepo(files: Record<string, string>): string {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'dvc-ui-')));
  fs.mkdirSync(path.join(root, '.dvc', 'cache'), { recursive: true });
  fs.writeFileSync(path.join(root, '.dvc', 'config'), '[core]\n    no_scm = true\n');
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  }
  return root;
}

/** Records the repo as it is now in dvc.lock (hashes, params, outputs in the cache), as `dvc repro` would. */
async function lockEverything(root: string): Promise<void> {
  const { stages } = await loadPipelines(root);
  const lock = await lockNow(root, stages, { make: { 'params.yaml': { x: 1 } } });
  fs.writeFileSync(path.join(root, 'dvc.lock'), serializeDvcLock(lock));
}

describe('Pipelines model (PipelineWorkspace)', () => {
  const hashers: DvcHasher[] = [];
  const hasher = () => {
    const h = new DvcHasher({ pool: new HashPool({ inlineBytes: Infinity }) });
    hashers.push(h);
    return async () => h;
  };
  const logs: string[] = [];
  const log = { info: (m: string) => logs.push(m), warn: (m: string) => logs.push(m), error: (m: string) => logs.push(`ERROR ${m}`) };
  after(async () => {
    for (const h of hashers) await h.close();
  });

  it('reads the stages, then their status: never run before dvc.lock, up to date after, changed when a dep changes', async () => {
    const root = makeRepo({ 'dvc.yaml': DVC_YAML, 'params.yaml': 'x: 1\n', 'in.txt': 'hello\n', 'mid.txt': 'mid\n', 'out.txt': 'out\n' });
    const ws = new PipelineWorkspace({ folders: () => [root], hasher: hasher(), log });
    let changes = 0;
    ws.onDidChange(() => changes++);
    await ws.refresh();
    assert.equal(changes, 2, 'one change when read, one when the status is known');
    assert.deepEqual(ws.stages().map((r) => reproTarget(r)), ['make', 'use']);
    assert.deepEqual(ws.stages().map((r) => stageLook(ws.statusOf(r.stage)).state), ['neverRun', 'neverRun']);

    await lockEverything(root);
    await ws.refresh();
    assert.deepEqual(ws.stages().map((r) => stageLook(ws.statusOf(r.stage)).state), ['upToDate', 'upToDate']);
    const written = ws.repos[0].outputsWrittenAt.get(stageKey(ws.stages()[0].stage));
    assert.ok(written && Math.abs(written - fs.statSync(path.join(root, 'mid.txt')).mtimeMs) < 1);

    fs.writeFileSync(path.join(root, 'in.txt'), 'changed\n');
    fs.writeFileSync(path.join(root, 'params.yaml'), 'x: 2\n');
    await ws.refresh();
    const make = stageLook(ws.statusOf(ws.stages()[0].stage));
    assert.equal(make.state, 'changed');
    assert.deepEqual(make.reasons, ['Dependency in.txt modified.', 'Param params.yaml:x changed: 1 -> 2.']);
    assert.equal(stageLook(ws.statusOf(ws.stages()[1].stage)).state, 'upToDate', 'dvc status judges each stage on its own files');
    ws.dispose();
  });

  it('folds refreshes asked for while one runs into one more, and holds them while paused', async () => {
    const root = makeRepo({ 'dvc.yaml': DVC_YAML, 'params.yaml': 'x: 1\n', 'in.txt': 'a\n' });
    let reads = 0;
    const ws = new PipelineWorkspace({ folders: () => [root], hasher: hasher(), readText: async (f) => (f.endsWith('dvc.yaml') && reads++, fs.promises.readFile(f, 'utf8').catch(() => undefined)) });
    await Promise.all([ws.refresh(), ws.refresh(), ws.refresh(), ws.refresh()]);
    assert.equal(reads, 2, 'the first refresh, then one for the three asked for meanwhile');

    ws.pause();
    await ws.refresh();
    assert.equal(reads, 2, 'no read while paused');
    await ws.resume();
    await ws.whenIdle();
    assert.equal(reads, 3, 'the held refresh runs on resume');
    ws.dispose();
  });

  it('reads dvc.yaml through readText (an editor\'s unsaved text), and reports its problems at line and column', async () => {
    const root = makeRepo({ 'dvc.yaml': DVC_YAML, 'params.yaml': 'x: 1\n', 'in.txt': 'a\n' });
    const unsaved = 'stages:\n  only:\n    cmd: echo hi\n    bogus: 1\n';
    const ws = new PipelineWorkspace({
      folders: () => [root],
      hasher: hasher(),
      readText: async (f) => (f === path.join(root, 'dvc.yaml') ? unsaved : fs.promises.readFile(f, 'utf8').catch(() => undefined)),
    });
    await ws.refresh();
    assert.deepEqual(ws.stages().map((r) => r.stage.name), ['only']);
    const problem = ws.problems().find((p) => /bogus/.test(p.message));
    assert.ok(problem, `a problem about the unknown key: ${JSON.stringify(ws.problems())}`);
    assert.deepEqual([problem.file, problem.line, problem.column], [path.join(root, 'dvc.yaml'), 4, 5]);
    ws.dispose();
  });

  it('knows which changed files matter', async () => {
    const root = makeRepo({ 'dvc.yaml': DVC_YAML, 'params.yaml': 'x: 1\n', 'in.txt': 'a\n', 'notes.md': '' });
    const ws = new PipelineWorkspace({ folders: () => [root], hasher: hasher() });
    await ws.refresh();
    const rel = (p: string) => path.join(root, p);
    for (const p of ['in.txt', 'mid.txt', 'params.yaml', 'dvc.lock', 'sub/dvc.yaml', '.dvc/config', '.dvcignore']) assert.ok(ws.isRelevant(rel(p)), p);
    for (const p of ['notes.md', '.dvc/cache/ab/cdef', '.dvc/tmp/lock', '.git/index', 'mlruns/0/meta.yaml']) assert.ok(!ws.isRelevant(rel(p)), p);
    assert.ok(ws.isRelevant(root), 'the folder holding the deps (deleted as a whole)');
    assert.ok(ws.isStructural(rel('sub/dvc.yaml')) && ws.isStructural(rel('sub/.dvc')) && !ws.isStructural(rel('in.txt')));
    ws.dispose();
  });

  it('gives a nested repository\'s dvc.yaml to that repository only', async () => {
    const root = makeRepo({ 'dvc.yaml': DVC_YAML, 'params.yaml': 'x: 1\n', 'in.txt': 'a\n', 'sub/.dvc/config': '', 'sub/dvc.yaml': 'stages:\n  inner:\n    cmd: echo\n' });
    const ws = new PipelineWorkspace({ folders: () => [root], hasher: hasher() });
    await ws.refresh();
    assert.deepEqual(ws.repos.map((r) => path.relative(root, r.root)), ['', 'sub']);
    assert.deepEqual(ws.repos.map((r) => r.loaded.stages.map((s) => s.name)), [['make', 'use'], ['inner']]);
    ws.dispose();
  });

  it('builds the DAG panel\'s graph: nodes with their state, an edge per produced dependency', async () => {
    const root = makeRepo({ 'dvc.yaml': DVC_YAML, 'params.yaml': 'x: 1\n', 'in.txt': 'a\n' });
    const ws = new PipelineWorkspace({ folders: () => [root], hasher: hasher() });
    await ws.refresh();
    const graph = buildDagGraph(ws.repos, (repo, i) => stageLook(ws.statusOf(repo.loaded.stages[i])), root);
    assert.deepEqual(graph.nodes.map((n) => [n.name, n.state, n.file, n.cmd.join(';')]), [['make', 'neverRun', 'dvc.yaml', 'python make.py'], ['use', 'neverRun', 'dvc.yaml', 'python use.py']]);
    assert.deepEqual(graph.edges, [[0, 1]]);
    assert.deepEqual(graph.cyclic, []);
    ws.dispose();
  });
});
