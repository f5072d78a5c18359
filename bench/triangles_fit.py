#!/usr/bin/env python3
"""Fits the linkage's third stage (ADR 0068): a logistic regression of "same person" on what the third records
linked with either record of a pair say, with the pair's second-stage log-odds as offset (no constant, no slope:
a pair without third records keeps its probability). Each third record gives the log of the likelihood ratio
`((1-q)(1-r) + qr) / (1-qr)` (q and r its probabilities with the pair's two records, 0 when not listed), a
support when positive, a conflict when negative; the features are the strongest support, the strongest
conflict, and the sums of the other supports and of the other conflicts. Input: pairs of linkages made WITHOUT
the stage (`retrace match --no-triangles --min-score 0.01`) and their sets' truth, pooled; prints the four
weights `index.rs` keeps. Fit on sets the engine is not evaluated on.

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
        support, conflict, supports, conflicts = 0.0, 0.0, 0.0, 0.0
        for c in (set(linked[a]) | set(linked[b])) - {a, b}:
            t = ratio(linked[a].get(c, 0.0), linked[b].get(c, 0.0))
            if t > 0:
                support, supports = max(support, t), supports + t
            else:
                conflict, conflicts = min(conflict, t), conflicts + t
        p = min(max(s, 1e-6), 1 - 1e-6)
        out[(a, b)] = (math.log(p / (1 - p)), (support, conflict, supports - support, conflicts - conflict))
    return out


def fit(rows, labels, steps=15):
    """Newton's method on the logistic loss, each row `(offset, features)`."""
    k = len(rows[0][1])
    w = [0.0] * k
    for _ in range(steps):
        g = [0.0] * k
        h = [[0.0] * k for _ in range(k)]
        for (offset, f), y in zip(rows, labels):
            z = max(min(offset + sum(a * b for a, b in zip(w, f)), 30.0), -30.0)
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
    names = ['SUPPORT_WEIGHT', 'CONFLICT_WEIGHT', 'MORE_SUPPORT_WEIGHT', 'MORE_CONFLICT_WEIGHT']
    w = fit(rows, labels)
    print('  '.join(f'{n} {x:.4f}' for n, x in zip(names, w)) + f'  ({len(rows)} pairs)')


if __name__ == '__main__':
    main()
