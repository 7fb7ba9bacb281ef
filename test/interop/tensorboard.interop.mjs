// Interop test: our TensorBoard reader against TensorBoard's own reading, on fresh log dirs the real writers write.
//
//   node test/interop/tensorboard.interop.mjs     (needs .venv with tensorboard + tensorboardX, and out/ from `tsc -p .`)
//
// 1. test/fixtures/tensorboard/generate.py --out TMP writes a log dir with tensorboardX's SummaryWriter and
//    TensorBoard's own protos + RecordWriter, and records what TensorBoard's EventMultiplexer reads from it.
// 2. Our TensorboardReader reads the same dir: runs, scalar tags, every point (step, wall time, value) are compared.
// 3. The real RecordWriter appends events to one of the files while our reader holds its state; the next readAll
//    (which parses only the appended bytes) is compared with TensorBoard's reading again.
// Closes with `interop: N passed, M failed` and exits 1 on any failure. Env TB_PYTHON overrides the interpreter,
// TB_BUILD the folder of the compiled sources (default out/).
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { interopChecks, repoRoot as root, run } from './lib/interopKit.mjs';

const python = process.env.TB_PYTHON ?? path.join(root, '.venv/bin/python');
const build = path.resolve(process.env.TB_BUILD ?? path.join(root, 'out'));
const generator = path.join(root, 'test/fixtures/tensorboard/generate.py');

const { check, finish } = interopChecks({ maxProblems: 20 });

function py(args, opts = {}) {
  return run(python, args, opts);
}

const canonical = (v) => (typeof v !== 'number' ? v : Number.isNaN(v) ? 'NaN' : v === Infinity ? 'Infinity' : v === -Infinity ? '-Infinity' : v);

/** Compares our reading of `logdir` (reader state kept by the caller) with TensorBoard's `expected`. */
async function compare(label, reader, logdir, expected) {
  const snapshot = await reader.readAll();
  const ours = new Map(snapshot.runs.map((r) => [r.runName, r]));
  const wantRuns = Object.keys(expected.runs).sort();
  check(`${label}: the same runs (${wantRuns.length})`, JSON.stringify([...ours.keys()].sort()) === JSON.stringify(wantRuns)
    ? [] : [`ours: ${[...ours.keys()].sort().join(', ')}`, `TensorBoard: ${wantRuns.join(', ')}`]);
  check(`${label}: no problems reported on files the real writers wrote`, snapshot.problems.map((p) => `${p.file}: ${p.message}`));
  const tagProblems = [];
  const pointProblems = [];
  let points = 0;
  for (const name of wantRuns) {
    const run = ours.get(name);
    if (!run) continue;
    const wantTags = Object.keys(expected.runs[name]).sort();
    const gotTags = Object.keys(run.metrics).sort();
    if (JSON.stringify(wantTags) !== JSON.stringify(gotTags)) tagProblems.push(`${name}: ours [${gotTags}] vs TensorBoard [${wantTags}]`);
    for (const tag of wantTags) {
      const history = await reader.metricHistory(run.runId, tag);
      const got = history.map((p) => [p.step, p.timestamp, canonical(p.value)]);
      const want = expected.runs[name][tag].map(([step, wall, value]) => [step, Math.round(wall * 1000), value]);
      points += want.length;
      if (JSON.stringify(got) !== JSON.stringify(want)) {
        const i = got.findIndex((p, k) => JSON.stringify(p) !== JSON.stringify(want[k]));
        pointProblems.push(`${name} ${tag}: ${got.length} points vs ${want.length}; first difference at ${i}: ours ${JSON.stringify(got[i])}, TensorBoard ${JSON.stringify(want[i])}`);
      }
    }
  }
  check(`${label}: the same scalar tags per run`, tagProblems);
  check(`${label}: every point equal (${points} points)`, pointProblems);
}

const tmp = mkdtempSync(path.join(os.tmpdir(), 'mlops-tb-interop-'));
try {
  const readerModule = path.join(build, 'src/core/tensorboard/tensorboardReader.js');
  if (!existsSync(readerModule)) {
    check('compiled reader present', [`${readerModule} is missing: run \`npx tsc -p .\` first (or set TB_BUILD)`]);
    finish();
  }
  try {
    py(['-c', 'import tensorboard, tensorboardX']);
  } catch {
    check('python with tensorboard and tensorboardX', [`${python} lacks them: .venv/bin/pip install -r requirements-dev.txt (or set TB_PYTHON)`]);
    finish();
  }
  const require = createRequire(import.meta.url);
  const { TensorboardReader } = require(readerModule);
  const { tensorboardStoreRef } = require(path.join(build, 'src/core/tensorboard/detectTensorboardStore.js'));

  py([generator, '--out', tmp]);
  const logdir = path.join(tmp, 'logs');
  const expected = JSON.parse(py([generator, '--read-only', logdir]));
  const reader = new TensorboardReader(tensorboardStoreRef(logdir), { now: () => Date.now() + 3_600_000 });
  await compare('fresh log dir', reader, logdir, expected);

  // The real RecordWriter appends to the tf2 run's file (as a live writer does between two of our reads).
  const tf2 = path.join(logdir, 'tf2');
  const file = path.join(tf2, readdirSync(tf2).find((n) => n.startsWith('events.out.tfevents.')));
  py(['-c', `
import sys
from tensorboard.compat.proto import event_pb2
from tensorboard.plugins.scalar import summary_v2
from tensorboard.summary.writer.record_writer import RecordWriter
with open(sys.argv[1], "ab") as f:
    out = RecordWriter(f)
    for step in range(20, 35):
        summary = summary_v2.scalar_pb("epoch_loss", 1.0 / (step + 1))
        summary.value[0].ClearField("metadata")
        out.write(event_pb2.Event(wall_time=1764144100.0 + step, step=step, summary=summary).SerializeToString())
        out.write(event_pb2.Event(wall_time=1764144100.5 + step, step=step, summary=summary_v2.scalar_pb("late_tag", step * 2.0)).SerializeToString())
`, file]);
  const afterAppend = JSON.parse(py([generator, '--read-only', logdir]));
  await compare('after the real writer appended', reader, logdir, afterAppend);
} catch (e) {
  check('interop run', [String(e?.stack ?? e)]);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
finish();
