// Cold listing of a file store by our reader: a fresh process, no index (the OS page cache may be warm, as for MLflow).
//   node listFileStore.mjs --build out-bench-build --root /abs/mlruns
import { pathToFileURL } from 'node:url';
import { compiled, options, printResult, residentBytes } from '../lib/measure.mjs';

const opts = options();
const { MlflowFileStoreReader } = compiled(opts.build, 'src/core/mlflow/fileStore/fileStoreReader.ts');
const ref = { kind: 'mlflow-file', uri: pathToFileURL(opts.root).href, path: opts.root };
const before = residentBytes();
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const snapshot = await new MlflowFileStoreReader(ref).readAll();
const seconds = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
const after = residentBytes();
printResult({
  seconds,
  // User + system time of all threads (libuv's pool included): a figure less sensitive to other load.
  cpuSeconds: (cpu.user + cpu.system) / 1e6,
  runs: snapshot.runs.length,
  experiments: snapshot.experiments.length,
  problems: snapshot.problems.length,
  problemSample: snapshot.problems[0]?.message,
  metrics: snapshot.runs.reduce((n, r) => n + Object.keys(r.metrics).length, 0),
  params: snapshot.runs.reduce((n, r) => n + Object.keys(r.params).length, 0),
  peakRssDeltaMb: (after.peak - before.rss) / 2 ** 20,
});
