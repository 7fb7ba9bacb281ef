import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { MlflowDb } from '../../../src/core/mlflow/sqlite/mlflowDb';
import { loadSqliteEngine } from '../../../src/core/mlflow/sqlite/sqliteEngine';
import { MlflowSqliteReader } from '../../../src/core/mlflow/sqlite/sqliteReader';
import { makeMlflowDb, type RunSpec } from './makeMlflowDb';
import { sqliteRef, tempDir } from './testDb';

const RUNS = 10_000;

function bigStore(): RunSpec[] {
  const runs: RunSpec[] = [];
  for (let i = 0; i < RUNS; i++) {
    const params: Record<string, string> = {};
    for (let p = 0; p < 20; p++) params[`param_${p}`] = String(i * p);
    const tags: Record<string, string> = { 'mlflow.runName': `run-${i}`, 'mlflow.user': 'ana', 'mlflow.source.type': 'LOCAL' };
    const metrics = [];
    for (let m = 0; m < 10; m++) metrics.push({ key: `metric_${m}`, value: i / (m + 1), step: 3, timestamp: 1_700_000_000_000 + i });
    // Random-looking ids, as MLflow's uuid4 hex: index order differs from insertion order.
    const runId = createHash('md5').update(String(i)).digest('hex');
    runs.push({ runId, experimentId: String(i % 5), name: `run-${i}`, params, tags, metrics, startTime: 1_700_000_000_000 + i });
  }
  return runs;
}

describe('MlflowSqliteReader at 10,000 runs', function () {
  this.timeout(120_000);
  const { dir, cleanup } = tempDir('mlops-sqlite-scale-');
  const db = path.join(dir, 'mlflow.db');
  let runs: RunSpec[];
  before(async () => {
    runs = bigStore();
    await makeMlflowDb(db, { schema: '3.x', experiments: [0, 1, 2, 3, 4].map((e) => ({ experimentId: String(e), name: `e${e}` })), runs });
  });
  after(cleanup);

  it('lists every run with a handful of bulk statements, not one query per run', async () => {
    const engine = await loadSqliteEngine(require.resolve('@journeyapps/wa-sqlite/dist/wa-sqlite.wasm'));
    const mlflowDb = new MlflowDb(engine, db);
    try {
      const snap = await mlflowDb.readAll(sqliteRef(db));
      assert.equal(snap.runs.length, RUNS);
      assert.ok(mlflowDb.conn.stats.statements <= 20, `${mlflowDb.conn.stats.statements} statements`);
      const r = snap.runs.find((x) => x.runId === runs[4321].runId);
      assert.equal(Object.keys(r?.params ?? {}).length, 20);
      assert.equal(r?.params.param_7, String(4321 * 7));
      assert.equal(r?.metrics.metric_3.value, 4321 / 4);
      // The history query must search by run, not scan the metrics table or its key index.
      const plan = await mlflowDb.conn.read((q) =>
        q('EXPLAIN QUERY PLAN SELECT step, timestamp, value, is_nan FROM metrics WHERE run_uuid = ? AND +key = ? ORDER BY 1, 2', ['x', 'y']),
      );
      const details = plan.map((row) => String(row[3])).join('; ');
      assert.match(details, /SEARCH metrics USING INDEX index_metrics_run_uuid \(run_uuid=\?\)/, details);
    } finally {
      await mlflowDb.close();
    }
  });

  it('lists 10,000 runs through the worker within the time budget', async () => {
    const reader = new MlflowSqliteReader(sqliteRef(db));
    try {
      await reader.readAll(); // starts the worker and warms the page cache
      const times: number[] = [];
      for (let i = 0; i < 3; i++) {
        const t0 = performance.now();
        const snap = await reader.readAll();
        times.push(performance.now() - t0);
        assert.equal(snap.runs.length, RUNS);
      }
      const best = Math.min(...times);
      // The budget is 1 s on an idle 2-core machine; the ceiling here leaves room for a loaded CI box.
      assert.ok(best < 3000, `best of 3: ${best.toFixed(0)} ms`);
      console.log(`      10,000 runs: ${times.map((t) => t.toFixed(0)).join(', ')} ms`);
    } finally {
      await reader.close();
    }
  });
});
