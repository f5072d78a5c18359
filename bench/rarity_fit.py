#!/usr/bin/env python3
"""Fits what an agreeing father's name, mother's name and whole birth date add when rare in the store (ADR
0069): a logistic regression of "same person" on `clamp(rarity - typical, 0, cap)` for each of the three, with
the pair's log-odds as offset (no constant: a value as common as `typical` adds nothing). `typical` and `cap`
are searched on a grid, one value at a time, twice over; the three slopes are fitted together for each. Input:
`rarity_dump` outputs of linkages of sets the engine is not evaluated on, made with the rule off (the code
before ADR 0069), and their truth, pooled. Needs numpy (`pip install numpy`).

    cargo run --release -p retrace-matching --example rarity_dump -- records.csv pairs.csv > rarities.csv
    python3 bench/rarity_fit.py rarities1.csv truth1.csv [rarities2.csv truth2.csv ...]

Prints, for each value, `typical`, the slope and the most it adds (slope x cap, in log-odds).
"""
import csv
import math
import sys

import numpy as np

VALUES = ("father", "mother", "date")


def load(rarities_path, truth_path):
    with open(truth_path, newline="", encoding="utf-8") as f:
        entity = {r["id"]: r["entity"] for r in csv.DictReader(f)}
    offsets, rarities, labels = [], [], []
    with open(rarities_path, newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            found = [float(r[v]) if r[v] else math.nan for v in VALUES]
            if all(math.isnan(x) for x in found):
                continue  # nothing to fit: the pair's log-odds stay as they are
            p = min(max(float(r["score"]), 1e-6), 1 - 1e-6)
            offsets.append(math.log(p / (1 - p)))
            rarities.append(found)
            labels.append(entity[r["left_id"]] == entity[r["right_id"]])
    return offsets, rarities, labels


def fit(offset, rarity, label, typical, cap):
    x = np.nan_to_num(np.clip(rarity - typical, 0.0, cap), nan=0.0)
    w = np.zeros(x.shape[1])
    for _ in range(30):
        p = 1 / (1 + np.exp(-(offset + x @ w)))
        g = x.T @ (p - label)
        h = (x * (p * (1 - p))[:, None]).T @ x + 1e-9 * np.eye(x.shape[1])
        w -= np.linalg.solve(h, g)
    p = 1 / (1 + np.exp(-(offset + x @ w)))
    loglik = np.sum(label * np.log(p + 1e-12) + (1 - label) * np.log(1 - p + 1e-12))
    return w, loglik


def main():
    args = sys.argv[1:]
    if not args or len(args) % 2:
        sys.exit(__doc__)
    offset, rarity, label = [], [], []
    for rarities_path, truth_path in zip(args[::2], args[1::2]):
        o, r, y = load(rarities_path, truth_path)
        offset += o
        rarity += r
        label += y
    offset, rarity, label = np.array(offset), np.array(rarity), np.array(label, dtype=float)
    typical = np.array([4.0, 3.0, 8.0])
    cap = np.array([5.0, 5.0, 5.0])
    for _ in range(2):
        for i in range(len(VALUES)):
            best = None
            for t in np.arange(0.0, 12.0, 0.5):
                for c in (1.0, 2.0, 3.0, 4.0, 6.0, 100.0):
                    tt, cc = typical.copy(), cap.copy()
                    tt[i], cc[i] = t, c
                    w, loglik = fit(offset, rarity, label, tt, cc)
                    if best is None or loglik > best[0]:
                        best = (loglik, t, c, w)
            typical[i], cap[i] = best[1], best[2]
    w, _ = fit(offset, rarity, label, typical, cap)
    print(f"pairs with an agreeing value: {len(label)}")
    for i, v in enumerate(VALUES):
        print(f"{v}: typical {typical[i]:.1f} slope {w[i]:.3f} most {w[i] * cap[i]:.2f}")


if __name__ == "__main__":
    main()
