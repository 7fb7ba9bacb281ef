import assert from 'node:assert/strict';
import path from 'node:path';
import { MlflowSqliteReader } from '../../../src/core/mlflow/sqlite/sqliteReader';
import { makeMlflowDb, type RunSpec } from './makeMlflowDb';
import { startWriter, type WriterCommit } from './pythonSqlite';
import { sqliteRef, tempDir } from './testDb';

// A run-list read that takes far longer than the gap between two commits (10,000 runs, a writer at
// ~40 commits/s) must still finish, on one consistent snapshot, and never report the sound file as damaged.
// Before the fix such reads tore on every attempt; SQLite's page cache, kept across attempts, then held pages
// of two commits ("database disk image is malformed"), and at the deadline a torn attempt's error was
// reported as damage.

// Enough that a run-list read touches more pages than the VFS's snapshot cache held before the fix.
const RUNS = 10_000;

function runs(): RunSpec[] {
  const out: RunSpec[] = [{ runId: 'counter', experimentId: '0', name: 'counter', status: 'RUNNING', startTime: 1, tags: { n: '0' } }];
  for (let i = 0; i < RUNS; i++) {
    const params: Record<string, string> = {};
    for (let p = 0; p < 20; p++) params[`param_${p}`] = `value-${i}-${p}`;
    const metrics = [];
    for (let m = 0; m < 10; m++) for (let step = 0; step < 2; step++) metrics.push({ key: `m${m}`, value: i + step / 10, step, timestamp: 1_700_000_000_000 + step });
    out.push({ runId: `run${String(i).padStart(6, '0')}`, experimentId: '0', name: `r${i}`, startTime: 10 + i, params, tags: { 'mlflow.user': 'ana', 'mlflow.source.type': 'LOCAL', 'mlflow.runName': `r${i}` }, metrics });
  }
  return out;
}

describe('MlflowSqliteReader reading 10,000 runs while a writer commits', function () {
  this.timeout(90_000);
  const { dir, cleanup } = tempDir('mlops-sqlite-large-rw-');
  after(cleanup);

  it('finishes every read on a consistent snapshot, with no error', async () => {
    const db = path.join(dir, 'mlflow.db');
    await makeMlflowDb(db, { schema: '3.x', experiments: [{ experimentId: '0', name: 'Default' }], runs: runs() });
    const commits: WriterCommit[] = [];
    const writer = startWriter(db, false, (c) => commits.push(c));
    const reader = new MlflowSqliteReader(sqliteRef(db));
    const errors: string[] = [];
    let reads = 0;
    let lastSeen = 0;
    try {
      const until = Date.now() + 8000;
      while (Date.now() < until) {
        try {
          const snap = await reader.readAll();
          const counter = snap.runs.find((r) => r.runId === 'counter');
          const n = Number(counter?.tags.n);
          assert.equal(counter?.metrics.n?.step ?? 0, n, 'tag and latest metric from the same commit');
          assert.equal(snap.runs.filter((r) => r.runId.startsWith('w')).length, Math.floor(n / 10), 'one new run per 10 commits');
          assert.equal(snap.runs.length, RUNS + 1 + Math.floor(n / 10));
          assert.ok(n >= lastSeen, 'snapshots never go back in time');
          lastSeen = n;
          const history = await reader.metricHistory('counter', 'n');
          assert.ok(history.length >= n, 'history holds every committed point');
          const some = await reader.metricHistory(`run${String(reads % RUNS).padStart(6, '0')}`, 'm1');
          assert.equal(some.length, 2);
          reads++;
        } catch (e) {
          if (e instanceof assert.AssertionError) throw e;
          errors.push(String(e));
        }
      }
    } finally {
      writer.child.stdin?.end();
      await writer.done.catch(() => undefined);
      writer.child.kill();
      await reader.close();
    }
    assert.deepEqual(errors, [], 'no read failed');
    assert.ok(reads >= 3, `reads finished (${reads})`);
    assert.ok(commits.length > 50, `the writer kept committing (${commits.length})`);
    assert.ok(lastSeen > 0, 'new commits became visible');
  });
});
