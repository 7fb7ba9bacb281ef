import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { MlflowSqliteReader } from '../../../src/core/mlflow/sqlite/sqliteReader';
import { StoreError, type Run, type StoreSnapshot } from '../../../src/core/runs/types';
import { makeMlflowDb, type MlflowDbSpec, type SchemaFlavour } from './makeMlflowDb';
import { runPython } from './pythonSqlite';
import { fileState, sqliteRef, tempDir } from './testDb';

const T0 = 1_700_000_000_000;

function spec(schema: SchemaFlavour): MlflowDbSpec {
  return {
    schema,
    experiments: [
      { experimentId: '0', name: 'Default', artifactLocation: 'mlflow-artifacts:/0', creationTime: T0 },
      { experimentId: '1', name: 'tuning', creationTime: T0 + 1, tags: { team: 'vision', 'mlflow.note.content': 'ok' } },
      { experimentId: '2', name: 'old', lifecycleStage: 'deleted' },
    ],
    runs: [
      {
        runId: 'a'.repeat(32), experimentId: '1', name: schema === 'legacy' ? undefined : 'bright-owl', status: 'FINISHED',
        startTime: T0 + 100, endTime: T0 + 200, userId: 'ana', artifactUri: 'mlflow-artifacts:/1/aaa/artifacts',
        params: { lr: '0.01', 'model/depth': '6' },
        tags: { 'mlflow.runName': 'bright-owl', 'mlflow.user': 'ana' },
        metrics: [
          { key: 'loss', value: 0.9, step: 0, timestamp: T0 + 110 },
          { key: 'loss', value: 0.5, step: 2, timestamp: T0 + 130 },
          { key: 'loss', value: 0.7, step: 1, timestamp: T0 + 120 },
          { key: 'loss', value: 0.6, step: 1, timestamp: T0 + 119 },
          { key: 'acc', value: NaN, step: 3, timestamp: T0 + 140 },
          { key: 'exact', value: 0.1 + 0.2, step: 0, timestamp: T0 + 150 },
        ],
      },
      {
        runId: 'b'.repeat(32), experimentId: '1', name: 'child', status: 'RUNNING', startTime: T0 + 300,
        tags: { 'mlflow.parentRunId': 'a'.repeat(32) },
      },
      { runId: 'c'.repeat(32), experimentId: '0', name: 'gone', status: 'KILLED', startTime: T0 + 50, lifecycleStage: 'deleted' },
    ],
  };
}

function byId(s: StoreSnapshot, id: string): Run {
  const r = s.runs.find((x) => x.runId === id);
  assert.ok(r, `run ${id} missing`);
  return r;
}

describe('MlflowSqliteReader', function () {
  this.timeout(30_000);
  const { dir, cleanup } = tempDir('mlops-sqlite-');
  const readers: MlflowSqliteReader[] = [];
  const open = (db: string, opts?: { busyTimeoutMs?: number }) => {
    const r = new MlflowSqliteReader(sqliteRef(db), opts);
    readers.push(r);
    return r;
  };
  after(async () => {
    for (const r of readers) await r.close();
    cleanup();
  });

  for (const schema of ['3.x', '2.x'] as const) {
    it(`reads experiments, runs, params, tags and latest metrics (MLflow ${schema} schema)`, async () => {
      const db = path.join(dir, `mlflow-${schema}.db`);
      await makeMlflowDb(db, spec(schema));
      const snap = await open(db).readAll();
      assert.deepEqual(snap.problems, []);
      assert.equal(snap.store.path, db);
      assert.deepEqual(snap.experiments.map((e) => [e.experimentId, e.name, e.lifecycleStage]), [['0', 'Default', 'active'], ['1', 'tuning', 'active'], ['2', 'old', 'deleted']]);
      assert.deepEqual(snap.experiments[1].tags, { team: 'vision', 'mlflow.note.content': 'ok' });
      assert.equal(snap.experiments[0].artifactLocation, 'mlflow-artifacts:/0');
      assert.equal(snap.experiments[0].creationTime, T0);

      const a = byId(snap, 'a'.repeat(32));
      assert.equal(a.runName, 'bright-owl');
      assert.equal(a.experimentId, '1');
      assert.equal(a.status, 'FINISHED');
      assert.equal(a.startTime, T0 + 100);
      assert.equal(a.endTime, T0 + 200);
      assert.equal(a.userId, 'ana');
      assert.equal(a.artifactUri, 'mlflow-artifacts:/1/aaa/artifacts');
      assert.deepEqual(a.params, { lr: '0.01', 'model/depth': '6' });
      assert.equal(a.tags['mlflow.user'], 'ana');
      assert.deepEqual(a.metrics.loss, { value: 0.5, step: 2, timestamp: T0 + 130 });
      assert.ok(Number.isNaN(a.metrics.acc.value), 'is_nan=1 reads as NaN');
      assert.equal(a.metrics.exact.value, 0.1 + 0.2, 'doubles survive exactly');
      assert.equal(a.parentRunId, null);

      const b = byId(snap, 'b'.repeat(32));
      assert.equal(b.status, 'RUNNING');
      assert.equal(b.endTime, null);
      assert.equal(b.parentRunId, 'a'.repeat(32));

      const gone = byId(snap, 'c'.repeat(32));
      assert.equal(gone.lifecycleStage, 'deleted');
      assert.equal(gone.status, 'KILLED');
      // newest first
      assert.deepEqual(snap.runs.map((r) => r.runName), ['child', 'bright-owl', 'gone']);
    });
  }

  it('reads a legacy schema without runs.name, experiment times or latest_metrics, from the columns it has', async () => {
    const db = path.join(dir, 'legacy.db');
    await makeMlflowDb(db, spec('legacy'));
    const snap = await open(db).readAll();
    const a = byId(snap, 'a'.repeat(32));
    assert.equal(a.runName, 'bright-owl', 'falls back to the mlflow.runName tag');
    assert.deepEqual(a.metrics.loss, { value: 0.5, step: 2, timestamp: T0 + 130 }, 'latest folded from metrics');
    assert.equal(snap.experiments[0].creationTime, null);
    assert.deepEqual(snap.problems.map((p) => p.message.includes('latest_metrics')), [true]);
  });

  it('returns a metric history in MLflow order (timestamp, step, value), with NaN', async () => {
    const db = path.join(dir, 'mlflow-3.x.db');
    const reader = open(db);
    const loss = await reader.metricHistory('a'.repeat(32), 'loss');
    assert.deepEqual(loss, [
      { step: 0, timestamp: T0 + 110, value: 0.9 },
      { step: 1, timestamp: T0 + 119, value: 0.6 },
      { step: 1, timestamp: T0 + 120, value: 0.7 },
      { step: 2, timestamp: T0 + 130, value: 0.5 },
    ]);
    const acc = await reader.metricHistory('a'.repeat(32), 'acc');
    assert.equal(acc.length, 1);
    assert.ok(Number.isNaN(acc[0].value));
    assert.deepEqual(await reader.metricHistory('nope', 'loss'), []);
  });

  it('warns about an unknown alembic revision and still reads the runs', async () => {
    const db = path.join(dir, 'future.db');
    await makeMlflowDb(db, { ...spec('3.x'), revision: 'ffffffffffff' });
    const snap = await open(db).readAll();
    assert.equal(snap.runs.length, 3);
    assert.equal(snap.problems.length, 1);
    assert.equal(snap.problems[0].severity, 'warning');
    assert.equal(snap.problems[0].file, db);
    assert.match(snap.problems[0].message, /ffffffffffff/);
  });

  it('warns when there is no alembic_version table', async () => {
    const db = path.join(dir, 'noalembic.db');
    await makeMlflowDb(db, { ...spec('3.x'), revision: null });
    const snap = await open(db).readAll();
    assert.equal(snap.runs.length, 3);
    assert.match(snap.problems[0]?.message ?? '', /alembic_version/);
  });

  it('rejects a file that is not SQLite, an empty file, a missing file and a db without MLflow tables with a StoreError naming the file', async () => {
    const notSqlite = path.join(dir, 'text.db');
    fs.writeFileSync(notSqlite, 'this is not a database\n'.repeat(100));
    const empty = path.join(dir, 'empty.db');
    fs.writeFileSync(empty, '');
    const other = path.join(dir, 'other.db');
    runPython(other, 'import sqlite3, sys\nc = sqlite3.connect(sys.argv[1])\nc.execute("CREATE TABLE notes (t TEXT)")\nc.commit()');
    const cases: [string, RegExp][] = [[notSqlite, /not a SQLite database/], [empty, /empty/], [path.join(dir, 'missing.db'), /does not exist/], [other, /without MLflow's tracking tables/]];
    for (const [db, message] of cases) {
      await assert.rejects(open(db).readAll(), (e: unknown) => {
        assert.ok(e instanceof StoreError, `${db}: ${String(e)}`);
        assert.equal(e.file, db);
        assert.ok(e.message.includes(db));
        assert.match(e.message, message);
        return true;
      });
    }
  });

  it('rejects a damaged database with a StoreError', async () => {
    const db = path.join(dir, 'damaged.db');
    await makeMlflowDb(db, spec('3.x'));
    const bytes = fs.readFileSync(db);
    for (let i = 4096; i < bytes.length; i++) bytes[i] = (i * 7919) & 0xff; // keep the header, scramble every b-tree page
    fs.writeFileSync(db, bytes);
    await assert.rejects(open(db).readAll(), (e: unknown) => e instanceof StoreError && e.file === db && e.message.includes(db));
  });

  it('never changes the database nor creates -journal, -wal or -shm', async () => {
    const db = path.join(dir, 'untouched.db');
    await makeMlflowDb(db, spec('3.x'));
    const past = new Date(T0);
    fs.utimesSync(db, past, past);
    const before = fileState(db);
    const reader = open(db);
    await reader.readAll();
    await reader.metricHistory('a'.repeat(32), 'loss');
    reader.changeToken();
    await reader.close();
    const afterRead = fileState(db);
    assert.ok(afterRead.bytes.equals(before.bytes), 'bytes identical');
    assert.equal(afterRead.mtimeMs, before.mtimeMs);
    assert.deepEqual(afterRead.sideFiles, []);
  });

  it('changes changeToken after an external commit, and then reads the new run', async () => {
    const db = path.join(dir, 'token.db');
    await makeMlflowDb(db, spec('3.x'));
    const reader = open(db);
    const t1 = reader.changeToken();
    assert.equal(reader.changeToken(), t1, 'stable while nothing changes');
    assert.equal((await reader.readAll()).runs.length, 3);
    runPython(db, `import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.execute("INSERT INTO runs (run_uuid, name, status, start_time, lifecycle_stage, experiment_id) VALUES ('d', 'late', 'RUNNING', 1, 'active', 0)")
c.commit()`);
    assert.notEqual(reader.changeToken(), t1);
    const snap = await reader.readAll();
    assert.equal(snap.runs.length, 4);
    assert.equal(byId(snap, 'd').runName, 'late');
  });

  it('re-opens a database that was replaced by another file at the same path', async () => {
    const db = path.join(dir, 'replaced.db');
    await makeMlflowDb(db, spec('3.x'));
    const reader = open(db);
    assert.equal((await reader.readAll()).runs.length, 3);
    const next = path.join(dir, 'replacement.db');
    await makeMlflowDb(next, { ...spec('3.x'), runs: spec('3.x').runs.slice(0, 1) });
    fs.renameSync(next, db);
    const snap = await reader.readAll();
    assert.deepEqual(snap.runs.map((r) => r.runId), ['a'.repeat(32)]);
  });

  it('rejects a pending call when its AbortSignal fires', async () => {
    const db = path.join(dir, 'mlflow-3.x.db');
    const reader = open(db);
    await assert.rejects(reader.readAll(AbortSignal.abort()), { name: 'AbortError' });
    const ctl = new AbortController();
    const pending = reader.readAll(ctl.signal);
    ctl.abort();
    await assert.rejects(pending, { name: 'AbortError' });
    assert.equal((await reader.readAll()).runs.length, 3, 'the reader still works afterwards');
  });

  it('rejects pending calls on close and starts a new worker on the next call', async () => {
    const db = path.join(dir, 'mlflow-3.x.db');
    const reader = open(db);
    const rejected = assert.rejects(reader.readAll(), /closed/);
    await reader.close();
    await rejected;
    assert.equal((await reader.readAll()).runs.length, 3);
  });
});
