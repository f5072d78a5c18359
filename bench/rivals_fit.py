#!/usr/bin/env python3
"""Fits the linkage's second stage (ADR 0040): a logistic regression of "same person" on a pair's own log-odds,
whether it is rivalled (one of its records has a match at least MARGIN more probable whose record is not the pair's
other record: their pair below APART or not listed) and ln(1 + its look-alikes) (such matches at most BELOW less
probable than the pair). Input: pairs of a linkage made WITHOUT the stage (`retrace match --no-rivals --min-score
0.01`) and the set's truth; prints the four numbers `index.rs` keeps. Fit on a set the engine is not evaluated on.

    python3 bench/rivals_fit.py pairs.csv truth.csv
"""
import collections
import csv
import math
import sys

MARGIN, APART, BELOW = 0.2, 0.05, 0.1


def load(path):
    scores = {}
    for r in csv.DictReader(open(path)):
        a, b = sorted((r['left_id'], r['right_id']))
        scores[(a, b)] = max(float(r['score']), scores.get((a, b), 0.0))
    return scores


def matches_of(scores):
    """Each record's matches: {record: {other record: score}}."""
    matches = collections.defaultdict(dict)
    for (a, b), s in scores.items():
        matches[a][b] = s
        matches[b][a] = s
    return matches


def features(scores):
    matches = matches_of(scores)
    out = {}
    for (a, c), s in scores.items():
        rivalled, lookalikes = False, 0
        for x, y in ((a, c), (c, a)):
            for b, q in matches[x].items():
                if b == y or q < s - BELOW or matches[b].get(y, 0.0) >= APART:
                    continue
                lookalikes += 1
                rivalled |= q >= s + MARGIN
        p = min(max(s, 1e-4), 1 - 1e-4)
        out[(a, c)] = (math.log(p / (1 - p)), 1.0 if rivalled else 0.0, math.log1p(lookalikes))
    return out


def fit(rows, labels, steps=300, rate=0.5):
    w = [1.0, 0.0, 0.0, 0.0]
    n = len(rows)
    for _ in range(steps):
        g = [0.0] * 4
        for (own, r, k), y in zip(rows, labels):
            z = max(min(w[0] * own + w[1] * r + w[2] * k + w[3], 30.0), -30.0)
            e = 1 / (1 + math.exp(-z)) - y
            for i, v in enumerate((own, r, k, 1.0)):
                g[i] += e * v
        w = [wi - rate * gi / n for wi, gi in zip(w, g)]
    return w[0], -w[1], -w[2], w[3]


def main():
    entity = {r['id']: r['entity'] for r in csv.DictReader(open(sys.argv[2]))}
    feats = features(load(sys.argv[1]))
    rows = list(feats.values())
    labels = [1.0 if entity[a] == entity[c] else 0.0 for (a, c) in feats]
    slope, rival, lookalike, free = fit(rows, labels)
    print(f"RIVAL_SLOPE {slope:.4f}  RIVAL_PENALTY {rival:.4f}  LOOKALIKE_PENALTY {lookalike:.4f}  "
          f"RIVAL_FREE {free:.4f}  ({len(rows)} pairs, {sum(r for _, r, _ in rows):.0f} rivalled)")


if __name__ == '__main__':
    main()
