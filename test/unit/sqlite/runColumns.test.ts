import assert from 'node:assert/strict';
import path from 'node:path';
import { MlflowSqliteReader } from '../../../src/core/mlflow/sqlite/sqliteReader';
import { decodeStrings } from '../../../src/core/mlflow/sqlite/runsFromColumns';
import { StringTableBuilder } from '../../../src/core/mlflow/sqlite/stringTableBuilder';
import { makeMlflowDb } from './makeMlflowDb';
import { runPython } from './pythonSqlite';
import { sqliteRef, tempDir } from './testDb';

// The run list crosses from the worker as columns (runColumns.ts): strings interned as UTF-8 bytes, rows as
// typed arrays, Run objects built from templates on the main thread. These check the parts a plain MLflow db
// does not exercise: many strings, non-ASCII text, rows of runs interleaved, odd keys and values.

describe('StringTableBuilder and decodeStrings', () => {
  it('gives equal bytes the same id across growth and rehashing, and decodes every string back', () => {
    const table = new StringTableBuilder();
    const texts = ['', 'a', 'naïve', 'größe', '🚀 launch', 'x'.repeat(5000)];
    for (let i = 0; i < 5000; i++) texts.push(`param_${i}`);
    const ids = texts.map((t) => table.addText(t));
    assert.equal(new Set(ids).size, texts.length, 'distinct strings, distinct ids');
    assert.deepEqual(texts.map((t) => table.addText(t)), ids, 'the same ids the second time');
    assert.equal(table.size, texts.length);
    const heap = new TextEncoder().encode('..param_4321..');
    assert.equal(table.add(heap, 2, 10), ids[texts.indexOf('param_4321')], 'bytes from another buffer find the same id');
    const decoded = decodeStrings(table.finish());
    assert.deepEqual(ids.map((id) => decoded[id]), texts);
  });
});

describe('MlflowSqliteReader run columns', function () {
  this.timeout(30_000);
  const { dir, cleanup } = tempDir('mlops-sqlite-columns-');
  after(cleanup);

  it('builds each run from rows that are not grouped by run, with non-ASCII text and odd keys', async () => {
    const db = path.join(dir, 'mlflow.db');
    const a = 'a'.repeat(32);
    const b = 'b'.repeat(32);
    await makeMlflowDb(db, {
      schema: '3.x',
      experiments: [{ experimentId: '0', name: 'Default' }],
      runs: [
        { runId: a, experimentId: '0', name: 'résumé', status: 'FINISHED', startTime: 2 },
        { runId: b, experimentId: '0', name: '', status: 'FINISHED', startTime: 1 },
      ],
    });
    // Rows alternate between the runs; b logs a's keys in another order; a NULL tag value; '3' as a status.
    runPython(db, `import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
a, b = 'a' * 32, 'b' * 32
c.executemany("INSERT INTO params (key, value, run_uuid) VALUES (?, ?, ?)", [
  ('lr', '0.1', a), ('depth', '6', b), ('depth', '4', a), ('lr', '0.2', b), ('__proto__', 'polluted?', a), ('größe', 'naïve 🚀', b)])
c.executemany("INSERT INTO tags (key, value, run_uuid) VALUES (?, ?, ?)", [
  ('mlflow.runName', 'from-tag', b), ('note', None, a), ('mlflow.parentRunId', a, b)])
c.executemany("INSERT INTO latest_metrics (key, value, timestamp, step, is_nan, run_uuid) VALUES (?, ?, ?, ?, ?, ?)", [
  ('loss', 0.5, 10, 2, 0, b), ('loss', 0.25, 11, 3, 0, a), ('inf', float('inf'), 12, 0, 0, a), ('nan', 0, 13, 0, 1, a)])
c.execute("UPDATE runs SET status = 3 WHERE run_uuid = ?", (b,))
c.commit()`);
    const reader = new MlflowSqliteReader(sqliteRef(db));
    try {
      const snap = await reader.readAll();
      assert.deepEqual(snap.problems, []);
      const [ra, rb] = snap.runs;
      assert.equal(ra.runId, a);
      assert.equal(ra.runName, 'résumé');
      assert.deepEqual({ ...ra.params }, { lr: '0.1', depth: '4', ['__proto__']: 'polluted?' });
      assert.ok(Object.prototype.hasOwnProperty.call(ra.params, '__proto__'), '__proto__ is an own key');
      assert.equal(Object.getPrototypeOf(ra.params), Object.prototype, 'the prototype is untouched');
      assert.deepEqual(ra.tags, { note: '' });
      assert.deepEqual(ra.metrics.loss, { value: 0.25, timestamp: 11, step: 3 });
      assert.equal(ra.metrics.inf.value, Infinity);
      assert.ok(Number.isNaN(ra.metrics.nan.value));
      assert.equal(ra.parentRunId, null);

      assert.equal(rb.runId, b);
      assert.equal(rb.status, 'FINISHED', "status 3 is MLflow's FINISHED");
      assert.equal(rb.runName, 'from-tag', 'an empty name falls back to the mlflow.runName tag');
      assert.deepEqual(rb.params, { depth: '6', lr: '0.2', größe: 'naïve 🚀' });
      assert.deepEqual(Object.keys(rb.params), ['depth', 'lr', 'größe'], 'keys in the order they were logged');
      assert.deepEqual(rb.metrics, { loss: { value: 0.5, timestamp: 10, step: 2 } });
      assert.equal(rb.parentRunId, a);
      assert.notEqual(ra.params, rb.params);
    } finally {
      await reader.close();
    }
  });
});
