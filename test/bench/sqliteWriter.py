"""A writer like MLflow's: logs one metric per commit to a RUNNING run of an mlflow.db at a steady rate, and reports
its commit latencies and any 'database is locked' error. Used to check that our reader never slows or blocks MLflow.

    python test/bench/sqliteWriter.py --db /abs/mlflow.db --seconds 10 --rate 40
    python test/bench/sqliteWriter.py --db /abs/mlflow.db --cleanup-only

Prints one JSON object on stdout when done. Writes only metric rows with key 'bench_writer'. `--cleanup-only` deletes
those rows of earlier runs (so reruns do not grow the database) and exits: the benchmark runs it before the measured
window, because deleting rows is not something MLflow does while training (it makes a reader re-read everything).
"""

import argparse
import json
import sqlite3
import statistics
import sys
import time

KEY = "bench_writer"


def percentile(sorted_values, p):
    if not sorted_values:
        return None
    index = min(len(sorted_values) - 1, max(0, round(p / 100 * (len(sorted_values) - 1))))
    return sorted_values[index]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--rate", type=float, default=40)
    parser.add_argument("--cleanup-only", action="store_true")
    a = parser.parse_args()
    # Python's default busy timeout (5 s), as SQLAlchemy's pysqlite dialect leaves it for MLflow.
    conn = sqlite3.connect(a.db, timeout=5.0, isolation_level=None)
    run_id = conn.execute("SELECT run_uuid FROM runs WHERE status='RUNNING' ORDER BY start_time LIMIT 1").fetchone()[0]
    if a.cleanup_only:
        conn.execute("DELETE FROM metrics WHERE key=? AND run_uuid=?", (KEY, run_id))
        conn.execute("DELETE FROM latest_metrics WHERE key=? AND run_uuid=?", (KEY, run_id))
        conn.close()
        print(json.dumps({"runId": run_id, "cleaned": True}))
        return
    print("ready", file=sys.stderr, flush=True)
    latencies, locked, errors = [], 0, []
    interval = 1 / a.rate
    start = time.perf_counter()
    step = 0
    while True:
        due = start + step * interval
        now = time.perf_counter()
        if due - start >= a.seconds:
            break
        if due > now:
            time.sleep(due - now)
        ts = int(time.time() * 1000)
        value = 1 / (1 + step)
        t0 = time.perf_counter()
        try:
            conn.execute("BEGIN")
            conn.execute("INSERT INTO metrics (key, value, timestamp, run_uuid, step, is_nan) VALUES (?, ?, ?, ?, ?, 0)",
                         (KEY, value, ts, run_id, step))
            conn.execute("INSERT OR REPLACE INTO latest_metrics (key, value, timestamp, step, is_nan, run_uuid) "
                         "VALUES (?, ?, ?, ?, 0, ?)", (KEY, value, ts, step, run_id))
            conn.execute("COMMIT")
            latencies.append((time.perf_counter() - t0) * 1000)
        except sqlite3.OperationalError as e:
            if "locked" in str(e):
                locked += 1
            else:
                errors.append(str(e))
            if conn.in_transaction:
                conn.execute("ROLLBACK")
        step += 1
    conn.close()
    s = sorted(latencies)
    print(json.dumps({"runId": run_id, "commits": len(s), "seconds": time.perf_counter() - start,
                      "p50Ms": percentile(s, 50), "p99Ms": percentile(s, 99), "maxMs": s[-1] if s else None,
                      "meanMs": statistics.fmean(s) if s else None, "locked": locked, "errors": errors[:5]}))


if __name__ == "__main__":
    main()
