import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { appendFile, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { DvcliveReader } from '../../../src/core/dvclive/dvcliveReader';
import { dvcliveStoreRef } from '../../../src/core/dvclive/dvcliveStore';
import { StoreError, type Run } from '../../../src/core/runs/types';
import { copyDvcliveFixture, expectedDvclive, expectedPoints, FIXTURES, mtimeOf, toNumber, touchAt, type ExpectedDvclive } from './helpers';

const FAR_FUTURE = () => Date.now() + 3_600_000;

describe('DvcliveReader on folders written by real dvclive', () => {
  let expected: ExpectedDvclive;
  before(async () => {
    expected = await expectedDvclive();
  });

  for (const name of ['basic/dvclive', 'exp-run/dvclive']) {
    describe(name, () => {
      const dir = path.join(FIXTURES, name);
      let run: Run;
      let reader: DvcliveReader;
      before(async () => {
        reader = new DvcliveReader(dvcliveStoreRef(dir), { now: FAR_FUTURE });
        const snap = await reader.readAll();
        assert.deepEqual(snap.problems, []);
        assert.equal(snap.runs.length, 1);
        run = snap.runs[0];
        assert.deepEqual(
          snap.experiments.map((e) => [e.experimentId, e.name, e.lifecycleStage]),
          [['0', 'dvclive', 'active']],
        );
      });

      it('names the run after its folder, with an id from its kind and path', () => {
        assert.equal(run.runName, 'dvclive');
        assert.equal(run.runId, createHash('md5').update(`dvclive:${dir}`).digest('hex'));
        assert.match(run.runId, /^[0-9a-f]{32}$/);
        assert.equal(run.experimentId, '0');
        assert.equal(run.store.uri, `dvclive://${dir}`);
        assert.equal(run.tags['mlops.source.file'], path.join(dir, 'metrics.json'));
      });

      it('flattens params.yaml with the text dvclive wrote', () => {
        assert.deepEqual(run.params, expected.fixtures[name].params);
        assert.equal(run.params.lr, '1e-05');
        assert.equal(run.params['optimizer.betas'], '[0.9,0.999]');
        assert.ok(!('optimizer.extra' in run.params), 'an empty mapping adds no param');
      });

      it('gives the latest metrics of the .tsv histories and of metrics.json', async () => {
        const want = expected.fixtures[name].metrics;
        assert.deepEqual(Object.keys(run.metrics).sort(), Object.keys(want).sort());
        for (const [key, m] of Object.entries(want)) {
          const timestamp = m.timestamp ?? (await mtimeOf(path.join(dir, m.timeFrom)));
          assert.deepEqual(run.metrics[key], { step: m.step, timestamp, value: toNumber(m.value) }, key);
        }
      });

      it('gives every history point as dvclive wrote it, with the millisecond timestamps where logged', async () => {
        for (const [key, points] of Object.entries(expected.fixtures[name].histories)) {
          const got = await reader.metricHistory(run.runId, key);
          assert.deepEqual(got, await expectedPoints(points, path.join(dir, 'plots', 'metrics', `${key}.tsv`)), key);
        }
        assert.ok(Number.isNaN((await reader.metricHistory(run.runId, 'grad_norm'))[2].value), 'dvclive writes NaN as "nan"');
      });

      it('gives a summary-only metric (plot=False) as a one-point history', async () => {
        const best = await reader.metricHistory(run.runId, 'best_acc');
        assert.deepEqual(best, [run.metrics.best_acc]);
        assert.equal(best[0].step, expected.fixtures[name].summaryStep);
      });

      it('is FINISHED long after its last change, with an end time, and started at its first file', () => {
        assert.equal(run.status, 'FINISHED');
        assert.ok(run.endTime !== null && run.startTime !== null && run.startTime <= run.endTime);
      });
    });
  }

  it('reads nothing but params, metrics and plots/metrics (report.html is there in exp-run)', async () => {
    const entries = await readdir(path.join(FIXTURES, 'exp-run', 'dvclive'));
    assert.ok(entries.includes('report.html'));
    const snap = await new DvcliveReader(dvcliveStoreRef(path.join(FIXTURES, 'exp-run', 'dvclive'))).readAll();
    assert.ok(!Object.keys(snap.runs[0].params).some((k) => k.includes('report')));
  });
});

describe('DvcliveReader while dvclive writes', () => {
  let tmp: string;
  let dir: string;
  let reader: DvcliveReader;
  let now: number;
  beforeEach(async () => {
    ({ tmp, dir } = await copyDvcliveFixture('basic/dvclive'));
    now = Date.now() + 3_600_000;
    reader = new DvcliveReader(dvcliveStoreRef(dir), { now: () => now });
  });
  afterEach(async () => {
    await rm(tmp, { recursive: true, force: true });
  });
  const lossFile = () => path.join(dir, 'plots', 'metrics', 'train', 'loss.tsv');

  it('is RUNNING while its files changed in the last 60 s, with no end time', async () => {
    now = Math.max(await mtimeOf(dir), await mtimeOf(path.join(dir, 'metrics.json'))) + 30_000;
    const run = (await reader.readAll()).runs[0];
    assert.equal(run.status, 'RUNNING');
    assert.equal(run.endTime, null);
    now += 60_000;
    assert.equal((await reader.readAll()).runs[0].status, 'FINISHED');
  });

  it('reads the rows appended to a .tsv and the rewritten metrics.json', async () => {
    await reader.readAll();
    await appendFile(lossFile(), '5\t0.15\n6\t0.125\n');
    await writeFile(path.join(dir, 'metrics.json'), JSON.stringify({ train: { loss: 0.125, acc: 0.9 }, step: 6, best_acc: 0.8 }, null, 4) + '\n');
    const run = (await reader.readAll()).runs[0];
    assert.deepEqual(run.metrics['train/loss'], { step: 6, timestamp: await mtimeOf(lossFile()), value: 0.125 });
    assert.equal(run.metrics.best_acc.value, 0.8);
    assert.equal(run.metrics.best_acc.step, 6);
    assert.equal(run.metrics['train/acc'].value, 0.82, 'the .tsv history wins over metrics.json');
    const history = await reader.metricHistory(run.runId, 'train/loss');
    assert.deepEqual(
      history.map((p) => p.step),
      [0, 1, 2, 3, 4, 5, 6],
    );
  });

  it('does not read a file again while its size and mtime are unchanged', async () => {
    // A whole-millisecond mtime well in the past: utimes round-trips it exactly, and the file is not "being written".
    await touchAt(lossFile(), Math.floor(Date.now() / 1000) * 1000 - 10_000);
    await reader.readAll();
    const st = await stat(lossFile());
    // Same size, same mtime, other content: only a changed stat makes the reader look.
    const original = await readFile(lossFile(), 'utf8');
    await writeFile(lossFile(), original.replace(/\t([\d.]+)\n/g, (_, v: string) => `\t9.${'0'.repeat(v.length - 2)}\n`));
    assert.equal((await stat(lossFile())).size, st.size);
    await touchAt(lossFile(), st.mtimeMs);
    const runId = (await reader.readAll()).runs[0].runId;
    assert.equal((await reader.metricHistory(runId, 'train/loss'))[0].value, 1.0);
    await touchAt(lossFile(), st.mtimeMs + 2000);
    const run = (await reader.readAll()).runs[0];
    assert.equal(run.metrics['train/loss'].value, 9, 'a rewrite under the same size is read again whole');
    assert.deepEqual(
      (await reader.metricHistory(runId, 'train/loss')).map((p) => p.value),
      [9, 9, 9, 9, 9],
    );
  });

  it('starts over when dvclive restarts in the same folder (files deleted and written again)', async () => {
    await reader.readAll();
    await rm(path.join(dir, 'plots'), { recursive: true });
    await rm(path.join(dir, 'metrics.json'));
    const snap1 = await reader.readAll();
    assert.deepEqual(snap1.runs[0].metrics, {});
    await writeFile(path.join(dir, 'params.yaml'), 'lr: 0.5\n');
    await mkdir(path.dirname(lossFile()), { recursive: true });
    await writeFile(lossFile(), 'step\tloss\n0\t2.5\n');
    const run = (await reader.readAll()).runs[0];
    assert.deepEqual(run.params, { lr: '0.5' });
    assert.deepEqual(Object.keys(run.metrics), ['train/loss']);
    assert.deepEqual(await reader.metricHistory(run.runId, 'train/loss'), [{ step: 0, timestamp: await mtimeOf(lossFile()), value: 2.5 }]);
  });

  it('leaves a half-written last line for later, without a problem', async () => {
    await appendFile(lossFile(), '5\t0.1');
    let snap = await reader.readAll();
    assert.deepEqual(snap.problems, []);
    assert.equal(snap.runs[0].metrics['train/loss'].step, 4);
    await appendFile(lossFile(), '5\n');
    snap = await reader.readAll();
    assert.deepEqual(snap.runs[0].metrics['train/loss'], { step: 5, timestamp: await mtimeOf(lossFile()), value: 0.15 });
  });

  it('gives the same answer read live step by step as read once at the end', async () => {
    await reader.readAll();
    for (let step = 5; step < 9; step++) {
      await appendFile(lossFile(), `${step}\t${1 / (step + 1)}\n`);
      await reader.readAll();
    }
    const live = await reader.readAll();
    const fresh = await new DvcliveReader(dvcliveStoreRef(dir), { now: () => now }).readAll();
    assert.deepEqual(live, fresh);
  });

  it('throws a StoreError when the folder is gone', async () => {
    await rm(dir, { recursive: true });
    await assert.rejects(reader.readAll(), StoreError);
  });

  it('rejects a run id from elsewhere and keys that climb out of plots/metrics', async () => {
    const run = (await reader.readAll()).runs[0];
    await assert.rejects(reader.metricHistory('0'.repeat(32), 'train/loss'), StoreError);
    assert.deepEqual(await reader.metricHistory(run.runId, '../../params'), []);
    assert.deepEqual(await reader.metricHistory(run.runId, 'no/such'), []);
  });
});
