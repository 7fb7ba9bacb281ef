import assert from 'node:assert/strict';
import { appendFile, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { LightningCsvReader } from '../../../src/core/lightning/lightningCsvReader';
import type { StoreSnapshot } from '../../../src/core/runs/types';
import { copyLogs, mtimeOf } from './helpers';

describe('LightningCsvReader with bad input', () => {
  let tmp: string;
  let root: string;
  let reader: LightningCsvReader;
  beforeEach(async () => {
    let ref;
    ({ tmp, root, ref } = await copyLogs());
    reader = new LightningCsvReader(ref, { now: () => Date.now() + 3_600_000 });
  });
  afterEach(async () => {
    await rm(tmp, { recursive: true, force: true });
  });
  const csvOf = (v: string) => path.join(root, v, 'metrics.csv');
  const problemsOf = (snap: StoreSnapshot, file: string) => snap.problems.filter((p) => p.file === file);
  const run = (snap: StoreSnapshot, name: string) => snap.runs.find((r) => r.runName === name)!;

  it('reports ragged rows by line, once each, and keeps the other rows and runs', async () => {
    await writeFile(csvOf('version_1'), 'epoch,step,loss\r\n0,0,1.0\r\n0,1,0.9,extra\r\n0,2\r\n0,3,0.7\r\n');
    const snap = await reader.readAll();
    const problems = problemsOf(snap, csvOf('version_1'));
    assert.deepEqual(
      problems.map((p) => p.line),
      [3, 4],
    );
    assert.match(problems[0].message, /4 cells where the header has 3/);
    assert.deepEqual(run(snap, 'version_1').metrics.loss, { step: 3, timestamp: await mtimeOf(csvOf('version_1')), value: 0.7 });
    assert.ok(Object.keys(run(snap, 'version_0').metrics).length > 0);
    assert.equal(problemsOf(await reader.readAll(), csvOf('version_1')).length, 2, 'not doubled by a second read');
  });

  it('reports a non-numeric cell once per column and keeps the other cells of its row', async () => {
    await writeFile(csvOf('version_1'), 'acc,step,note\n0.5,0,hello\n0.6,1,world\n0.7,2,\n');
    const snap = await reader.readAll();
    const problems = problemsOf(snap, csvOf('version_1'));
    assert.equal(problems.length, 1);
    assert.equal(problems[0].line, 2);
    assert.match(problems[0].message, /"note" holds "hello"/);
    assert.equal(run(snap, 'version_1').metrics.acc.value, 0.7);
    assert.ok(!('note' in run(snap, 'version_1').metrics));
  });

  it('skips a row whose step is not a number, naming its line', async () => {
    await writeFile(csvOf('version_1'), 'acc,step\n0.5,0\n0.6,later\n0.7,2\n');
    const snap = await reader.readAll();
    assert.deepEqual(
      problemsOf(snap, csvOf('version_1')).map((p) => p.line),
      [3],
    );
    assert.equal(run(snap, 'version_1').metrics.acc.step, 2);
  });

  it('numbers the rows as steps when the step column is missing, and says so', async () => {
    await writeFile(csvOf('version_1'), 'loss\n1.0\n0.5\n');
    const snap = await reader.readAll();
    assert.equal(problemsOf(snap, csvOf('version_1'))[0].line, 1);
    const r = run(snap, 'version_1');
    assert.deepEqual(
      (await reader.metricHistory(r.runId, 'loss')).map((p) => [p.step, p.value]),
      [
        [0, 1.0],
        [1, 0.5],
      ],
    );
  });

  it('leaves a half-written last line for later without a problem', async () => {
    const file = csvOf('version_1');
    await writeFile(file, 'epoch,step,loss\r\n0,0,1.0\r\n0,1,0.');
    let snap = await reader.readAll();
    assert.deepEqual(snap.problems, []);
    assert.equal(run(snap, 'version_1').metrics.loss.step, 0);
    await appendFile(file, '5\r\n');
    snap = await reader.readAll();
    assert.equal(run(snap, 'version_1').metrics.loss.value, 0.5);
  });

  it('reads quoted column names holding commas, as csv.DictWriter writes them', async () => {
    await writeFile(csvOf('version_1'), 'step,"top,1","say ""hi"""\n0,0.5,1\n');
    const m = run(await reader.readAll(), 'version_1').metrics;
    assert.equal(m['top,1'].value, 0.5);
    assert.equal(m['say "hi"'].value, 1);
  });

  it('reports broken hparams.yaml by line and still reads the metrics', async () => {
    const file = path.join(root, 'version_0', 'hparams.yaml');
    await writeFile(file, 'lr: 0.1\nopt: adam\nb: c: d\n');
    const snap = await reader.readAll();
    const [p] = problemsOf(snap, file);
    assert.equal(p.severity, 'error');
    assert.equal(p.line, 3);
    assert.deepEqual(run(snap, 'version_0').params, {});
    assert.ok(Object.keys(run(snap, 'version_0').metrics).length > 0);
  });

  it('survives binary garbage in metrics.csv', async () => {
    await writeFile(csvOf('version_1'), Buffer.from([0x00, 0xff, 0x2c, 0x0a, 0x01, 0x2c, 0x02, 0x2c, 0x03, 0x0a, 0x22, 0x0a]));
    const snap = await reader.readAll();
    assert.ok(problemsOf(snap, csvOf('version_1')).length >= 1);
    assert.equal(snap.runs.length, 2);
  });
});
