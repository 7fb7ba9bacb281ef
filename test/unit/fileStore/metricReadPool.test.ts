import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { tailMetricFile } from '../../../src/core/mlflow/fileStore/metricFileTail';
import { MetricReadPool } from '../../../src/core/mlflow/fileStore/metricReadPool';
import type { MetricSeries } from '../../../src/core/runs/types';

const columns = (s: MetricSeries) => ({ steps: Array.from(s.steps), timestamps: Array.from(s.timestamps), values: Array.from(s.values) });

describe('MetricReadPool (metric files parsed on worker threads)', () => {
  let dir: string;
  let pool: MetricReadPool;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'mlops-metric-pool-'));
    pool = new MetricReadPool({ threads: 2, idleMs: 200 });
  });
  afterEach(async () => {
    await pool.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('runs on workers (the compiled worker sits beside the pool) and reads what the calling thread reads', async () => {
    assert.equal(pool.usesWorkers, true);
    const files: string[] = [];
    for (let f = 0; f < 9; f++) {
      const file = path.join(dir, `m${f}`);
      const lines: string[] = [];
      for (let i = 0; i < 20_000; i++) lines.push(`${1_700_000_000_000 + i} ${Math.sin(i + f) / (i + 1)} ${i}`);
      // MLflow's odd lines too: an exponent, nan, the legacy two fields, garbage (skipped), a half-written end.
      lines.push('1700000099999 1e-05 20000', '1700000099999 nan 20001', '1700000099999 0.5', 'garbage', '17000 0.');
      await writeFile(file, lines.join('\n'));
      files.push(file);
    }
    const [viaPool, inThread] = await Promise.all([
      Promise.all(files.map((f) => pool.read(f))),
      Promise.all(files.map(async (f) => (await tailMetricFile(f, undefined)).series)),
    ]);
    for (let f = 0; f < files.length; f++) {
      assert.ok(viaPool[f].values instanceof Float64Array);
      assert.equal(viaPool[f].steps.length, 20_003, `${files[f]}: every complete line that parses`);
      assert.deepEqual(columns(viaPool[f]), columns(inThread[f]), files[f]);
    }
  });

  it('keeps the error code of a failed read (a missing file is ENOENT) and reads on after it', async () => {
    await assert.rejects(pool.read(path.join(dir, 'missing')), (e: NodeJS.ErrnoException) => e.code === 'ENOENT');
    const file = path.join(dir, 'ok');
    await writeFile(file, '1 0.5 0\n');
    assert.deepEqual(columns(await pool.read(file)), { steps: [0], timestamps: [1], values: [0.5] });
  });

  it('rejects a read whose signal is aborted, before or while it is read', async () => {
    const file = path.join(dir, 'm');
    await writeFile(file, '1 0.5 0\n'.repeat(200_000));
    await assert.rejects(pool.read(file, AbortSignal.abort()), /abort/i);
    const controller = new AbortController();
    const reading = pool.read(file, controller.signal);
    controller.abort();
    await assert.rejects(reading, /abort/i);
    assert.equal((await pool.read(file)).values.length, 200_000, 'the pool still reads');
  });

  it('reads on the calling thread when the worker script is missing', async () => {
    const inline = new MetricReadPool({ workerPath: path.join(dir, 'no-such-worker.js') });
    const file = path.join(dir, 'm');
    await writeFile(file, '5 0.25 3\n');
    assert.equal(inline.usesWorkers, false);
    assert.deepEqual(columns(await inline.read(file)), { steps: [3], timestamps: [5], values: [0.25] });
    await inline.close();
  });

  it('reads on the calling thread after a worker failed (a broken worker script)', async () => {
    const broken = path.join(dir, 'broken-worker.js');
    await writeFile(broken, 'throw new Error("this worker cannot start");');
    const failing = new MetricReadPool({ workerPath: broken, threads: 1 });
    const file = path.join(dir, 'm');
    await writeFile(file, '5 0.25 3\n6 0.5 4\n');
    const first = await Promise.all([failing.read(file), failing.read(file), failing.read(file)]);
    for (const series of first) assert.deepEqual(columns(series).values, [0.25, 0.5], 'the worker\'s reads and the queued one, read on this thread');
    assert.deepEqual(columns(await failing.read(file)).steps, [3, 4], 'later reads too');
    await failing.close();
  });

  it('fails the reads still queued when closed', async () => {
    const file = path.join(dir, 'm');
    await writeFile(file, '1 0.5 0\n'.repeat(100_000));
    const reads = Array.from({ length: 8 }, () => pool.read(file).then(() => 'read', (e: Error) => e.message));
    await pool.close();
    const outcomes = await Promise.all(reads);
    assert.ok(outcomes.some((o) => /closed/.test(o)), outcomes.join(', '));
  });
});
