"""Logs the MLflow fixture runs (test/fixtures/mlflow/generate.py) to a tracking server with MLflow's own client.

Usage: .venv/bin/python test/interop/logServerRuns.py --tracking-uri http://127.0.0.1:PORT

The same experiments, runs, params, tags and metric edge cases as the committed fixture stores (nested runs,
FAILED/KILLED/RUNNING runs, a deleted run and experiment, NaN and infinite values, unicode and HTML in names),
sent through the REST API. Run ids are the server's: it makes them, so the fixture's pinned ids cannot be used.
Prints the number of runs logged.
"""

import argparse
import sys
import warnings
from pathlib import Path

sys.dont_write_bytecode = True
warnings.filterwarnings("ignore")

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fixtures" / "mlflow"))
import generate  # noqa: E402  (the fixture's populate(), reused as is)
from mlflow.tracking import MlflowClient  # noqa: E402


def create_run_on_server(client, exp_id, key, name, start, tags=None, parent=None):
    """generate.create_run without the pinned run id (the server chooses it)."""
    extra = dict(tags or {})
    if parent:
        extra["mlflow.parentRunId"] = parent
    extra["fixture.key"] = key
    run = client.create_run(exp_id, start_time=start, tags=generate.source_tags(extra), run_name=name)
    return run.info.run_id


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tracking-uri", required=True)
    args = parser.parse_args(argv)
    generate.create_run = create_run_on_server
    client = MlflowClient(tracking_uri=args.tracking_uri)
    generate.populate(client, with_artifacts=False)
    experiments = client.search_experiments(view_type=3)
    runs = client.search_runs([e.experiment_id for e in experiments], run_view_type=3)
    print(len(runs))


if __name__ == "__main__":
    main(sys.argv[1:])
