import assert from 'node:assert/strict';
import { mkdir, rm, symlink, writeFile, chmod } from 'node:fs/promises';
import * as path from 'node:path';
import { MlflowFileStoreReader } from '../../../src/core/mlflow/fileStore/fileStoreReader';
import type { StoreSnapshot } from '../../../src/core/runs/types';
import { copyFixture, RUN_A, RUN_B, RUN_D, RUN_E } from './helpers';

describe('MlflowFileStoreReader with bad input', () => {
  let tmp: string;
  let root: string;
  let reader: MlflowFileStoreReader;
  beforeEach(async () => {
    let ref;
    ({ tmp, root, ref } = await copyFixture());
    reader = new MlflowFileStoreReader(ref);
  });
  afterEach(async () => {
    await chmod(path.join(root, '0'), 0o755).catch(() => undefined);
    await rm(tmp, { recursive: true, force: true });
  });

  const problemFor = (snap: StoreSnapshot, file: string) => snap.problems.find((p) => p.file === file);
  const runIds = (snap: StoreSnapshot) => snap.runs.map((r) => r.runId).sort();

  it('reports a malformed run meta.yaml with its line and loads the other runs', async () => {
    const meta = path.join(root, '0', RUN_A, 'meta.yaml');
    await writeFile(meta, "run_id: x\nexperiment_id: '0\nstatus: 3\n");
    const snap = await reader.readAll();
    assert.ok(!runIds(snap).includes(RUN_A));
    assert.ok(runIds(snap).includes(RUN_B));
    const p = problemFor(snap, meta);
    assert.equal(p?.severity, 'error');
    assert.equal(typeof p?.line, 'number');
  });

  it('reports a malformed experiment meta.yaml and still lists its runs', async () => {
    const meta = path.join(root, '1', 'meta.yaml');
    await writeFile(meta, 'name: [unclosed\n');
    const snap = await reader.readAll();
    assert.ok(problemFor(snap, meta));
    assert.deepEqual(snap.experiments.map((e) => e.experimentId), ['0', '7']);
    assert.ok(runIds(snap).includes(RUN_D));
  });

  it('reports garbage and half-written metric lines and keeps the good ones', async () => {
    const file = path.join(root, '0', RUN_A, 'metrics', 'loss');
    await writeFile(file, '1 0.5 0\n\u0000\u0001binary\u00ff\n2 0.25 1\n3 0.1');
    const snap = await reader.readAll();
    const a = snap.runs.find((r) => r.runId === RUN_A)!;
    assert.deepEqual(a.metrics.loss, { value: 0.25, step: 1, timestamp: 2 }, 'the half-written line is not read yet');
    const p = problemFor(snap, file);
    assert.equal(p?.line, 2);
  });

  it('reports a binary meta.yaml and a binary param file', async () => {
    const meta = path.join(root, '0', RUN_B, 'meta.yaml');
    await writeFile(meta, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x00, 0x1a]));
    const param = path.join(root, '0', RUN_A, 'params', 'blob');
    await writeFile(param, Buffer.from([1, 0, 2, 0]));
    const snap = await reader.readAll();
    assert.match(problemFor(snap, meta)?.message ?? '', /binary/);
    assert.match(problemFor(snap, param)?.message ?? '', /binary/);
    assert.deepEqual(snap.runs.find((r) => r.runId === RUN_A)!.params, { lr: '0.01', 'model/depth': '6' });
  });

  it('reports a run folder without meta.yaml', async () => {
    const dir = path.join(root, '0', 'f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7');
    await mkdir(path.join(dir, 'metrics'), { recursive: true });
    const snap = await reader.readAll();
    assert.match(problemFor(snap, dir)?.message ?? '', /no meta\.yaml/);
    assert.equal(snap.runs.length, 5);
  });

  it('does not follow a symlink loop, and reports it', async () => {
    const params = path.join(root, '0', RUN_A, 'params');
    await symlink(params, path.join(params, 'loop'));
    await symlink('self', path.join(root, '0', RUN_A, 'tags', 'self')); // a link to itself: ELOOP
    await symlink(path.join(root, '0'), path.join(root, '0', RUN_A, 'metrics', 'up'));
    const snap = await reader.readAll();
    const a = snap.runs.find((r) => r.runId === RUN_A)!;
    assert.deepEqual(a.params, { lr: '0.01', 'model/depth': '6' });
    assert.ok(problemFor(snap, path.join(params, 'loop')));
    assert.ok(problemFor(snap, path.join(root, '0', RUN_A, 'tags', 'self')));
    assert.ok(problemFor(snap, path.join(root, '0', RUN_A, 'metrics', 'up')));
    assert.deepEqual(Object.keys(a.metrics).sort(), ['acc', 'loss']);
  });

  it('reads a run folder reached through a symlink once', async () => {
    await symlink(path.join(root, '1', RUN_D), path.join(root, '1', 'linked'));
    const snap = await reader.readAll();
    // MLflow keys runs by folder: the link is a second folder with the same run_id, reported as a duplicate.
    assert.equal(snap.runs.filter((r) => r.runId === RUN_D).length, 1);
  });

  it('reports an unreadable folder (EACCES) and loads the rest', async function () {
    const expDir = path.join(root, '0');
    await chmod(expDir, 0o000);
    const snap = await reader.readAll();
    if (process.getuid?.() === 0) {
      // As root, chmod 000 does not block reads (CAP_DAC_OVERRIDE), so EACCES can't be produced here; the
      // ioProblem mapping for EACCES is tested in fsProblems.test.ts. Assert the store still reads completely.
      assert.equal(snap.runs.length, 5);
    } else {
      assert.match(problemFor(snap, expDir)?.message ?? '', /Permission denied/);
      assert.deepEqual(runIds(snap), [RUN_D, RUN_E]);
    }
  });

  it('reads a huge metric file in bounded chunks, with the latest from every line', async () => {
    const file = path.join(root, '0', RUN_A, 'metrics', 'big');
    const line = (i: number) => `${1700000000000 + i} ${(i % 1000) / 1000} ${i}\n`;
    const lines: string[] = [];
    for (let i = 0; i < 300_000; i++) lines.push(line(i));
    await writeFile(file, lines.join(''));
    const snap = await reader.readAll();
    assert.deepEqual(snap.runs.find((r) => r.runId === RUN_A)!.metrics.big, { value: 0.999, step: 299_999, timestamp: 1700000299999 });
  });
});
