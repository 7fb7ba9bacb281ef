import assert from 'node:assert/strict';
import path from 'node:path';
import { main } from '../../../src/cli/main';
import { cleanup, makeRunRepo, read, shEnv, writeFiles } from './runFixtures';

async function cli(argv: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) }, env: shEnv(), cwd });
  return { code, stdout, stderr };
}

const PIPELINE = `stages:
  prepare:
    cmd: printf "%s" "$(cat raw.txt)-prepared" > prepared.txt
    deps:
      - raw.txt
    params:
      - lr
    outs:
      - prepared.txt
  train:
    cmd: cat prepared.txt > model.txt
    deps:
      - prepared.txt
    outs:
      - model.txt
`;

describe('CLI: status, repro, dag', () => {
  let root: string | undefined;
  afterEach(() => {
    cleanup(root);
    root = undefined;
  });

  it('repro runs the pipeline with the built-in runner; status then says up to date, in dvc status --json form too', async () => {
    root = makeRunRepo({ 'dvc.yaml': PIPELINE, 'params.yaml': 'lr: 0.1\n', 'raw.txt': 'r' });
    const before = await cli(['status', '--json'], root);
    assert.equal(before.code, 0);
    assert.equal(before.stdout, '{"prepare": [{"changed deps": {"raw.txt": "modified", "params.yaml": "new"}}, {"changed outs": {"prepared.txt": "deleted"}}], "train": [{"changed deps": {"prepared.txt": "deleted"}}, {"changed outs": {"model.txt": "deleted"}}]}\n');

    const dry = await cli(['repro', '--dry-run'], root);
    assert.equal(dry.code, 0);
    assert.match(dry.stdout, /1\s+prepare\s+run\s+Never run: dvc\.lock has no entry for this stage\./);
    assert.match(dry.stdout, /2\s+train\s+run/);

    const run = await cli(['repro', '--runner', 'builtin'], root);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /Running stage 'prepare':\n> printf/);
    assert.equal(read(root, 'model.txt'), 'r-prepared');
    assert.equal((await cli(['status', '--json'], root)).stdout, '{}\n');
    const table = await cli(['status'], root);
    assert.match(table.stdout, /prepare\s+up to date/);
    assert.match(table.stdout, /Data and pipelines are up to date\./);

    writeFiles(root, { 'params.yaml': 'lr: 0.2\n' });
    const changed = await cli(['status', '--workspace', root], path.dirname(root));
    assert.match(changed.stdout, /prepare\s+changed\s+Param params\.yaml:lr changed: 0\.1 -> 0\.2\./);
    const plan = await cli(['repro', 'train', '--dry-run', '--json'], root);
    assert.deepEqual(JSON.parse(plan.stdout).map((p: { address: string; action: string }) => `${p.address}:${p.action}`), ['prepare:run', 'train:maybe']);
    const single = await cli(['repro', 'prepare', '--downstream', '--runner', 'builtin'], root);
    assert.equal(single.code, 0);
    assert.match(single.stdout, /Stage 'train' didn't change, skipping/);
  });

  it('a failing stage exits 1 with DVC\'s message; bad arguments exit 2', async () => {
    root = makeRunRepo({ 'dvc.yaml': 'stages:\n  bad:\n    cmd: exit 4\n    outs:\n      - x\n' });
    const failed = await cli(['repro', '--runner', 'builtin'], root);
    assert.equal(failed.code, 1);
    assert.match(failed.stdout, /ERROR: failed to reproduce 'bad': failed to run: exit 4, exited with 4/);
    assert.equal((await cli(['repro', '--runner', 'nope'], root)).code, 2);
    assert.equal((await cli(['repro', '--json'], root)).code, 2);
    const unknown = await cli(['repro', 'ghost', '--dry-run'], root);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /Stage 'ghost' is not in the pipelines/);
  });

  it('dag prints Mermaid and DOT as dvc dag does, and JSON', async () => {
    root = makeRunRepo({ 'dvc.yaml': PIPELINE, 'params.yaml': 'lr: 0.1\n' });
    const mermaid = await cli(['dag'], root);
    assert.equal(mermaid.stdout, 'flowchart TD\n\tnode1["prepare"]\n\tnode2["train"]\n\tnode1-->node2\n');
    const dot = await cli(['dag', '--format', 'dot'], root);
    assert.equal(dot.stdout, 'strict digraph {\n"prepare";\n"train";\n"prepare" -> "train";\n}\n\n');
    const json = JSON.parse((await cli(['dag', '--format', 'json'], root)).stdout);
    assert.deepEqual(json.edges, [{ from: 'prepare', to: 'train' }]);
    assert.deepEqual(json.stages[1].deps, ['prepared.txt']);
    assert.equal((await cli(['dag', '--format', 'png'], root)).code, 2);
  });

  it('a dvc.yaml with errors: status prints them with file and line and exits 1', async () => {
    root = makeRunRepo({ 'dvc.yaml': 'stages:\n  s:\n    outs: [x]\n' });
    const r = await cli(['status'], root);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /dvc\.yaml:\d+:\d+: error: .*cmd/);
  });
});
