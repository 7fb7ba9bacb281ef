"""Stage `generate`: writes the raw iris-like data set (data/raw/iris.csv) from params.yaml's `data` section.

Pure Python, deterministic: the same params give the same bytes, so DVC's hash of the output is stable.
"""

import csv
import random
import sys
from pathlib import Path

import params

CLASSES = ["setosa", "versicolor", "virginica"]
FEATURES = ["sepal_length", "sepal_width", "petal_length", "petal_width"]
MEANS = [[5.0, 3.4, 1.5, 0.25], [5.9, 2.8, 4.3, 1.3], [6.6, 3.0, 5.6, 2.0]]
SPREAD = [0.6, 0.5, 1.2, 0.6]


def main():
    p = params.load()["data"]
    rng = random.Random(p["seed"])
    out = Path("data/raw/iris.csv")
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow([*FEATURES, "species"])
        for c, name in enumerate(CLASSES):
            for _ in range(p["n_per_class"]):
                w.writerow([f"{rng.gauss(m, s):.3f}" for m, s in zip(MEANS[c], SPREAD)] + [name])
    print(f"wrote {out} ({3 * p['n_per_class']} rows)", file=sys.stderr)


if __name__ == "__main__":
    main()
