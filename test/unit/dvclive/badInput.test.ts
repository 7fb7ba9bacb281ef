import assert from 'node:assert/strict';
import { appendFile, mkdir, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { DvcliveReader } from '../../../src/core/dvclive/dvcliveReader';
import { dvcliveStoreRef } from '../../../src/core/dvclive/dvcliveStore';
import type { StoreSnapshot } from '../../../src/core/runs/types';
import { copyDvcliveFixture, mtimeOf } from './helpers';

describe('DvcliveReader with bad input', () => {
  let tmp: string;
  let dir: string;
  let reader: DvcliveReader;
  /** The reader's clock: an hour ahead, so files just written are settled (not taken as being rewritten). */
  let now = 0;
  beforeEach(async () => {
    now = Date.now() + 3_600_000;
    ({ tmp, dir } = await copyDvcliveFixture('basic/dvclive'));
    reader = new DvcliveReader(dvcliveStoreRef(dir), { now: () => now });
  });
  afterEach(async () => {
    await rm(tmp, { recursive: true, force: true });
  });
  const metricFile = (...p: string[]) => path.join(dir, 'plots', 'metrics', ...p);
  const problemsOf = (snap: StoreSnapshot, file: string) => snap.problems.filter((p) => p.file === file);

  it('reports a row with too many or too few cells by its line, once each, and keeps the others', async () => {
    const file = metricFile('train', 'loss.tsv');
    await appendFile(file, '5\t0.1\textra\n6\n7\t0.05\n');
    const snap = await reader.readAll();
    assert.deepEqual(
      problemsOf(snap, file).map((p) => p.line),
      [7, 8],
    );
    assert.match(problemsOf(snap, file)[0].message, /3 columns where the header has 2/);
    assert.deepEqual(snap.runs[0].metrics['train/loss'], { step: 7, timestamp: await mtimeOf(file), value: 0.05 });
    // Read again with nothing changed: the same problems, not doubled.
    assert.equal(problemsOf(await reader.readAll(), file).length, 2);
  });

  it('reports a .tsv whose header lacks the step column and reads the other files', async () => {
    const file = metricFile('broken.tsv');
    await writeFile(file, 'broken\n1.0\n2.0\n');
    const snap = await reader.readAll();
    const [p] = problemsOf(snap, file);
    assert.equal(p.line, 1);
    assert.equal(p.severity, 'error');
    assert.match(p.message, /timestamp<TAB>step<TAB>broken/);
    assert.ok(!('broken' in snap.runs[0].metrics));
    assert.equal(snap.runs[0].metrics['train/loss'].value, 0.2);
  });

  it('says once per file that a str metric has no numeric value', async () => {
    const file = metricFile('phase.tsv');
    await writeFile(file, 'step\tphase\n0\twarmup\n1\ttrain\n2\t3\n');
    const snap = await reader.readAll();
    const problems = problemsOf(snap, file);
    assert.equal(problems.length, 1);
    assert.equal(problems[0].line, 2);
    assert.match(problems[0].message, /"warmup" is not a number/);
    assert.equal(snap.runs[0].metrics.phase.value, 3);
  });

  it('reports a step or timestamp that is not a number', async () => {
    const file = metricFile('eval', 'acc.tsv');
    await appendFile(file, 'soon\t5\t0.8\n1795681233999\tfive\t0.8\n');
    const lines = problemsOf(await reader.readAll(), file).map((p) => [p.line, /timestamp|step/.exec(p.message)?.[0]]);
    assert.deepEqual(lines, [
      [7, 'timestamp'],
      [8, 'step'],
    ]);
  });

  it('lists at most five problems of a file, then how many more', async () => {
    const file = metricFile('train', 'acc.tsv');
    await appendFile(file, Array.from({ length: 9 }, (_, i) => `${5 + i}\n`).join(''));
    const problems = problemsOf(await reader.readAll(), file);
    assert.equal(problems.length, 6);
    assert.equal(problems[5].line, undefined);
    assert.match(problems[5].message, /4 more problems/);
  });

  it('reports broken JSON in metrics.json by line and keeps the last good values', async () => {
    const file = path.join(dir, 'metrics.json');
    assert.equal((await reader.readAll()).runs[0].metrics.best_acc.value, 0.73);
    await writeFile(file, '{\n    "best_acc": 0.9,\n    "step": \n}\n');
    const snap = await reader.readAll();
    const [p] = problemsOf(snap, file);
    assert.equal(p.severity, 'error');
    assert.equal(p.line, 4);
    assert.match(p.message, /last good version/);
    assert.equal(snap.runs[0].metrics.best_acc.value, 0.73);
  });

  it('reports broken YAML in params.yaml by line; a fresh reader shows no params from it', async () => {
    const file = path.join(dir, 'params.yaml');
    await writeFile(file, 'lr: 0.1\nmodel: [1, 2\n');
    const snap = await new DvcliveReader(dvcliveStoreRef(dir), { now: () => now }).readAll();
    const [p] = problemsOf(snap, file);
    assert.equal(p.line, 3);
    assert.deepEqual(snap.runs[0].params, {});
    assert.equal(snap.runs[0].metrics['train/loss'].value, 0.2, 'the metrics still load');
  });

  it('takes a metrics.json that is empty or broken within 2 s of its write as being rewritten, and reports it later', async () => {
    const file = path.join(dir, 'metrics.json');
    await reader.readAll();
    const written = Date.now();
    now = written + 500;
    await writeFile(file, '{\n    "best_acc": 0.');
    let snap = await reader.readAll();
    assert.deepEqual(problemsOf(snap, file), []);
    assert.equal(snap.runs[0].metrics.best_acc.value, 0.73, 'the last good value is kept');
    await writeFile(file, '');
    snap = await reader.readAll();
    assert.deepEqual(problemsOf(snap, file), []);
    assert.equal(snap.runs[0].metrics.best_acc.value, 0.73);
    await writeFile(file, '{"best_acc": 0.');
    assert.deepEqual(problemsOf(await reader.readAll(), file), []);
    now = written + 3_600_000;
    snap = await reader.readAll(); // nothing changed on disk since: the settling file is parsed again
    assert.equal(problemsOf(snap, file).length, 1);
    assert.equal(snap.runs[0].metrics.best_acc.value, 0.73);
  });

  it('reads a folder dvclive has only just created (nothing in it yet) as a run without data', async () => {
    const empty = path.join(tmp, 'fresh');
    await mkdir(empty);
    const snap = await new DvcliveReader(dvcliveStoreRef(empty)).readAll();
    assert.equal(snap.runs.length, 1);
    assert.deepEqual(snap.runs[0].metrics, {});
    assert.deepEqual(snap.runs[0].params, {});
    assert.deepEqual(snap.problems, []);
  });

  it('reads binary garbage in a .tsv as problems, not a crash', async () => {
    const file = metricFile('garbage.tsv');
    await writeFile(file, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0a, 0x00, 0x01, 0x09, 0xff, 0x0a, 0x1a, 0x0a]));
    const snap = await reader.readAll();
    assert.ok(problemsOf(snap, file).length >= 1);
    assert.ok(!('garbage' in snap.runs[0].metrics));
  });
});
