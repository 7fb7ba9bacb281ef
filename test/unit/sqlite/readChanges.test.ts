import assert from 'node:assert/strict';
import path from 'node:path';
import { FULL_READ_EVERY } from '../../../src/core/mlflow/sqlite/changeRead';
import { MlflowSqliteReader, type SqliteChanges, type SqliteReadCursor } from '../../../src/core/mlflow/sqlite/sqliteReader';
import type { Run } from '../../../src/core/runs/types';
import { makeMlflowDb, type RunSpec } from './makeMlflowDb';
import { runPython } from './pythonSqlite';
import { sqliteRef, tempDir } from './testDb';

const T0 = 1_700_000_000_000;
const id = (n: number) => n.toString(16).padStart(32, '0');

/** 30 runs: five changed ones stay under the 20% that makes a change read fall back to a full read. */
async function makeDb(file: string): Promise<void> {
  const runs: RunSpec[] = [];
  for (let n = 1; n <= 30; n++) {
    runs.push({
      runId: id(n), experimentId: '0', name: `run-${n}`, status: 'RUNNING', startTime: T0 + n,
      params: { lr: String(n) }, tags: { 'mlflow.user': 'ana' }, metrics: [{ key: 'loss', value: n, step: 0, timestamp: T0 + n }],
    });
  }
  await makeMlflowDb(file, { schema: '3.x', experiments: [{ experimentId: '0', name: 'Default' }], runs });
}

function changed(r: SqliteChanges): { runs: Run[]; removedRunIds: string[] } {
  assert.ok('changed' in r, 'expected a change read, got a full read');
  return r.changed;
}

describe('MlflowSqliteReader.readChanges', function () {
  this.timeout(30_000);
  const { dir, cleanup } = tempDir('mlops-changes-');
  const readers: MlflowSqliteReader[] = [];
  const open = (db: string) => {
    const r = new MlflowSqliteReader(sqliteRef(db));
    readers.push(r);
    return r;
  };
  after(async () => {
    for (const r of readers) await r.close();
    cleanup();
  });

  it('reports exactly the runs a writer touched, and hard-deleted runs as removed', async () => {
    const db = path.join(dir, 'changes.db');
    await makeDb(db);
    const reader = open(db);
    const first = await reader.readChanges(undefined);
    assert.ok('full' in first, 'no cursor: a full read');
    assert.equal(first.full.runs.length, 30);

    const unchanged = await reader.readChanges(first.cursor);
    assert.deepEqual(changed(unchanged).runs, []);
    assert.deepEqual(changed(unchanged).removedRunIds, []);

    runPython(db, `
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
# run 1 logs a point: a new metrics row, latest_metrics updated in place (as MLflow's log_metric does)
c.execute("INSERT INTO metrics (key, value, timestamp, run_uuid, step, is_nan) VALUES ('loss', 0.25, ${T0 + 1000}, '${id(1)}', 5, 0)")
c.execute("UPDATE latest_metrics SET value = 0.25, timestamp = ${T0 + 1000}, step = 5 WHERE run_uuid = '${id(1)}' AND key = 'loss'")
# a new run
c.execute("INSERT INTO runs (run_uuid, name, status, start_time, lifecycle_stage, experiment_id, source_type, source_name, entry_point_name, user_id, source_version, artifact_uri) VALUES ('${id(31)}', 'new-run', 'RUNNING', ${T0 + 31}, 'active', 0, 'LOCAL', '', '', 'bo', '', '')")
c.execute("INSERT INTO params (key, value, run_uuid) VALUES ('lr', '31', '${id(31)}')")
# run 2 finishes, run 3 is soft-deleted, run 4 is deleted for good (mlflow gc)
c.execute("UPDATE runs SET status = 'FINISHED', end_time = ${T0 + 2000} WHERE run_uuid = '${id(2)}'")
c.execute("UPDATE runs SET lifecycle_stage = 'deleted' WHERE run_uuid = '${id(3)}'")
for t in ('metrics', 'latest_metrics', 'params', 'tags'):
    c.execute(f"DELETE FROM {t} WHERE run_uuid = '${id(4)}'")
c.execute("DELETE FROM runs WHERE run_uuid = '${id(4)}'")
c.commit()
`);
    const next = changed(await reader.readChanges(unchanged.cursor));
    const byId = new Map(next.runs.map((r) => [r.runId, r]));
    assert.deepEqual([...byId.keys()].sort(), [id(1), id(2), id(3), id(31)]);
    assert.deepEqual(next.removedRunIds, [id(4)]);
    assert.deepEqual(byId.get(id(1))?.metrics.loss, { value: 0.25, step: 5, timestamp: T0 + 1000 });
    assert.deepEqual(byId.get(id(1))?.params, { lr: '1' }, 'a re-read run comes whole');
    assert.equal(byId.get(id(2))?.status, 'FINISHED');
    assert.equal(byId.get(id(2))?.endTime, T0 + 2000);
    assert.equal(byId.get(id(3))?.lifecycleStage, 'deleted');
    assert.equal(byId.get(id(31))?.runName, 'new-run');
    assert.deepEqual(byId.get(id(31))?.params, { lr: '31' });
  });

  it('falls back to a full read when many runs changed, and every so often regardless', async () => {
    const db = path.join(dir, 'many.db');
    await makeDb(db);
    const reader = open(db);
    let cursor: SqliteReadCursor = (await reader.readChanges(undefined)).cursor;
    runPython(db, `
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.execute("UPDATE runs SET status = 'FINISHED' WHERE start_time % 2 = 0")
c.commit()
`);
    const many = await reader.readChanges(cursor);
    assert.ok('full' in many, 'half the runs changed: a full read');
    cursor = many.cursor;
    for (let i = 1; i < FULL_READ_EVERY; i++) {
      const r = await reader.readChanges(cursor);
      changed(r);
      cursor = r.cursor;
    }
    const due = await reader.readChanges(cursor);
    assert.ok('full' in due, `every ${FULL_READ_EVERY}th read is full (tags updated in place keep their rowid)`);
  });

  it('a cursor from another worker (or none) gets a full read', async () => {
    const db = path.join(dir, 'changes.db');
    const a = open(db);
    const b = open(db);
    const { cursor } = await a.readChanges(undefined);
    assert.ok('full' in (await b.readChanges(cursor)));
  });
});
