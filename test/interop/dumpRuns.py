"""Asks real MLflow what a tracking store holds and prints it in the CLI's JSON shape.

Usage: .venv/bin/python test/interop/dumpRuns.py --tracking-uri URI [--history RUN_ID:KEY ...] [--all-histories]

The answer is MLflow's own (search_experiments / search_runs with ViewType.ALL / get_metric_history),
only renamed to our camelCase fields, so tests can compare our readers with it without Python.
Non-finite floats become the strings "NaN", "Infinity", "-Infinity", as our CLI writes them.
"""

import argparse
import json
import math
import os
import sys
import warnings

# MLflow 3.13+ refuses the file store without this (it is deprecated, not gone).
os.environ.setdefault("MLFLOW_ALLOW_FILE_STORE", "true")
warnings.filterwarnings("ignore")

import mlflow  # noqa: E402
from mlflow.entities import ViewType  # noqa: E402
from mlflow.tracking import MlflowClient  # noqa: E402


def json_number(value):
    """JSON has no NaN/Infinity: write them as strings, the same way our CLI does."""
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "Infinity" if value > 0 else "-Infinity"
    return value


def store_kind(uri):
    if uri.startswith(("http:", "https:")):
        return "mlflow-rest"
    return "mlflow-sqlite" if uri.startswith("sqlite:") else "mlflow-file"


def experiment_json(exp):
    return {
        "experimentId": exp.experiment_id,
        "name": exp.name,
        "lifecycleStage": exp.lifecycle_stage,
        "artifactLocation": exp.artifact_location,
        "creationTime": exp.creation_time,
        "lastUpdateTime": exp.last_update_time,
        "tags": dict(sorted(exp.tags.items())),
    }


def run_json(run, experiment_names):
    info, data = run.info, run.data
    # _metric_objs holds the latest Metric per key (value, step, timestamp) as the store computed it.
    latest = {m.key: m for m in data._metric_objs}
    metrics = {
        key: {"value": json_number(m.value), "step": m.step, "timestamp": m.timestamp}
        for key, m in sorted(latest.items())
    }
    return {
        "runId": info.run_id,
        "runName": info.run_name,
        "experimentId": info.experiment_id,
        "experimentName": experiment_names.get(info.experiment_id),
        "status": info.status,
        "startTime": info.start_time,
        "endTime": info.end_time,
        "lifecycleStage": info.lifecycle_stage,
        "artifactUri": info.artifact_uri,
        "userId": info.user_id,
        "params": dict(sorted(data.params.items())),
        "metrics": metrics,
        "tags": dict(sorted(data.tags.items())),
        "parentRunId": data.tags.get("mlflow.parentRunId"),
    }


def history_json(client, run_id, key):
    points = client.get_metric_history(run_id, key)
    return [{"step": p.step, "timestamp": p.timestamp, "value": json_number(p.value)} for p in points]


def dump_store(uri, histories=(), all_histories=False):
    """Everything MLflow reports for one store: experiments, runs, and the asked metric histories."""
    mlflow.set_tracking_uri(uri)
    client = MlflowClient(tracking_uri=uri)
    experiments = client.search_experiments(view_type=ViewType.ALL)
    names = {e.experiment_id: e.name for e in experiments}
    runs = mlflow.search_runs(
        experiment_ids=[e.experiment_id for e in experiments],
        run_view_type=ViewType.ALL,
        output_format="list",
    )
    runs_out = sorted((run_json(r, names) for r in runs), key=lambda r: r["runId"])
    wanted = list(histories)
    if all_histories:
        wanted = [(r["runId"], key) for r in runs_out for key in r["metrics"]]
    history_out = {}
    for run_id, key in wanted:
        history_out.setdefault(run_id, {})[key] = history_json(client, run_id, key)
    return {
        "mlflowVersion": mlflow.__version__,
        "store": {"kind": store_kind(uri), "uri": uri},
        "experiments": sorted((experiment_json(e) for e in experiments), key=lambda e: e["experimentId"]),
        "runs": runs_out,
        "metricHistories": history_out,
    }


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tracking-uri", required=True)
    parser.add_argument("--history", action="append", default=[], help="RUN_ID:KEY (repeatable)")
    parser.add_argument("--all-histories", action="store_true", help="every metric of every run")
    args = parser.parse_args(argv)
    histories = [tuple(h.split(":", 1)) for h in args.history]
    out = dump_store(args.tracking_uri, histories, args.all_histories)
    json.dump(out, sys.stdout, indent=1, ensure_ascii=False, allow_nan=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv[1:])
