#!/usr/bin/env python3
"""Fits the linkage's third stage (ADR 0068): a logistic regression of "same person" on a pair's second-stage
log-odds, the strongest support and the strongest conflict of a third record linked with either of its records
(each the log of the likelihood ratio `((1-q)(1-r) + qr) / (1-qr)`, q and r the third record's probabilities with
the pair's two records, 0 when not listed). Input: pairs of linkages made WITHOUT the stage (`retrace match
--no-triangles --min-score 0.01`) and their sets' truth, pooled; prints the four numbers `index.rs` keeps.
Fit on sets the engine is not evaluated on.

    python3 bench/triangles_fit.py pairs1.csv truth1.csv [pairs2.csv truth2.csv ...]
"""
import csv
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from rivals_fit import load, matches_of  # noqa: E402

CLAMP = 0.9999


def ratio(q, r):
    q, r = min(q, CLAMP), min(r, CLAMP)
    return math.log(((1 - q) * (1 - r) + q * r) / (1 - q * r))


def features(scores):
    linked = matches_of(scores)
    out = {}
    for (a, b), s in scores.items():
        support, conflict = 0.0, 0.0
        for c in (set(linked[a]) | set(linked[b])) - {a, b}:
            t = ratio(linked[a].get(c, 0.0), linked[b].get(c, 0.0))
            support, conflict = max(support, t), min(conflict, t)
        p = min(max(s, 1e-6), 1 - 1e-6)
        out[(a, b)] = (1.0, math.log(p / (1 - p)), support, conflict)
    return out


def fit(rows, labels, steps=15):
    """Newton's method on the logistic loss."""
    k = len(rows[0])
    w = [0.0, 1.0, 0.0, 0.0]
    for _ in range(steps):
        g = [0.0] * k
        h = [[0.0] * k for _ in range(k)]
        for f, y in zip(rows, labels):
            z = max(min(sum(a * b for a, b in zip(w, f)), 30.0), -30.0)
            p = 1 / (1 + math.exp(-z))
            for i in range(k):
                g[i] += (p - y) * f[i]
                for j in range(k):
                    h[i][j] += p * (1 - p) * f[i] * f[j]
        # Solve h d = g by Gaussian elimination with partial pivoting.
        m = [h[i][:] + [g[i]] for i in range(k)]
        for i in range(k):
            pivot = max(range(i, k), key=lambda r: abs(m[r][i]))
            m[i], m[pivot] = m[pivot], m[i]
            for j in range(i + 1, k):
                f = m[j][i] / m[i][i]
                for c in range(i, k + 1):
                    m[j][c] -= f * m[i][c]
        d = [0.0] * k
        for i in reversed(range(k)):
            d[i] = (m[i][k] - sum(m[i][c] * d[c] for c in range(i + 1, k))) / m[i][i]
        w = [a - b for a, b in zip(w, d)]
    return w


def main():
    if len(sys.argv) < 3 or len(sys.argv) % 2 == 0:
        sys.exit(__doc__)
    rows, labels = [], []
    for pairs, truth in zip(sys.argv[1::2], sys.argv[2::2]):
        entity = {r['id']: r['entity'] for r in csv.DictReader(open(truth))}
        feats = features(load(pairs))
        rows += feats.values()
        labels += [1.0 if entity[a] == entity[b] else 0.0 for (a, b) in feats]
    free, slope, support, conflict = fit(rows, labels)
    print(f"TRIANGLE_FREE {free:.4f}  TRIANGLE_SLOPE {slope:.4f}  SUPPORT_WEIGHT {support:.4f}  "
          f"CONFLICT_WEIGHT {conflict:.4f}  ({len(rows)} pairs)")


if __name__ == '__main__':
    main()
