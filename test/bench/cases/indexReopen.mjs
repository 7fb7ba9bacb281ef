// The persisted run index over a file store, in two fresh processes:
//   --phase build : first sync of the store into a new index file, then save (what the first window open does);
//   --phase reopen: reopen with nothing changed (index open, reader state restored, sync finds nothing new),
//                   then a metric line appended to a running run made visible in the index, then top-100 by a metric.
//   node indexReopen.mjs --build out-bench-build --root /abs/mlruns --index /tmp/x/index.sqlite --phase build|reopen
import { appendFileSync, rmSync, statSync, truncateSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { compiled, median, options, printResult } from '../lib/measure.mjs';

const opts = options();
const { MlflowFileStoreReader } = compiled(opts.build, 'src/core/mlflow/fileStore/fileStoreReader.ts');
const { RunIndex } = compiled(opts.build, 'src/core/index/runIndex.ts');
const ref = { kind: 'mlflow-file', uri: pathToFileURL(opts.root).href, path: opts.root };
const ms = (t0) => performance.now() - t0;

if (opts.phase === 'build') {
  rmSync(opts.index, { force: true });
  const t0 = performance.now();
  const { index } = await RunIndex.open({ file: opts.index });
  const reader = new MlflowFileStoreReader(ref, { histories: false }); // as the extension's RunCatalog reads
  const delta = await reader.sync();
  index.applyDelta(delta);
  index.setReaderState(ref.uri, reader.exportState());
  await index.save();
  const seconds = ms(t0) / 1000;
  printResult({ seconds, runs: delta.runs.length, appends: delta.appends.length, indexMb: statSync(opts.index).size / 2 ** 20 });
  index.close();
} else {
  const steps = {};
  const t0 = performance.now();
  let t = performance.now();
  const { index, note } = await RunIndex.open({ file: opts.index });
  steps.openMs = ms(t);
  t = performance.now();
  const indexed = index.runs({ storeUri: ref.uri, includeDeleted: true });
  steps.runsMs = ms(t);
  t = performance.now();
  const reader = new MlflowFileStoreReader(ref, { histories: false });
  const imported = reader.importState(index.readerState(ref.uri), indexed);
  steps.importMs = ms(t);
  t = performance.now();
  const delta = await reader.sync();
  steps.syncMs = ms(t);
  t = performance.now();
  index.applyDelta(delta);
  steps.applyMs = ms(t);
  const reopenSeconds = ms(t0) / 1000;

  // A running run logs one more point of `loss`: the watcher reports the file, the reader reads its tail.
  const running = indexed.find((r) => r.status === 'RUNNING' && r.metrics.loss);
  const append = { samplesMs: [] };
  if (running && running.metaPath) {
    const file = path.join(path.dirname(running.metaPath), 'metrics', 'loss');
    const originalSize = statSync(file).size;
    try {
      let step = running.metrics.loss.step;
      for (let i = 0; i < 7; i++) {
        step += 1;
        const value = 0.001 * (i + 1);
        appendFileSync(file, `${Date.now()} ${value} ${step}\n`);
        const ta = performance.now();
        const d = await reader.applyChanges([file]);
        index.applyDelta(d);
        const seen = index.run(ref.uri, running.runId)?.metrics.loss;
        append.samplesMs.push(ms(ta));
        if (!seen || seen.step !== step || seen.value !== value) throw new Error(`appended point not visible: ${JSON.stringify(seen)}`);
      }
    } finally {
      // Leave the cached store as generated.
      truncateSync(file, originalSize);
    }
    append.firstMs = append.samplesMs[0];
    append.medianMs = median(append.samplesMs);
    append.maxMs = Math.max(...append.samplesMs);
  } else {
    append.error = 'no RUNNING run with a loss metric in the store';
  }

  const top = { samplesMs: [] };
  let best;
  for (let i = 0; i < 21; i++) {
    const tt = performance.now();
    best = index.topRunsByMetric('loss', 100, 'asc');
    top.samplesMs.push(ms(tt));
  }
  top.firstMs = top.samplesMs[0];
  top.medianMs = median(top.samplesMs.slice(1));
  top.count = best.length;
  const sorted = best.every((r, i) => i === 0 || best[i - 1].metrics.loss.value <= r.metrics.loss.value);
  printResult({
    reopenSeconds, steps, note, imported, runs: indexed.length, changedRuns: delta.runs.length, appends: delta.appends.length,
    append: { ...append, samplesMs: undefined }, top: { ...top, samplesMs: undefined, sorted },
  });
  index.close();
}
