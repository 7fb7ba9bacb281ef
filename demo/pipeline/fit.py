"""Stage `train` (pipeline/fit.py): fits a nearest-centroid classifier on data/prepared/train.csv and writes models/model.json.

`shrink` pulls each centroid toward the overall mean (a crude regulariser), so the parameter visibly matters.
"""

import csv
import json
from pathlib import Path

import params


def main():
    p = params.load()["fit"]
    with open("data/prepared/train.csv", newline="") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    features = header[:-1]
    overall = [sum(float(r[j]) for r in body) / len(body) for j in range(len(features))]
    centroids = {}
    for label in sorted({r[-1] for r in body}):
        mine = [r for r in body if r[-1] == label]
        mean = [sum(float(r[j]) for r in mine) / len(mine) for j in range(len(features))]
        centroids[label] = [round(m + p["shrink"] * (o - m), 6) for m, o in zip(mean, overall)]
    Path("models").mkdir(exist_ok=True)
    Path("models/model.json").write_text(json.dumps({"features": features, "centroids": centroids}, indent=2) + "\n")


if __name__ == "__main__":
    main()
