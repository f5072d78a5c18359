#!/usr/bin/env python3
"""Reliability curve and expected calibration error (ECE) of a pairs file against the truth (stdlib only).

    python3 bench/calibration.py --truth truth.csv --pairs pairs.csv [--bins 10]

Pairs as in SCHEMA.md, listed down to a low score (e.g. `link_eval`, which writes every pair >= 0.01). Per
score bin: pairs, mean score, share that is true. ECE = sum over bins of (pairs in bin / pairs) *
|share true - mean score|, over the listed pairs only (a pair never listed has no score to be calibrated).
Also F1 at 0.5 and the best F1 over thresholds, whose gap is the other sign of calibration the issue asks for.
"""
import argparse, csv
from collections import defaultdict


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--truth', required=True)
    ap.add_argument('--pairs', required=True)
    ap.add_argument('--bins', type=int, default=10)
    a = ap.parse_args()
    ent = {}
    with open(a.truth, newline='', encoding='utf-8') as f:
        for row in csv.DictReader(f):
            ent[row['id']] = row['entity']
    size = defaultdict(int)
    for e in ent.values():
        size[e] += 1
    n_true = sum(k * (k - 1) // 2 for k in size.values())
    best = {}
    with open(a.pairs, newline='', encoding='utf-8') as f:
        for row in csv.DictReader(f):
            x, y = row['left_id'], row['right_id']
            if x == y:
                continue
            key = (x, y) if x < y else (y, x)
            s = float(row['score'])
            if s > best.get(key, -1):
                best[key] = s
    scored = sorted(((s, ent.get(x) is not None and ent.get(x) == ent.get(y)) for (x, y), s in best.items()),
                    reverse=True)
    bins = [[0, 0.0, 0] for _ in range(a.bins)]
    for s, t in scored:
        b = bins[min(int(s * a.bins), a.bins - 1)]
        b[0] += 1
        b[1] += s
        b[2] += t
    total = max(1, len(scored))
    ece = sum(b[0] / total * abs(b[2] / b[0] - b[1] / b[0]) for b in bins if b[0])
    print('bin        pairs   mean score  share true')
    for i, (n, ssum, t) in enumerate(bins):
        if n:
            print(f'{i / a.bins:.1f}-{(i + 1) / a.bins:.1f}  {n:8d}   {ssum / n:.3f}       {t / n:.3f}')
    tp, best_f1, best_t = 0, 0.0, 1.0
    f1_at = {}
    for i, (s, t) in enumerate(scored, 1):
        tp += t
        nxt = scored[i][0] if i < len(scored) else -1
        if nxt != s:
            f1 = 2 * tp / (i + n_true) if n_true else 0
            if f1 > best_f1:
                best_f1, best_t = f1, s
        if s >= 0.5 and (i == len(scored) or scored[i][0] < 0.5):
            f1_at[0.5] = 2 * tp / (i + n_true)
    print(f'pairs listed {len(scored)}, true pairs {n_true}')
    print(f'ECE {ece:.4f}  F1@0.5 {f1_at.get(0.5, 0):.4f}  best F1 {best_f1:.4f} (at {best_t:.2f})')


if __name__ == '__main__':
    main()
