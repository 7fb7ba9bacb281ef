import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { appendFile, copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { LightningCsvReader } from '../../../src/core/lightning/lightningCsvReader';
import { lightningCsvStoreRef } from '../../../src/core/lightning/lightningStore';
import { StoreError, type StoreSnapshot } from '../../../src/core/runs/types';
import { copyLogs, expectedLightning, FIXTURES, LOGS, mtimeOf, toNumber, withTime, type ExpectedLightning } from './helpers';

const FAR_FUTURE = () => Date.now() + 3_600_000;

describe('LightningCsvReader on logs written by real Lightning', () => {
  let expected: ExpectedLightning;
  let snap: StoreSnapshot;
  let reader: LightningCsvReader;
  before(async () => {
    expected = await expectedLightning();
    reader = new LightningCsvReader(lightningCsvStoreRef(LOGS), { now: FAR_FUTURE });
    snap = await reader.readAll();
  });

  it('lists each version folder as a run of one experiment named after the folder of versions', () => {
    assert.deepEqual(snap.problems, []);
    assert.deepEqual(
      snap.experiments.map((e) => [e.experimentId, e.name]),
      [['0', 'lightning_logs']],
    );
    assert.deepEqual(
      snap.runs.map((r) => r.runName),
      ['version_0', 'version_1'],
    );
    for (const r of snap.runs) {
      const dir = path.join(LOGS, r.runName);
      assert.equal(r.runId, createHash('md5').update(`lightning-csv:${dir}`).digest('hex'));
      assert.equal(r.tags['mlops.source.file'], path.join(dir, 'metrics.csv'));
      assert.equal(r.status, 'FINISHED');
      assert.equal(r.store.uri, `lightning-csv://${LOGS}`);
    }
  });

  it('flattens hparams.yaml, python tags included (PyYAML) and as OmegaConf wrote it', () => {
    for (const r of snap.runs) assert.deepEqual(r.params, expected.versions[r.runName].params, r.runName);
    const v0 = snap.runs[0].params;
    assert.equal(v0.hidden, '[8,4]', 'a !!python/tuple is a list');
    assert.match(v0.activation, /^!!python\/name:torch\.nn\.modules\.activation\.ReLU/);
    assert.equal(snap.runs[1].params['optim.weight_decay'], '1.0e-05');
  });

  it('gives the latest value of every column, epoch included, at the largest step', async () => {
    for (const r of snap.runs) {
      const time = await mtimeOf(path.join(LOGS, r.runName, 'metrics.csv'));
      const want = Object.fromEntries(Object.entries(expected.versions[r.runName].metrics).map(([k, m]) => [k, { step: m.step, timestamp: time, value: toNumber(m.value) }]));
      assert.deepEqual(r.metrics, want, r.runName);
      assert.ok('epoch' in r.metrics && !('step' in r.metrics));
    }
  });

  it('gives every non-empty cell of a column as its history', async () => {
    for (const r of snap.runs) {
      const time = await mtimeOf(path.join(LOGS, r.runName, 'metrics.csv'));
      for (const [key, points] of Object.entries(expected.versions[r.runName].histories)) {
        assert.deepEqual(await reader.metricHistory(r.runId, key), withTime(points, time), `${r.runName} ${key}`);
      }
      assert.deepEqual(await reader.metricHistory(r.runId, 'no_such_metric'), []);
    }
    await assert.rejects(reader.metricHistory('f'.repeat(32), 'epoch'), StoreError);
  });
});

describe('LightningCsvReader while Lightning trains', () => {
  let tmp: string;
  let root: string;
  let now: number;
  let reader: LightningCsvReader;
  beforeEach(async () => {
    ({ tmp, root } = await copyLogs());
    now = Date.now() + 3_600_000;
    reader = new LightningCsvReader(lightningCsvStoreRef(root), { now: () => now });
  });
  afterEach(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  it("replays version_0's flushes (appends, and rewrites under a wider header) and always agrees with a fresh read", async () => {
    const expected = await expectedLightning();
    const dir = path.join(root, 'version_2');
    await mkdir(dir);
    await copyFile(path.join(LOGS, 'version_0', 'hparams.yaml'), path.join(dir, 'hparams.yaml'));
    const csv = path.join(dir, 'metrics.csv');
    let widened = 0;
    let lastHeader = '';
    for (const flush of expected.flushes) {
      // Write in place, as Lightning does (open "w" or "a"): the same file, not a new one.
      const text = await readFile(path.join(FIXTURES, 'flushes', 'version_0', flush), 'utf8');
      const header = text.slice(0, text.indexOf('\n'));
      if (lastHeader && header !== lastHeader) widened++;
      lastHeader = header;
      const before = await readFile(csv, 'utf8').catch(() => '');
      if (text.startsWith(before) && before) await appendFile(csv, text.slice(before.length));
      else await writeFile(csv, text);
      const live = (await reader.readAll()).runs.find((r) => r.runName === 'version_2')!;
      const fresh = (await new LightningCsvReader(lightningCsvStoreRef(root), { now: () => now }).readAll()).runs.find((r) => r.runName === 'version_2')!;
      assert.deepEqual(live, fresh, flush);
    }
    assert.ok(widened >= 2, 'the fixture has header rewrites');
    const run = (await reader.readAll()).runs.find((r) => r.runName === 'version_2')!;
    const time = await mtimeOf(csv);
    for (const [key, points] of Object.entries(expected.versions.version_0.histories)) {
      assert.deepEqual(await reader.metricHistory(run.runId, key), withTime(points, time), key);
    }
  });

  it('keeps the rows it has while Lightning rewrites metrics.csv (caught shorter, just written), then reads the new file', async () => {
    const csv = path.join(root, 'version_1', 'metrics.csv');
    const before = (await reader.readAll()).runs[1].metrics;
    const full = await readFile(csv, 'utf8');
    const wider = full.replace('epoch,', 'aaa,epoch,').replace(/\r\n(?=.)/g, '\r\n,');
    await writeFile(csv, wider.slice(0, 40)); // truncated and partly written, as open("w") leaves it for a moment
    now = Date.now() + 500;
    assert.deepEqual((await reader.readAll()).runs[1].metrics, before);
    await writeFile(csv, wider);
    const after = (await reader.readAll()).runs[1].metrics;
    assert.deepEqual(Object.keys(after), Object.keys(before));
    assert.equal(after.val_acc.value, before.val_acc.value);
    assert.equal(after.val_acc.timestamp, await mtimeOf(csv));
  });

  it('is RUNNING while metrics.csv, hparams.yaml or checkpoints/ changed in the last 60 s', async () => {
    const dir = path.join(root, 'version_0');
    now = (await mtimeOf(path.join(dir, 'metrics.csv'))) + 90_000;
    let run = (await reader.readAll()).runs[0];
    assert.equal(run.status, 'FINISHED');
    assert.equal(run.endTime, await mtimeOf(path.join(dir, 'metrics.csv')));
    await mkdir(path.join(dir, 'checkpoints'));
    now = (await mtimeOf(path.join(dir, 'checkpoints'))) + 1000;
    run = (await reader.readAll()).runs[0];
    assert.equal(run.status, 'RUNNING');
    assert.equal(run.endTime, null);
    assert.ok(run.startTime !== null && run.startTime <= now);
  });

  it('drops a version folder that was deleted and adds one that appeared', async () => {
    await reader.readAll();
    await rm(path.join(root, 'version_1'), { recursive: true });
    await mkdir(path.join(root, 'baseline'));
    await writeFile(path.join(root, 'baseline', 'metrics.csv'), 'epoch,step,loss\n0,0,1.5\n');
    const snap = await reader.readAll();
    assert.deepEqual(
      snap.runs.map((r) => r.runName),
      ['version_0', 'baseline'],
    );
    assert.deepEqual(snap.runs[1].params, {});
    assert.equal(snap.runs[1].metrics.loss.value, 1.5);
  });

  it("leaves a TensorBoardLogger version (hparams.yaml and event files) and other folders alone", async () => {
    const tb = path.join(root, 'version_5');
    await mkdir(tb);
    await writeFile(path.join(tb, 'hparams.yaml'), 'lr: 0.1\n');
    await writeFile(path.join(tb, 'events.out.tfevents.1700000000.host.1.0'), Buffer.alloc(16));
    await mkdir(path.join(root, 'notes'));
    await writeFile(path.join(root, 'README.txt'), 'hi');
    const hp = path.join(root, 'version_6');
    await mkdir(hp);
    await writeFile(path.join(hp, 'hparams.yaml'), 'lr: 0.2\n');
    const snap = await reader.readAll();
    assert.deepEqual(
      snap.runs.map((r) => r.runName),
      ['version_0', 'version_1', 'version_6'],
      'a CSVLogger run that has not flushed metrics yet is a run',
    );
    assert.deepEqual(snap.runs[2].metrics, {});
    assert.equal(snap.runs[2].tags['mlops.source.file'], path.join(hp, 'hparams.yaml'));
  });

  it('throws a StoreError when the folder of versions is gone', async () => {
    await rm(root, { recursive: true });
    await assert.rejects(reader.readAll(), StoreError);
  });
});
