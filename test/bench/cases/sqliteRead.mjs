// Our reader on a large mlflow.db, in a fresh process: the run list (first read includes starting the worker and
// compiling the WASM), a second read, one metric history for a few runs, and the process's peak resident memory
// growth (main thread + worker) over the whole time.
//   node sqliteRead.mjs --build out-bench-build --db /abs/mlflow.db [--key loss] [--runIds id1,id2]
import { compiled, median, options, printResult, residentBytes } from '../lib/measure.mjs';

const opts = options();
const { MlflowSqliteReader } = compiled(opts.build, 'src/core/mlflow/sqlite/sqliteReader.ts');
const ref = { kind: 'mlflow-sqlite', uri: `sqlite:///${opts.db}`, path: opts.db };
const key = opts.key ?? 'loss';
const before = residentBytes();
const reader = new MlflowSqliteReader(ref);
try {
  let t0 = performance.now();
  const snapshot = await reader.readAll();
  const firstSeconds = (performance.now() - t0) / 1000;
  t0 = performance.now();
  await reader.readAll();
  const secondSeconds = (performance.now() - t0) / 1000;
  const ids = opts.runIds ? String(opts.runIds).split(',') : [];
  // Runs spread over the store, beside the ones MLflow's baseline timed.
  for (let i = 0; i < 5; i++) ids.push(snapshot.runs[Math.floor((i * snapshot.runs.length) / 5)].runId);
  const historyMs = [];
  let points = 0;
  for (const id of ids) {
    t0 = performance.now();
    const h = await reader.metricHistory(id, key);
    historyMs.push(performance.now() - t0);
    points = h.length;
  }
  const after = residentBytes();
  printResult({
    firstSeconds, secondSeconds, runs: snapshot.runs.length, problems: snapshot.problems.length, problemSample: snapshot.problems[0]?.message,
    metrics: snapshot.runs.reduce((n, r) => n + Object.keys(r.metrics).length, 0),
    history: { firstMs: historyMs[0], medianMs: median(historyMs), maxMs: Math.max(...historyMs), calls: historyMs.length, points },
    rssBeforeMb: before.rss / 2 ** 20, peakRssMb: after.peak / 2 ** 20, peakRssDeltaMb: (after.peak - before.rss) / 2 ** 20,
  });
} finally {
  await reader.close();
}
