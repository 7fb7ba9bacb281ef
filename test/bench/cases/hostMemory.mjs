// Memory the extension host spends on a 10,000-run store: the run catalog (our persisted sql.js index plus the Run
// objects the views keep) after the first read, in a fresh process. Run with --expose-gc.
//   node --expose-gc hostMemory.mjs --build out-bench-build --root /abs/mlruns --index /tmp/x/index.sqlite
import { rmSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { compiled, options, printResult, residentBytes } from '../lib/measure.mjs';

const opts = options();
const { RunCatalog } = compiled(opts.build, 'src/core/runs/runCatalog.ts');
// Load the modules the catalog needs before the baseline, so the delta is data, not code.
compiled(opts.build, 'src/core/index/runIndex.ts');
const ref = { kind: 'mlflow-file', uri: pathToFileURL(opts.root).href, path: opts.root };
const mb = (b) => b / 2 ** 20;
const settle = () => {
  globalThis.gc?.();
  globalThis.gc?.();
};

rmSync(opts.index, { force: true });
settle();
const before = { ...residentBytes(), heap: process.memoryUsage().heapUsed, external: process.memoryUsage().external };
const quiet = { info() {}, warn() {}, error() {} };
const catalog = new RunCatalog({ indexFile: opts.index, log: quiet });
const t0 = performance.now();
await catalog.setStores([ref]);
const loadSeconds = (performance.now() - t0) / 1000;
const runs = catalog.allRuns();
settle();
const usage = process.memoryUsage();
const after = residentBytes();
printResult({
  runs: runs.length, loadSeconds,
  rssDeltaMb: mb(after.rss - before.rss), rssTotalMb: mb(after.rss), peakRssDeltaMb: mb(after.peak - before.rss),
  heapDeltaMb: mb(usage.heapUsed - before.heap), externalDeltaMb: mb(usage.external - before.external),
  arrayBuffersMb: mb(usage.arrayBuffers),
});
await catalog.dispose();
