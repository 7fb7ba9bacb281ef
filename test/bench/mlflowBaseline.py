"""The baseline for the benchmarks: real MLflow reading the same store as ours, timed inside Python.

Interpreter start and `import mlflow` are excluded; creating MLflow's store object (what a fresh process pays) is included
in the listing time, as opening the store is included in ours.

    python test/bench/mlflowBaseline.py search-runs --uri file:///abs/mlruns
    python test/bench/mlflowBaseline.py metric-history --uri sqlite:////abs/mlflow.db --key loss --runs 5

Prints one JSON object on stdout.
"""

import argparse
import json
import os
import statistics
import time

# MLflow >= 3.13 refuses a file store unless this is set (mlflow issue #23634).
os.environ.setdefault("MLFLOW_ALLOW_FILE_STORE", "true")

import mlflow  # noqa: E402  (after the environment is set)
from mlflow.entities import ViewType  # noqa: E402


def search_runs(uri):
    mlflow.set_tracking_uri(uri)
    t0 = time.perf_counter()
    cpu0 = time.process_time()
    client = mlflow.MlflowClient()
    experiments = client.search_experiments(view_type=ViewType.ALL, max_results=50_000)
    runs = mlflow.search_runs(
        experiment_ids=[e.experiment_id for e in experiments],
        run_view_type=ViewType.ALL,
        max_results=1_000_000,
        output_format="list",
    )
    seconds = time.perf_counter() - t0
    cpu_seconds = time.process_time() - cpu0
    return {"seconds": seconds, "cpuSeconds": cpu_seconds, "runs": len(runs), "experiments": len(experiments),
            "metrics": sum(len(r.data.metrics) for r in runs), "params": sum(len(r.data.params) for r in runs)}


def metric_history(uri, key, count):
    mlflow.set_tracking_uri(uri)
    client = mlflow.MlflowClient()
    # Open the store and pick runs (not timed), then time one history per run.
    experiments = client.search_experiments(view_type=ViewType.ALL)
    runs = client.search_runs([e.experiment_id for e in experiments], run_view_type=ViewType.ALL, max_results=count)
    times, points = [], 0
    for run in runs:
        t0 = time.perf_counter()
        history = client.get_metric_history(run.info.run_id, key)
        times.append(time.perf_counter() - t0)
        points = len(history)
    return {"seconds": statistics.median(times), "max": max(times), "runs": len(times), "points": points,
            "runIds": [r.info.run_id for r in runs]}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["search-runs", "metric-history"])
    parser.add_argument("--uri", required=True)
    parser.add_argument("--key", default="loss")
    parser.add_argument("--runs", type=int, default=5)
    a = parser.parse_args()
    result = search_runs(a.uri) if a.mode == "search-runs" else metric_history(a.uri, a.key, a.runs)
    result["mlflow"] = mlflow.__version__
    print(json.dumps(result))


if __name__ == "__main__":
    main()
