// Our REST reader against a running tracking server, in a fresh process: the whole listing (readAll), then a
// re-read of the running runs only (readRuns: what the catalog polls), then one metric history for a few runs.
//   node remoteList.mjs --build out-bench-build --url http://127.0.0.1:PORT [--key loss]
import { compiled, median, options, printResult } from '../lib/measure.mjs';

const opts = options();
const { MlflowRestReader } = compiled(opts.build, 'src/core/mlflow/rest/mlflowRestReader.ts');
const { remoteStoreRef } = compiled(opts.build, 'src/core/discovery/trackingUri.ts');
const key = opts.key ?? 'loss';
// A loaded machine makes the server slow; the measurement must finish rather than time out.
const reader = new MlflowRestReader(remoteStoreRef(opts.url), { timeoutMs: 600_000 });
try {
  const cpu0 = process.cpuUsage();
  let t0 = performance.now();
  const snapshot = await reader.readAll();
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);

  const running = snapshot.runs.filter((r) => r.status === 'RUNNING').map((r) => r.runId);
  t0 = performance.now();
  const reread = await reader.readRuns(running);
  const readRunsMs = performance.now() - t0;

  const historyMs = [];
  let points = 0;
  for (let i = 0; i < 5; i++) {
    const run = snapshot.runs[Math.floor((i * snapshot.runs.length) / 5)];
    t0 = performance.now();
    points = (await reader.metricHistory(run.runId, key)).length;
    historyMs.push(performance.now() - t0);
  }
  printResult({
    seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, runs: snapshot.runs.length, experiments: snapshot.experiments.length,
    params: snapshot.runs.reduce((n, r) => n + Object.keys(r.params).length, 0),
    metrics: snapshot.runs.reduce((n, r) => n + Object.keys(r.metrics).length, 0),
    problems: snapshot.problems.length,
    readRuns: { ms: readRunsMs, asked: running.length, got: reread.length },
    history: { medianMs: median(historyMs), points },
  });
} finally {
  await reader.close();
}
