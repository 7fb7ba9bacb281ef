"""Rebuilds demo/mlruns by really running train.py, the way a user would, with real MLflow.

Usage (from the repo root): .venv/bin/python demo/make_demo.py

Each step is a separate `python train.py ...` process run from demo/, so MLflow records `train.py` as the
runs' mlflow.source.name (relative to the demo workspace). Two steps end badly on purpose: one diverges
(status FAILED) and one is killed mid-training (it stays RUNNING).
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

STEPS = [
    # (arguments, expected exit code)
    (["--run-name", "baseline", "--note", "First baseline: **softmax regression** with the defaults of params.yaml."], 0),
    (["--run-name", "strong-l2", "--l2", "0.05"], 0),
    (["--run-name", "slow-and-long", "--lr", "0.05", "--epochs", "60"], 0),
    (["--experiment", "iris-lr-sweep", "--sweep", "0.01,0.05,0.2,0.5"], 0),
    (["--run-name", "lr-too-high", "--lr", "20"], 1),
    (["--run-name", "long-run", "--epochs", "200", "--crash-after", "8"], 137),
]


def main():
    shutil.rmtree(HERE / "mlruns", ignore_errors=True)
    env = {**os.environ, "MLFLOW_ALLOW_FILE_STORE": "true", "USER": "demo", "LOGNAME": "demo",
           "PYTHONWARNINGS": "ignore"}
    for args, expected_code in STEPS:
        print("$ python train.py " + " ".join(args), flush=True)
        code = subprocess.run([sys.executable, "train.py", *args], cwd=HERE, env=env).returncode
        if code != expected_code:
            sys.exit(f"train.py {' '.join(args)} exited {code}, expected {expected_code}")
    # git keeps no empty folders, and MLflow's file store skips a run whose metrics/, params/ or artifacts/ is
    # missing: every run logs something into each, so a clone of the demo shows all runs in `mlflow ui` too.
    # (.trash/ is empty and MLflow recreates it.)
    empty = [d for d, dirs, files in os.walk(HERE / "mlruns") if not dirs and not files and not d.endswith(".trash")]
    if empty:
        sys.exit(f"empty folders would vanish in git: {empty}")
    print(f"wrote {HERE / 'mlruns'}")


if __name__ == "__main__":
    main()
