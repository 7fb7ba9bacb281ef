// Our reader following an mlflow.db as the extension (RunCatalog) does: check the change token every --pollMs and,
// when it moved, read the runs changed since the last read (readChanges: mostly a few runs, sometimes all). Runs for --seconds while a writer commits, so the writer's latencies can be compared.
//   node sqlitePoll.mjs --build out-bench-build --db /abs/mlflow.db --seconds 12 --pollMs 500 [--readyFile F]
import { writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { compiled, median, options, printResult } from '../lib/measure.mjs';

const opts = options();
const { MlflowSqliteReader } = compiled(opts.build, 'src/core/mlflow/sqlite/sqliteReader.ts');
const ref = { kind: 'mlflow-sqlite', uri: `sqlite:///${opts.db}`, path: opts.db };
const pollMs = Number(opts.pollMs ?? 500);
let end = performance.now() + Number(opts.seconds ?? 10) * 1000;
const reader = new MlflowSqliteReader(ref);
const readMs = [];
let token;
let errors = 0;
let lastError;
let lastRuns = 0;
let cursor;
let fullReads = 0;
const fullMs = [];
try {
  while (performance.now() < end) {
    const next = reader.changeToken();
    if (next !== token) {
      token = next;
      const t0 = performance.now();
      try {
        const read = await reader.readChanges(cursor);
        cursor = read.cursor;
        if ('full' in read) {
          fullReads++;
          lastRuns = read.full.runs.length;
          fullMs.push(performance.now() - t0);
        }
        readMs.push(performance.now() - t0);
        // The benchmark starts its writer once the first (full) read is done: startup is not the steady state.
        if (readMs.length === 1 && opts.readyFile) {
          writeFileSync(opts.readyFile, 'ready');
          end = performance.now() + Number(opts.seconds ?? 10) * 1000;
        }
        // As RunCatalog does: after a read of T ms, the next waits at least 3T (the reader takes a quarter of the time).
        await sleep(Math.max(0, 3 * (performance.now() - t0) - pollMs));
      } catch (e) {
        errors++;
        lastError = String(e);
      }
    }
    await sleep(pollMs);
  }
} finally {
  await reader.close();
}
printResult({
  reads: readMs.length, fullReads, medianReadMs: median(readMs), medianFullReadMs: median(fullMs), maxReadMs: Math.max(...readMs), runs: lastRuns, errors, lastError,
});
