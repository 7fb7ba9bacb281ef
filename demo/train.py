"""Trains a small softmax-regression classifier on an iris-like data set and logs it to MLflow.

Pure Python (no numpy, no scikit-learn): the point is the MLflow logging, not the model.

    python train.py                                  # one run with params.yaml
    python train.py --lr 0.5 --run-name fast         # override a parameter
    python train.py --sweep 0.01,0.05,0.2,0.5         # parent run + one nested child run per learning rate

Runs go to ./mlruns next to this file (MLflow's file store).
"""

import argparse
import math
import os
import random
import sys
from pathlib import Path

# MLflow 3.13+ refuses the file store unless this is set (it prefers sqlite:///mlflow.db).
os.environ.setdefault("MLFLOW_ALLOW_FILE_STORE", "true")

import mlflow  # noqa: E402
import yaml  # noqa: E402  (installed with mlflow)

HERE = Path(__file__).resolve().parent
CLASSES = ["setosa", "versicolor", "virginica"]
FEATURES = ["sepal_length", "sepal_width", "petal_length", "petal_width"]
# Per-class feature means and spreads, roughly those of Fisher's iris, noisier so the task is not trivial.
MEANS = [[5.0, 3.4, 1.5, 0.25], [5.9, 2.8, 4.3, 1.3], [6.6, 3.0, 5.6, 2.0]]
SPREAD = [0.6, 0.5, 1.2, 0.6]


def make_data(n_per_class, seed):
    rng = random.Random(seed)
    rows = [([rng.gauss(m, s) for m, s in zip(MEANS[c], SPREAD)], c) for c in range(3) for _ in range(n_per_class)]
    rng.shuffle(rows)
    # Standardise each feature so one learning rate suits all of them.
    for j in range(len(FEATURES)):
        col = [x[j] for x, _ in rows]
        mean = sum(col) / len(col)
        std = math.sqrt(sum((v - mean) ** 2 for v in col) / len(col))
        for x, _ in rows:
            x[j] = (x[j] - mean) / std
    return rows


def softmax(z):
    top = max(z)
    e = [math.exp(v - top) for v in z]
    total = sum(e)
    return [v / total for v in e]


def predict(weights, x):
    return softmax([w[-1] + sum(wi * xi for wi, xi in zip(w, x)) for w in weights])


def evaluate(weights, rows):
    loss = correct = 0.0
    for x, y in rows:
        p = predict(weights, x)
        loss -= math.log(max(p[y], 1e-12))
        correct += p.index(max(p)) == y
    return loss / len(rows), correct / len(rows)


def sgd_epoch(weights, rows, lr, l2, batch_size, rng):
    order = list(range(len(rows)))
    rng.shuffle(order)
    for start in range(0, len(order), batch_size):
        batch = [rows[i] for i in order[start:start + batch_size]]
        grads = [[0.0] * (len(FEATURES) + 1) for _ in CLASSES]
        for x, y in batch:
            p = predict(weights, x)
            for c in range(len(CLASSES)):
                err = p[c] - (1.0 if c == y else 0.0)
                for j, xj in enumerate(x):
                    grads[c][j] += err * xj
                grads[c][-1] += err
        for c in range(len(CLASSES)):
            for j in range(len(FEATURES) + 1):
                reg = l2 * weights[c][j] if j < len(FEATURES) else 0.0
                weights[c][j] -= lr * (grads[c][j] / len(batch) + reg)


def train(cfg, crash_after=None):
    """One MLflow run's worth of training; logs params, per-epoch metrics and a final test accuracy."""
    mlflow.log_params({
        "lr": cfg["lr"], "epochs": cfg["epochs"], "batch_size": cfg["batch_size"], "l2": cfg["l2"],
        "seed": cfg["seed"], "model/type": "softmax-regression", "model/features": len(FEATURES),
        "data/n_per_class": cfg["n_per_class"], "data/val_fraction": cfg["val_fraction"],
    })
    mlflow.log_dict(cfg, "config.json")
    rows = make_data(cfg["n_per_class"], cfg["seed"])
    n_test = n_val = int(len(rows) * cfg["val_fraction"])
    test, val, fit = rows[:n_test], rows[n_test:n_test + n_val], rows[n_test + n_val:]
    rng = random.Random(cfg["seed"])
    weights = [[rng.gauss(0, 0.01) for _ in range(len(FEATURES) + 1)] for _ in CLASSES]
    first_loss = None
    for epoch in range(cfg["epochs"]):
        sgd_epoch(weights, fit, cfg["lr"], cfg["l2"], cfg["batch_size"], rng)
        loss, acc = evaluate(weights, fit)
        val_loss, val_acc = evaluate(weights, val)
        mlflow.log_metrics({"loss": loss, "accuracy": acc, "val_loss": val_loss, "val_accuracy": val_acc}, step=epoch)
        first_loss = first_loss or loss
        if not math.isfinite(loss) or loss > 3 * first_loss:
            raise FloatingPointError(f"loss diverged at epoch {epoch}: {loss:.3g} (try a smaller --lr)")
        if crash_after is not None and epoch + 1 >= crash_after:
            # Stand-in for a process killed mid-training (OOM killer, closed laptop): MLflow never hears the end,
            # so the run stays RUNNING.
            sys.stdout.flush()
            os._exit(137)
    test_loss, test_acc = evaluate(weights, test)
    mlflow.log_metric("test_accuracy", test_acc)
    mlflow.log_dict({"classes": CLASSES, "features": FEATURES, "weights": weights}, "model/weights.json")
    return val_acc


def load_params():
    with open(HERE / "params.yaml", encoding="utf-8") as f:
        return yaml.safe_load(f)["train"]


def main(argv):
    parser = argparse.ArgumentParser(description="Train the iris-like classifier and log to MLflow")
    parser.add_argument("--lr", type=float)
    parser.add_argument("--epochs", type=int)
    parser.add_argument("--l2", type=float)
    parser.add_argument("--batch-size", type=int)
    parser.add_argument("--run-name")
    parser.add_argument("--experiment", default="iris-classifier")
    parser.add_argument("--sweep", help="comma-separated learning rates: one nested run each")
    parser.add_argument("--note", help="run description (markdown)")
    parser.add_argument("--crash-after", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    cfg = load_params()
    for key in ("lr", "epochs", "l2", "batch_size"):
        if getattr(args, key) is not None:
            cfg[key] = getattr(args, key)

    mlflow.set_tracking_uri((HERE / "mlruns").as_uri())
    mlflow.set_experiment(args.experiment)
    tags = {"team": "ml-research", "dataset": "iris-synthetic-v1", "owner": os.environ.get("USER", "demo")}
    if args.note:
        tags["mlflow.note.content"] = args.note

    if args.sweep:
        grid = [float(v) for v in args.sweep.split(",")]
        with mlflow.start_run(run_name=args.run_name or "lr-sweep", tags={**tags, "sweep": "lr"}):
            mlflow.log_param("sweep/lr", args.sweep)
            results = {}
            for lr in grid:
                with mlflow.start_run(run_name=f"lr={lr}", nested=True, tags=tags):
                    results[lr] = train({**cfg, "lr": lr})
            best = max(results, key=results.get)
            mlflow.log_dict({str(lr): acc for lr, acc in results.items()}, "sweep_results.json")
            mlflow.log_metric("best_val_accuracy", results[best])
            mlflow.set_tag("best_lr", str(best))
            print(f"best lr {best}: val_accuracy {results[best]:.3f}")
    else:
        with mlflow.start_run(run_name=args.run_name, tags=tags):
            val_acc = train(cfg, crash_after=args.crash_after)
            print(f"val_accuracy {val_acc:.3f}")


if __name__ == "__main__":
    main(sys.argv[1:])
