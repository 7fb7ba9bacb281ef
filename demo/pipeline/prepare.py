"""Stage `prepare`: splits data/raw/iris.csv into data/prepared/train.csv and test.csv (a folder output)."""

import csv
import random
from pathlib import Path

import params


def main():
    p = params.load()["prepare"]
    with open("data/raw/iris.csv", newline="") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    random.Random(p["seed"]).shuffle(body)
    n_test = round(len(body) * p["test_fraction"])
    out = Path("data/prepared")
    out.mkdir(parents=True, exist_ok=True)
    for name, part in (("test.csv", body[:n_test]), ("train.csv", body[n_test:])):
        with (out / name).open("w", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(header)
            w.writerows(part)


if __name__ == "__main__":
    main()
