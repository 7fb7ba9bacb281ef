"""Generates an MLflow SQLite store (mlflow.db) of a chosen size, for the benchmarks.

The schema comes from real MLflow (MlflowClient on sqlite:///..., one experiment created so every migration runs);
the rows are then bulk-inserted with Python's sqlite3 in one transaction, which is far faster than logging through MLflow.
Databases are cached under the OS temp dir, keyed by size.

    python test/bench/generateSqliteDb.py --runs 10000 --metrics 10 --steps 100 --params 20 --tags 5 [--out PATH]

Prints the absolute path of the database on stdout, and timings on stderr.
"""

import argparse
import os
import random
import shutil
import sqlite3
import sys
import tempfile
import time
import uuid

GENERATOR_VERSION = 1
BASE_TIME = 1_760_000_000_000
EXPERIMENT_NAME = "bench"
WRITER_RUN_NAME = "bench-writer"


def param_key(i):
    return "model/depth" if i == 0 else f"param_{i:02d}"


def metric_key(i):
    return "loss" if i == 0 else "accuracy" if i == 1 else f"metric_{i:02d}"


def make_schema(path):
    """An empty MLflow database with one experiment, schema made by MLflow itself (all migrations)."""
    from mlflow.tracking import MlflowClient

    uri = "sqlite:///" + os.path.abspath(path)
    client = MlflowClient(tracking_uri=uri)
    experiment_id = client.create_experiment(EXPERIMENT_NAME)
    # Dispose of SQLAlchemy's pooled connections before sqlite3 takes over the file.
    store = client._tracking_client.store
    engine = getattr(store, "engine", None)
    if engine is not None:
        engine.dispose()
    return experiment_id


def columns(conn, table):
    return [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]


def insert(conn, table, names, rows):
    present = set(columns(conn, table))
    missing = [n for n in names if n not in present]
    if missing:
        raise SystemExit(f"{table} has no column(s) {missing}: this MLflow's schema differs from what the generator expects")
    sql = f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})"
    conn.executemany(sql, rows)


def fill(path, experiment_id, runs, metrics, steps, params, tags):
    rng = random.Random(42)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("PRAGMA journal_mode=MEMORY")
    conn.execute("PRAGMA cache_size=-1000000")  # 1 GB of page cache while building the indexes
    conn.execute("BEGIN")
    run_ids = [uuid.UUID(int=rng.getrandbits(128)).hex for _ in range(runs)]
    artifact_root = os.path.join(os.path.dirname(os.path.abspath(path)), "mlartifacts", str(experiment_id))

    def status(r):
        return "RUNNING" if r % 50 == 7 else "FAILED" if r % 37 == 3 else "FINISHED"

    def run_rows():
        for r, run_id in enumerate(run_ids):
            start = BASE_TIME + r * 60_000
            name = WRITER_RUN_NAME if r == 7 else f"bench-run-{r:05d}"
            end = None if status(r) == "RUNNING" else start + steps * 1000 + 500
            yield (run_id, name, "LOCAL", "", "", "bench", status(r), start, end, None, "", "active",
                   f"file://{artifact_root}/{run_id}/artifacts", experiment_id)

    insert(conn, "runs", ["run_uuid", "name", "source_type", "source_name", "entry_point_name", "user_id", "status",
                          "start_time", "end_time", "deleted_time", "source_version", "lifecycle_stage", "artifact_uri",
                          "experiment_id"], run_rows())

    def param_rows():
        for r, run_id in enumerate(run_ids):
            for p in range(params):
                yield (param_key(p), str(2 + r % 10) if p == 0 else repr(round(rng.random(), 6)), run_id)

    insert(conn, "params", ["key", "value", "run_uuid"], param_rows())

    def tag_rows():
        for r, run_id in enumerate(run_ids):
            system = [("mlflow.runName", WRITER_RUN_NAME if r == 7 else f"bench-run-{r:05d}"), ("mlflow.user", "bench"),
                      ("mlflow.source.name", "train.py"), ("mlflow.source.type", "LOCAL")]
            chosen = system[:tags] + [(f"team_tag_{i}", f"value {i}") for i in range(len(system), tags)]
            for key, value in chosen:
                yield (key, value, run_id)

    insert(conn, "tags", ["key", "value", "run_uuid"], tag_rows())

    latest = []

    def metric_rows():
        # A run logs its metrics step by step, one run after another: the row order MLflow itself would produce.
        rand = rng.random
        for r, run_id in enumerate(run_ids):
            start = BASE_TIME + r * 60_000
            bases = [0.2 + rand() * 0.8 for _ in range(metrics)]
            for s in range(steps):
                ts = start + s * 1000
                decay = 1 + s * 0.05
                for m in range(metrics):
                    value = round(bases[m] / decay + rand() * 0.01, 9)
                    yield (metric_key(m), value, ts + m, run_id, s, 0)
                    if s == steps - 1:
                        latest.append((metric_key(m), value, ts + m, s, 0, run_id))

    insert(conn, "metrics", ["key", "value", "timestamp", "run_uuid", "step", "is_nan"], metric_rows())
    insert(conn, "latest_metrics", ["key", "value", "timestamp", "step", "is_nan", "run_uuid"], latest)
    conn.execute("COMMIT")
    conn.close()
    return run_ids


def generate(path, runs, metrics, steps, params, tags):
    t0 = time.perf_counter()
    experiment_id = make_schema(path)
    t1 = time.perf_counter()
    fill(path, experiment_id, runs, metrics, steps, params, tags)
    t2 = time.perf_counter()
    print(f"schema by mlflow {t1 - t0:.1f} s, {runs * metrics * steps:,} metric rows inserted in {t2 - t1:.1f} s", file=sys.stderr)


def cache_path(runs, metrics, steps, params, tags):
    key = f"r{runs}-m{metrics}-s{steps}-p{params}-t{tags}-v{GENERATOR_VERSION}"
    return os.path.join(tempfile.gettempdir(), "mlops-bench", f"sqlite-{key}", "mlflow.db")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10_000)
    parser.add_argument("--metrics", type=int, default=10)
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--params", type=int, default=20)
    parser.add_argument("--tags", type=int, default=5)
    parser.add_argument("--out", help="write here instead of the cache (must not exist)")
    a = parser.parse_args()
    if a.out:
        path = os.path.abspath(a.out)
        if os.path.exists(path):
            raise SystemExit(f"{path} exists: choose a new path")
        generate(path, a.runs, a.metrics, a.steps, a.params, a.tags)
    else:
        path = cache_path(a.runs, a.metrics, a.steps, a.params, a.tags)
        marker = os.path.join(os.path.dirname(path), "complete")
        if os.path.exists(marker):
            print("cached", file=sys.stderr)
        else:
            shutil.rmtree(os.path.dirname(path), ignore_errors=True)
            os.makedirs(os.path.dirname(path))
            generate(path, a.runs, a.metrics, a.steps, a.params, a.tags)
            with open(marker, "w") as f:
                f.write(time.strftime("%Y-%m-%dT%H:%M:%S"))
    print(path)


if __name__ == "__main__":
    main()
