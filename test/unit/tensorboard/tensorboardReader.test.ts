import assert from 'node:assert/strict';
import { appendFile, mkdir, mkdtemp, open, readFile, rm, truncate, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { tensorboardStoreRef } from '../../../src/core/tensorboard/detectTensorboardStore';
import { RUNNING_WINDOW_MS, TensorboardReader } from '../../../src/core/tensorboard/tensorboardReader';
import { StoreError, type StoreSnapshot } from '../../../src/core/runs/types';
import { fileVersionEvent, frame, records, simpleValue, summaryEvent } from './eventBytes';

const T0 = 1764144000; // seconds
const FILE_A = 'events.out.tfevents.1764144000.host';
const FILE_B = 'events.out.tfevents.1764145000.host';

const lossEvent = (step: number, value = 1 / (step + 1)) => summaryEvent(T0 + step, step, simpleValue('loss', value));
const lossRecords = (from: number, to: number) => records(...Array.from({ length: to - from }, (_, i) => lossEvent(from + i)));

describe('TensorboardReader', () => {
  let tmp: string;
  let root: string;
  let clock: number;
  const reader = () => new TensorboardReader(tensorboardStoreRef(root), { now: () => clock });
  const runOf = (s: StoreSnapshot, name: string) => {
    const run = s.runs.find((r) => r.runName === name);
    assert.ok(run, `run ${name} in ${s.runs.map((r) => r.runName).join(', ')}`);
    return run;
  };
  /** Makes a file look quiet (last written long ago) or fresh. */
  const age = async (file: string, msAgo: number) => {
    const t = (clock - msAgo) / 1000;
    await utimes(file, t, t);
  };

  beforeEach(async () => {
    tmp = await mkdtemp(path.join(tmpdir(), 'mlops-tb-'));
    root = path.join(tmp, 'runs');
    await mkdir(path.join(root, 'a'), { recursive: true });
    clock = Date.now();
  });
  afterEach(() => rm(tmp, { recursive: true, force: true }));

  it('reads only appended records on the next readAll', async () => {
    const file = path.join(root, 'a', FILE_A);
    await writeFile(file, Buffer.concat([frame(fileVersionEvent(T0)), lossRecords(0, 10)]));
    const r = reader();
    const first = await r.readAll();
    assert.equal(runOf(first, 'a').metrics.loss.step, 9);
    // Damage a record that was already read (same size), then append: a re-read from the start would report it.
    const handle = await open(file, 'r+');
    await handle.write(Buffer.from([0xff]), 0, 1, 40);
    await handle.close();
    await appendFile(file, lossRecords(10, 15));
    const second = await r.readAll();
    assert.deepEqual(second.problems, []);
    assert.equal(runOf(second, 'a').metrics.loss.step, 14);
    // A fresh reader reads the whole file, and does see the damage.
    const fresh = await reader().readAll();
    assert.equal(fresh.problems.length, 1);
    assert.match(fresh.problems[0].message, /checksum mismatch/);
    assert.equal(runOf(fresh, 'a').metrics.loss.step, 14);
  });

  it('waits for a record the writer has not finished, without a problem, and reads it once complete', async () => {
    const file = path.join(root, 'a', FILE_A);
    const next = frame(lossEvent(5, 0.125));
    await writeFile(file, Buffer.concat([lossRecords(0, 5), next.subarray(0, 7)]));
    const r = reader();
    const partial = await r.readAll();
    assert.deepEqual(partial.problems, []);
    assert.equal(runOf(partial, 'a').metrics.loss.step, 4);
    assert.equal(runOf(partial, 'a').status, 'RUNNING');
    assert.equal(runOf(partial, 'a').endTime, null);
    await appendFile(file, next.subarray(7));
    const complete = await r.readAll();
    assert.deepEqual(complete.problems, []);
    assert.deepEqual(runOf(complete, 'a').metrics.loss, { step: 5, timestamp: (T0 + 5) * 1000, value: 0.125 });
    assert.equal((await r.metricHistory(runOf(complete, 'a').runId, 'loss')).length, 6);
  });

  it('reports a truncated file once it has been quiet for a minute, naming the file and byte offset, and keeps its points', async () => {
    const file = path.join(root, 'a', FILE_A);
    const whole = lossRecords(0, 5);
    await writeFile(file, Buffer.concat([whole, frame(lossEvent(5)).subarray(0, 20)]));
    await age(file, RUNNING_WINDOW_MS + 1000);
    const s = await reader().readAll();
    const run = runOf(s, 'a');
    assert.equal(run.status, 'FINISHED');
    assert.equal(run.endTime, (T0 + 4) * 1000);
    assert.equal(run.metrics.loss.step, 4);
    assert.equal(s.problems.length, 1);
    assert.equal(s.problems[0].file, file);
    assert.equal(s.problems[0].severity, 'warning');
    assert.match(s.problems[0].message, new RegExp(`incomplete record at byte ${whole.length} \\(20 bytes\\)`));
  });

  it('skips a record with a flipped CRC byte, says where, and keeps every other point', async () => {
    const file = path.join(root, 'a', FILE_A);
    const bytes = lossRecords(0, 6);
    const recordLength = bytes.length / 6;
    bytes[3 * recordLength - 1] ^= 0x5a; // last byte of the third record: its data CRC
    await writeFile(file, bytes);
    const r = reader();
    const s = await r.readAll();
    assert.equal(s.problems.length, 1);
    assert.equal(s.problems[0].file, file);
    assert.match(s.problems[0].message, new RegExp(`byte ${2 * recordLength} \\(data checksum mismatch`));
    const history = await r.metricHistory(runOf(s, 'a').runId, 'loss');
    assert.deepEqual(history.map((p) => p.step), [0, 1, 3, 4, 5]);
    // Reported again by the next snapshot (it is still there), but not twice.
    assert.equal((await r.readAll()).problems.length, 1);
  });

  it('skips a record that is not a valid Event (right checksums, bad protobuf)', async () => {
    const file = path.join(root, 'a', FILE_A);
    await writeFile(file, Buffer.concat([lossRecords(0, 2), frame(Buffer.from([0x2a, 0x40, 0x01])), lossRecords(2, 3)]));
    const s = await reader().readAll();
    assert.equal(s.problems.length, 1);
    assert.match(s.problems[0].message, /not a valid Event/);
    assert.equal(runOf(s, 'a').metrics.loss.step, 2);
  });

  it('re-reads a run whose file shrank or was replaced, or that got a file sorting before the others', async () => {
    const fileA = path.join(root, 'a', FILE_A);
    const fileB = path.join(root, 'a', FILE_B);
    await writeFile(fileB, lossRecords(10, 20));
    const r = reader();
    assert.equal(runOf(await r.readAll(), 'a').metrics.loss.step, 19);
    await writeFile(fileA, lossRecords(0, 10)); // sorts before FILE_B
    const both = await r.readAll();
    assert.equal((await r.metricHistory(runOf(both, 'a').runId, 'loss')).length, 20);
    await truncate(fileB, 0);
    const shrunk = await r.readAll();
    assert.equal(runOf(shrunk, 'a').metrics.loss.step, 9);
    await rm(fileA);
    await writeFile(fileB, lossRecords(30, 31));
    const replaced = await r.readAll();
    assert.deepEqual(Object.keys(runOf(replaced, 'a').metrics), ['loss']);
    assert.equal(runOf(replaced, 'a').metrics.loss.step, 30);
    assert.equal((await r.metricHistory(runOf(replaced, 'a').runId, 'loss')).length, 1);
  });

  it('finds new runs and forgets removed ones, and throws StoreError for an unknown run or a missing log dir', async () => {
    await writeFile(path.join(root, 'a', FILE_A), lossRecords(0, 1));
    const r = reader();
    assert.deepEqual((await r.readAll()).runs.map((x) => x.runName), ['a']);
    await mkdir(path.join(root, 'b', 'deep'), { recursive: true });
    await writeFile(path.join(root, 'b', 'deep', FILE_A), lossRecords(0, 1));
    await rm(path.join(root, 'a'), { recursive: true });
    const s = await r.readAll();
    assert.deepEqual(s.runs.map((x) => x.runName), ['b/deep']);
    assert.equal(s.runs[0].parentRunId, null);
    await assert.rejects(r.metricHistory('0'.repeat(32), 'loss'), StoreError);
    await rm(root, { recursive: true });
    await assert.rejects(r.readAll(), StoreError);
  });

  it('names a run in the root folder itself after the folder, and reads a file with no scalars as a run without metrics', async () => {
    await writeFile(path.join(root, FILE_A), Buffer.concat([frame(fileVersionEvent(T0)), lossRecords(0, 2)]));
    await writeFile(path.join(root, 'a', FILE_A), frame(fileVersionEvent(T0 + 1)));
    const s = await reader().readAll();
    assert.deepEqual(s.runs.map((x) => x.runName), ['a', 'runs']);
    assert.deepEqual(runOf(s, 'a').metrics, {});
    assert.equal(runOf(s, 'a').startTime, (T0 + 1) * 1000);
    assert.equal(runOf(s, 'a').parentRunId, runOf(s, 'runs').runId);
  });

  it('answers overlapping calls one after the other, and goes on after one failed', async () => {
    const file = path.join(root, 'a', FILE_A);
    await writeFile(file, lossRecords(0, 10));
    const r = reader();
    await r.readAll();
    await appendFile(file, lossRecords(10, 20));
    const [s1, s2] = await Promise.all([r.readAll(), r.readAll()]);
    assert.equal(runOf(s1, 'a').metrics.loss.step, 19);
    assert.equal(runOf(s2, 'a').metrics.loss.step, 19);
    const [history] = await Promise.all([r.metricHistory(runOf(s2, 'a').runId, 'loss'), r.readAll()]);
    assert.deepEqual(history.map((p) => p.step), Array.from({ length: 20 }, (_, i) => i));
    await rm(root, { recursive: true });
    await assert.rejects(r.readAll(), StoreError);
    await mkdir(path.join(root, 'a'), { recursive: true });
    await writeFile(file, lossRecords(0, 3));
    assert.equal(runOf(await r.readAll(), 'a').metrics.loss.step, 2);
  });

  it('stops when aborted', async () => {
    await writeFile(path.join(root, 'a', FILE_A), lossRecords(0, 3));
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(reader().readAll(controller.signal), /abort/i);
  });

  it('reads a file larger than its read buffer, with records across chunk boundaries', async () => {
    const file = path.join(root, 'a', FILE_A);
    const big = summaryEvent(T0, 0, simpleValue('x'.repeat(5 * 1024 * 1024), 1)); // one record above 4 MiB
    const many = lossRecords(1, 40000);
    await writeFile(file, Buffer.concat([frame(big), many]));
    const r = reader();
    const s = await r.readAll();
    assert.deepEqual(s.problems, []);
    assert.equal(runOf(s, 'a').metrics.loss.step, 39999);
    assert.equal((await r.metricHistory(runOf(s, 'a').runId, 'loss')).length, 39999);
    assert.equal((await readFile(file)).length, frame(big).length + many.length);
  });
});
