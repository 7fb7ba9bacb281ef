"""Trains the demo classifier again and logs it with dvclive and with TensorBoard (tensorboardX), the way a user
of those tools would, so the Runs view shows every source side by side. Lightning's CSVLogger output needs torch:
`lightning_logs/` is copied from test/fixtures/lightning (written by real Lightning).

Usage (from the repo root): .venv/bin/python demo/log_other_formats.py
"""

import os
import random
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from dvclive import Live  # noqa: E402
from tensorboardX import SummaryWriter  # noqa: E402

from train import CLASSES, FEATURES, evaluate, load_params, make_data, sgd_epoch  # noqa: E402


def fit(cfg, on_epoch):
    rows = make_data(cfg["n_per_class"], cfg["seed"])
    n_val = int(len(rows) * cfg["val_fraction"])
    val, rest = rows[:n_val], rows[n_val:]
    rng = random.Random(cfg["seed"])
    weights = [[rng.gauss(0, 0.01) for _ in range(len(FEATURES) + 1)] for _ in CLASSES]
    for epoch in range(cfg["epochs"]):
        sgd_epoch(weights, rest, cfg["lr"], cfg["l2"], cfg["batch_size"], rng)
        loss, acc = evaluate(weights, rest)
        val_loss, val_acc = evaluate(weights, val)
        on_epoch(epoch, {"loss": loss, "accuracy": acc, "val_loss": val_loss, "val_accuracy": val_acc})


def with_dvclive(cfg):
    shutil.rmtree(HERE / "dvclive", ignore_errors=True)
    os.chdir(HERE)
    with Live("dvclive", save_dvc_exp=False, dvcyaml=None) as live:
        live.log_params(cfg)

        def log(epoch, metrics):
            for key, value in metrics.items():
                live.log_metric(f"train/{key}" if not key.startswith("val") else f"val/{key[4:]}", value)
            live.next_step()

        fit(cfg, log)


def with_tensorboard(cfg, name):
    folder = HERE / "tb_logs" / name
    shutil.rmtree(folder, ignore_errors=True)
    writer = SummaryWriter(logdir=str(folder))

    def log(epoch, metrics):
        for key, value in metrics.items():
            writer.add_scalar(key, value, epoch)

    fit(cfg, log)
    writer.add_hparams({k: v for k, v in cfg.items() if isinstance(v, (int, float, str))}, {}, name="hparams")
    writer.close()


def main():
    cfg = load_params()
    with_dvclive(cfg)
    for lr in (0.05, 0.3):
        with_tensorboard({**cfg, "lr": lr}, f"lr-{lr}")
    shutil.rmtree(HERE / "lightning_logs", ignore_errors=True)
    shutil.copytree(HERE.parent / "test/fixtures/lightning/lightning_logs", HERE / "lightning_logs")
    print("wrote dvclive/, tb_logs/, lightning_logs/")


if __name__ == "__main__":
    main()
