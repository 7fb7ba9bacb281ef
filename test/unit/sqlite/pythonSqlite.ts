import { spawn, spawnSync, type ChildProcess } from 'node:child_process';

// Test helpers that write to SQLite the way MLflow does, through Python's stdlib sqlite3 (python3 is always
// installed on the test machines; mlflow itself is not needed).

/** Runs a short Python snippet with `db` as sys.argv[1]; throws with its stderr if it fails. */
export function runPython(db: string, code: string): string {
  const r = spawnSync('python3', ['-c', code, db], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`python3 failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

/** Leaves a WAL-mode db with its -wal and -shm in place (exits without closing, so no final checkpoint). */
export function makeWalDbWithPendingFrames(db: string): void {
  runPython(db, `
import os, sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.execute("PRAGMA journal_mode=WAL")
c.execute("PRAGMA wal_autocheckpoint=0")
c.execute("INSERT INTO runs (run_uuid, name, status, start_time, lifecycle_stage, experiment_id) VALUES ('walrun', 'in-the-wal', 'RUNNING', 5, 'active', 0)")
c.execute("INSERT INTO params (key, value, run_uuid) VALUES ('where', 'wal', 'walrun')")
c.commit()
os._exit(0)
`);
}

export interface WriterCommit {
  n: number;
  /** Epoch ms right after the commit returned. */
  at: number;
}

export interface WriterResult {
  commits: number;
  locked: number;
  errors: string[];
}

/**
 * A writer committing in a loop (~40 commits/s) as MLflow logs: each transaction bumps run 'counter'
 * (tag `n` and latest metric `n` together), appends a metric row, and every 10th commit creates a run.
 * `onCommit` hears of each commit. Stop it by closing its stdin; it then prints a JSON summary.
 */
export function startWriter(db: string, wal: boolean, onCommit: (c: WriterCommit) => void): { child: ChildProcess; done: Promise<WriterResult> } {
  const code = `
import json, sqlite3, sys, threading, time
c = sqlite3.connect(sys.argv[1], timeout=5)
if sys.argv[2] == "wal":
    c.execute("PRAGMA journal_mode=WAL")
    c.execute("PRAGMA wal_autocheckpoint=16")  # checkpoint often, to read across checkpoints and WAL restarts
# Skips only the fsyncs (slow on CI disks): other processes see the same writes in the same order.
c.execute("PRAGMA synchronous=OFF")
stop = threading.Event()
threading.Thread(target=lambda: (sys.stdin.read(), stop.set()), daemon=True).start()
n = 0; locked = 0; errors = []
while not stop.is_set():
    try:
        n1 = n + 1
        now = int(time.time() * 1000)
        c.execute("BEGIN")
        c.execute("INSERT OR REPLACE INTO tags (key, value, run_uuid) VALUES ('n', ?, 'counter')", (str(n1),))
        c.execute("INSERT OR REPLACE INTO latest_metrics (key, value, timestamp, step, is_nan, run_uuid) VALUES ('n', ?, ?, ?, 0, 'counter')", (float(n1), now, n1))
        c.execute("INSERT INTO metrics (key, value, timestamp, run_uuid, step, is_nan) VALUES ('n', ?, ?, 'counter', ?, 0)", (float(n1), now, n1))
        if n1 % 10 == 0:
            rid = "w%06d" % n1
            c.execute("INSERT INTO runs (run_uuid, name, status, start_time, lifecycle_stage, experiment_id) VALUES (?, ?, 'RUNNING', ?, 'active', 0)", (rid, rid, now))
            c.execute("INSERT INTO params (key, value, run_uuid) VALUES ('made_at', ?, ?)", (str(n1), rid))
        c.commit()
        n = n1
        print(n, int(time.time() * 1000), flush=True)
    except sqlite3.OperationalError as e:
        c.rollback()
        if "locked" in str(e): locked += 1
        else: errors.append(str(e))
    time.sleep(0.025)
print(json.dumps({"commits": n, "locked": locked, "errors": errors}), flush=True)
`;
  const child = spawn('python3', ['-c', code, db, wal ? 'wal' : 'rollback'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let buffered = '';
  let summary: WriterResult | undefined;
  let stderr = '';
  child.stderr?.on('data', (d) => (stderr += String(d)));
  child.stdout?.on('data', (d) => {
    buffered += String(d);
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) {
      if (line.startsWith('{')) summary = JSON.parse(line) as WriterResult;
      else if (line.trim()) {
        const [n, at] = line.split(' ').map(Number);
        onCommit({ n, at });
      }
    }
  });
  const done = new Promise<WriterResult>((resolve, reject) => {
    child.on('exit', (code) => (summary ? resolve(summary) : reject(new Error(`writer exited with ${code} without a summary: ${stderr}`))));
  });
  return { child, done };
}
