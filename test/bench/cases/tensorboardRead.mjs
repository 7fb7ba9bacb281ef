// Our TensorBoard reader on a log dir holding one large event file: a cold readAll (every byte framed, checksummed
// and decoded), then, with the same reader, the readAll after more events were appended (only new bytes parsed),
// then one full metric history.
//   node tensorboardRead.mjs --build out-bench-build --root /abs/logdir --append-from /abs/file-with-more-records
import { appendFileSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { compiled, options, printResult, residentBytes } from '../lib/measure.mjs';

const opts = options();
const { TensorboardReader } = compiled(opts.build, 'src/core/tensorboard/tensorboardReader.ts');
const { tensorboardStoreRef } = compiled(opts.build, 'src/core/tensorboard/detectTensorboardStore.ts');
const runDir = path.join(opts.root, 'run');
const file = path.join(runDir, readdirSync(runDir)[0]);
const bytes = statSync(file).size;

const before = residentBytes();
const reader = new TensorboardReader(tensorboardStoreRef(opts.root));
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const snapshot = await reader.readAll();
const seconds = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
const after = residentBytes();
const run = snapshot.runs[0];

let appendMs;
let appendedBytes;
if (opts['append-from']) {
  const more = readFileSync(opts['append-from']);
  appendedBytes = more.length;
  appendFileSync(file, more);
  const t1 = performance.now();
  await reader.readAll();
  appendMs = performance.now() - t1;
}

const t2 = performance.now();
const history = await reader.metricHistory(run.runId, 'Loss/train');
const historyMs = performance.now() - t2;

printResult({
  seconds,
  cpuSeconds: (cpu.user + cpu.system) / 1e6,
  bytes,
  mbPerSecond: bytes / 2 ** 20 / seconds,
  metrics: Object.keys(run.metrics).length,
  latestStep: run.metrics['Loss/train']?.step,
  problems: snapshot.problems.length,
  problemSample: snapshot.problems[0]?.message,
  peakRssDeltaMb: (after.peak - before.rss) / 2 ** 20,
  appendMs,
  appendedBytes,
  historyMs,
  historyPoints: history.length,
});
