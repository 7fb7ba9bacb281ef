import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { tensorboardStoreRef } from '../../../src/core/tensorboard/detectTensorboardStore';
import { TensorboardReader, tensorboardRunId } from '../../../src/core/tensorboard/tensorboardReader';

// Our reader against what TensorBoard's own loader (EventMultiplexer, the one behind `tensorboard --logdir`) read from
// the same event files, written by the real writers (test/fixtures/tensorboard/generate.py -> expected.json).

type JsonNumber = number | 'NaN' | 'Infinity' | '-Infinity';
interface Expected {
  tensorboardVersion: string;
  eventFiles: Record<string, string[]>;
  runs: Record<string, Record<string, Array<[number, number, JsonNumber]>>>;
}

const fixtureDir = path.join(process.cwd(), 'test', 'fixtures', 'tensorboard');
const logs = path.join(fixtureDir, 'logs');
const expected = JSON.parse(fs.readFileSync(path.join(fixtureDir, 'expected.json'), 'utf8')) as Expected;

function jsonNumber(n: number): JsonNumber {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return 'Infinity';
  if (n === -Infinity) return '-Infinity';
  return n;
}

describe('TensorBoard fixture logs, against TensorBoard\'s own reading', () => {
  const reader = new TensorboardReader(tensorboardStoreRef(logs), { now: () => Date.parse('2030-01-01') });
  after(() => reader.close());

  it('finds the runs TensorBoard finds, named by their folder relative to the log dir', async () => {
    const snapshot = await reader.readAll();
    assert.deepEqual(snapshot.runs.map((r) => r.runName).sort(), Object.keys(expected.runs).sort());
    assert.deepEqual(snapshot.problems, []);
    for (const run of snapshot.runs) {
      assert.equal(run.runId, tensorboardRunId(path.join(logs, run.runName)));
      assert.match(run.runId, /^[0-9a-f]{32}$/);
      assert.equal(run.status, 'FINISHED');
      assert.equal(run.experimentId, '0');
      const files = expected.eventFiles[run.runName];
      assert.equal(run.tags['mlops.source.file'], path.join(logs, run.runName, files[files.length - 1]));
    }
    assert.deepEqual(snapshot.experiments.map((e) => e.name), ['logs']);
  });

  it('has the scalar tags TensorBoard lists as scalars, and nothing else (no images, histograms, text)', async () => {
    const snapshot = await reader.readAll();
    for (const run of snapshot.runs) {
      assert.deepEqual(Object.keys(run.metrics).sort(), Object.keys(expected.runs[run.runName]).sort(), run.runName);
    }
  });

  it('gives every point with the same step, wall time (ms) and value, for every run and tag', async () => {
    const snapshot = await reader.readAll();
    let compared = 0;
    for (const run of snapshot.runs) {
      for (const [tag, want] of Object.entries(expected.runs[run.runName])) {
        const got = await reader.metricHistory(run.runId, tag);
        // TensorBoard keeps file order; we sort by step then time. The fixture's steps only grow, so both agree.
        assert.deepEqual(
          got.map((p) => [p.step, p.timestamp, jsonNumber(p.value)]),
          want.map(([step, wall, value]) => [step, Math.round(wall * 1000), value]),
          `${run.runName} ${tag}`,
        );
        compared += got.length;
      }
    }
    assert.ok(compared >= 173, `compared ${compared} points`);
  });

  it('takes the latest value of each metric by MLflow\'s rule (NaN last stays NaN)', async () => {
    const snapshot = await reader.readAll();
    const torch = snapshot.runs.find((r) => r.runName === 'Nov26_08-00-00_fixture-host');
    assert.ok(torch);
    assert.ok(Number.isNaN(torch.metrics['edge/nan_last'].value));
    assert.equal(torch.metrics['edge/nan_last'].step, 1);
    assert.equal(torch.metrics['edge/inf'].value, Infinity);
    const [step, wall, value] = expected.runs['tf2']['epoch_loss'].at(-1)!;
    const tf2 = snapshot.runs.find((r) => r.runName === 'tf2');
    assert.deepEqual(tf2?.metrics['epoch_loss'], { step, timestamp: Math.round(wall * 1000), value });
  });

  it('merges the two event files of one folder in file name order', async () => {
    const snapshot = await reader.readAll();
    const resumed = snapshot.runs.find((r) => r.runName === 'resumed');
    assert.ok(resumed);
    assert.equal(expected.eventFiles['resumed'].length, 2);
    const history = await reader.metricHistory(resumed.runId, 'loss');
    assert.deepEqual(history.map((p) => p.step), Array.from({ length: 20 }, (_, i) => i));
    assert.equal(resumed.startTime, 1764145000000); // the first file's file_version event
    assert.equal(resumed.endTime, 1764146019000);
  });

  it('nests runs written inside a run folder (add_hparams, add_scalars) under it, with the hparams as params', async () => {
    const snapshot = await reader.readAll();
    const byName = new Map(snapshot.runs.map((r) => [r.runName, r]));
    const parent = byName.get('Nov26_08-00-00_fixture-host');
    const hparams = byName.get('Nov26_08-00-00_fixture-host/hparams');
    assert.ok(parent && hparams);
    assert.equal(hparams.parentRunId, parent.runId);
    assert.equal(byName.get('Nov26_08-00-00_fixture-host/Loss_parts/ce')?.parentRunId, parent.runId);
    assert.equal(parent.parentRunId, null);
    assert.deepEqual(hparams.params, { lr: '1e-05', batch_size: '32', optimizer: 'adam', amsgrad: 'True' });
  });
});
