"""Stage `evaluate@<split>`: scores models/model.json on one split; writes metrics/<split>.json and plots/<split>.csv."""

import csv
import json
import sys
from pathlib import Path


def predict(centroids, x):
    return min(centroids, key=lambda c: sum((a - b) ** 2 for a, b in zip(centroids[c], x)))


def main(split):
    model = json.loads(Path("models/model.json").read_text())
    with open(f"data/prepared/{split}.csv", newline="") as f:
        rows = list(csv.reader(f))[1:]
    pairs = [(r[-1], predict(model["centroids"], [float(v) for v in r[:-1]])) for r in rows]
    accuracy = sum(a == p for a, p in pairs) / len(pairs)
    Path("metrics").mkdir(exist_ok=True)
    Path(f"metrics/{split}.json").write_text(json.dumps({"accuracy": round(accuracy, 4), "n": len(pairs)}, indent=2) + "\n")
    Path("plots").mkdir(exist_ok=True)
    with open(f"plots/{split}.csv", "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["actual", "predicted"])
        w.writerows(pairs)


if __name__ == "__main__":
    main(sys.argv[1])
