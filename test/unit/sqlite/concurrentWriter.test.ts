import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { MlflowSqliteReader } from '../../../src/core/mlflow/sqlite/sqliteReader';
import { StoreError, type StoreSnapshot } from '../../../src/core/runs/types';
import { makeMlflowDb } from './makeMlflowDb';
import { makeWalDbWithPendingFrames, runPython, startWriter, type WriterCommit } from './pythonSqlite';
import { fileState, sqliteRef, tempDir } from './testDb';

const COUNTER_RUN = 'counter';

async function seed(db: string): Promise<void> {
  await makeMlflowDb(db, {
    schema: '3.x',
    experiments: [{ experimentId: '0', name: 'Default' }],
    runs: [{ runId: COUNTER_RUN, experimentId: '0', name: 'counter', status: 'RUNNING', startTime: 1, tags: { n: '0' } }],
  });
}

/** The writer changes these together in each transaction: a torn snapshot would disagree. */
function checkConsistent(s: StoreSnapshot): number {
  const counter = s.runs.find((r) => r.runId === COUNTER_RUN);
  assert.ok(counter, 'counter run present');
  const n = Number(counter.tags.n);
  assert.equal(counter.metrics.n?.step ?? 0, n, 'tag and latest metric from the same commit');
  const made = s.runs.filter((r) => r.runId.startsWith('w'));
  assert.equal(made.length, Math.floor(n / 10), 'one run per 10 commits');
  for (const r of made) assert.equal(r.params.made_at, String(Number(r.runId.slice(1))), 'each new run has its param');
  return n;
}

async function readWhileWriting(db: string, wal: boolean): Promise<void> {
  const commits: WriterCommit[] = [];
  const writer = startWriter(db, wal, (c) => commits.push(c));
  const reader = new MlflowSqliteReader(sqliteRef(db));
  try {
    const until = Date.now() + 4000;
    let reads = 0;
    let lastSeen = 0;
    while (Date.now() < until) {
      const startedAt = Date.now();
      const snap = await reader.readAll();
      const n = checkConsistent(snap);
      // Every commit made more than a second before this read began must be visible.
      const due = commits.filter((c) => c.at < startedAt - 1000).reduce((m, c) => Math.max(m, c.n), 0);
      assert.ok(n >= due, `read at ${startedAt} saw commit ${n}, but ${due} was committed over a second earlier`);
      assert.ok(n >= lastSeen, 'snapshots never go back in time');
      lastSeen = n;
      reads++;
      const history = await reader.metricHistory(COUNTER_RUN, 'n');
      assert.ok(history.length >= n, 'history holds every committed point');
      assert.deepEqual(history.slice(0, n).map((p) => p.step), Array.from({ length: n }, (_, i) => i + 1));
      await new Promise((r) => setTimeout(r, 20));
    }
    writer.child.stdin?.end();
    const result = await writer.done;
    assert.equal(result.locked, 0, 'the writer never saw "database is locked"');
    assert.deepEqual(result.errors, []);
    assert.ok(result.commits > 20, `the writer kept committing (${result.commits})`);
    assert.ok(reads > 5, `reads happened (${reads})`);
    assert.ok(lastSeen > 0, 'new commits became visible');
    const final = await reader.readAll();
    assert.equal(checkConsistent(final), result.commits, 'the last commit is visible once the writer stops');
  } finally {
    writer.child.kill();
    await reader.close();
  }
}

describe('MlflowSqliteReader with a concurrent writer', function () {
  this.timeout(60_000);
  const { dir, cleanup } = tempDir('mlops-sqlite-rw-');
  after(cleanup);

  it('reads consistent snapshots while a rollback-journal writer commits ~40 times a second, never blocking it', async () => {
    const db = path.join(dir, 'rollback.db');
    await seed(db);
    await readWhileWriting(db, false);
  });

  it('does the same for a WAL-mode database', async () => {
    const db = path.join(dir, 'wal.db');
    await seed(db);
    await readWhileWriting(db, true);
  });

  it('reads commits that are still only in the -wal, and leaves db, -wal and -shm untouched', async () => {
    const db = path.join(dir, 'pending-wal.db');
    await seed(db);
    makeWalDbWithPendingFrames(db);
    const files = [db, db + '-wal', db + '-shm'];
    const before = files.map((f) => ({ bytes: fs.readFileSync(f), mtimeMs: fs.statSync(f).mtimeMs }));
    const reader = new MlflowSqliteReader(sqliteRef(db));
    try {
      const token = reader.changeToken();
      const snap = await reader.readAll();
      const walRun = snap.runs.find((r) => r.runId === 'walrun');
      assert.equal(walRun?.runName, 'in-the-wal');
      assert.deepEqual(walRun?.params, { where: 'wal' });
      assert.equal(reader.changeToken(), token);
      runPython(db, `import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.execute("INSERT INTO runs (run_uuid, name, status, start_time, lifecycle_stage, experiment_id) VALUES ('wal2', 'second', 'RUNNING', 6, 'active', 0)")
c.commit()
import os; os._exit(0)`);
      assert.notEqual(reader.changeToken(), token, 'a WAL append changes the token');
      const after = files.map((f) => ({ bytes: fs.readFileSync(f), mtimeMs: fs.statSync(f).mtimeMs }));
      const again = await reader.readAll();
      assert.ok(again.runs.some((r) => r.runId === 'wal2'), 'the second WAL commit is visible');
      const afterSecondRead = files.map((f) => ({ bytes: fs.readFileSync(f), mtimeMs: fs.statSync(f).mtimeMs }));
      assert.deepEqual(afterSecondRead, after, 'reading changed none of db, -wal, -shm');
      assert.ok(!fs.existsSync(db + '-journal'));
      assert.notDeepEqual(after, before, 'sanity: the external commit did change the files');
    } finally {
      await reader.close();
    }
  });

  it('reports a db whose hot journal never goes away as locked, without touching db or journal', async () => {
    const db = path.join(dir, 'hot.db');
    await seed(db);
    // A crashed writer's journal: non-zero header (the journal magic), so it is active.
    const journal = Buffer.alloc(4096);
    Buffer.from([0xd9, 0xd5, 0x05, 0xf9, 0x20, 0xa1, 0x63, 0xd7]).copy(journal);
    fs.writeFileSync(db + '-journal', journal);
    const before = fileState(db);
    const reader = new MlflowSqliteReader(sqliteRef(db), { busyTimeoutMs: 500 });
    try {
      await assert.rejects(reader.readAll(), (e: unknown) => {
        assert.ok(e instanceof StoreError, String(e));
        assert.equal(e.file, db);
        assert.match(e.message, /locked/);
        assert.ok(e.message.includes(db + '-journal'));
        return true;
      });
      const afterRead = fileState(db);
      assert.ok(afterRead.bytes.equals(before.bytes));
      assert.equal(afterRead.mtimeMs, before.mtimeMs);
      assert.ok(fs.readFileSync(db + '-journal').equals(journal), 'the journal is never rolled back by us');
    } finally {
      await reader.close();
    }
  });
});
