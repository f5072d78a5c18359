#!/usr/bin/env python3
"""Fits the linkage's second stage (ADR 0040): a logistic regression of "same person" on a pair's own log-odds and
whether it is rivalled (one of its records has a match at least MARGIN more probable whose record is not the pair's
other record: their pair below APART or not listed). Input: pairs of a linkage made WITHOUT the stage
(`retrace match --no-rivals --min-score 0.01`, or link_eval built without it) and the set's truth; prints the
three numbers `index.rs` keeps (RIVAL_SLOPE, RIVAL_PENALTY, RIVAL_FREE). Fit on a set the engine is not evaluated on.

    python3 bench/rivals_fit.py pairs.csv truth.csv
"""
import collections
import csv
import math
import sys

MARGIN, APART = 0.2, 0.05


def load(path):
    scores = {}
    for r in csv.DictReader(open(path)):
        a, b = sorted((r['left_id'], r['right_id']))
        scores[(a, b)] = max(float(r['score']), scores.get((a, b), 0.0))
    return scores


def features(scores):
    matches = collections.defaultdict(dict)
    for (a, b), s in scores.items():
        matches[a][b] = s
        matches[b][a] = s
    out = {}
    for (a, c), s in scores.items():
        rivalled = any(b != y and q >= s + MARGIN and matches[b].get(y, 0.0) < APART
                       for x, y in ((a, c), (c, a)) for b, q in matches[x].items())
        p = min(max(s, 1e-4), 1 - 1e-4)
        out[(a, c)] = (math.log(p / (1 - p)), 1.0 if rivalled else 0.0)
    return out


def fit(rows, labels, steps=300, rate=0.5):
    slope, rival, free = 1.0, 0.0, 0.0
    n = len(rows)
    for _ in range(steps):
        g = [0.0, 0.0, 0.0]
        for (own, r), y in zip(rows, labels):
            z = max(min(slope * own + rival * r + free, 30.0), -30.0)
            e = 1 / (1 + math.exp(-z)) - y
            g[0] += e * own
            g[1] += e * r
            g[2] += e
        slope, rival, free = slope - rate * g[0] / n, rival - rate * g[1] / n, free - rate * g[2] / n
    return slope, -rival, free


def main():
    entity = {r['id']: r['entity'] for r in csv.DictReader(open(sys.argv[2]))}
    feats = features(load(sys.argv[1]))
    rows = list(feats.values())
    labels = [1.0 if entity[a] == entity[c] else 0.0 for (a, c) in feats]
    slope, penalty, free = fit(rows, labels)
    print(f"RIVAL_SLOPE {slope:.3f}  RIVAL_PENALTY {penalty:.3f}  RIVAL_FREE {free:.3f}  "
          f"({len(rows)} pairs, {sum(r for _, r in rows):.0f} rivalled)")


if __name__ == '__main__':
    main()
