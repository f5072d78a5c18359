#!/usr/bin/env python3
"""gen.py (/work/shared/bench, not modified) with another country mix and more typing errors: populations the
model was not trained on, for checking calibration.

    python3 bench/gen_variant.py --entities 5000 --seed 41 --mix UA=40,SO=30,NG=30 --typo 0.15 --out /tmp/i17/v41

--mix gives relative weights for the listed countries (others weigh 0); --typo is the chance that each name part
of a Latin-script full name gets one more typing error (gen.py's own typo model) after generation.
"""
import argparse, csv, os, random, sys

BENCH = os.environ.get('BENCH', '/work/shared/bench')
sys.path.insert(0, BENCH)
import gen  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--entities', type=int, default=5000)
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--mix', default='')
    ap.add_argument('--typo', type=float, default=0.0)
    ap.add_argument('--out', required=True)
    a = ap.parse_args()
    if a.mix:
        weights = {k: int(v) for k, v in (x.split('=') for x in a.mix.split(','))}
        unknown = set(weights) - set(gen.COUNTRIES)
        if unknown:
            sys.exit(f'unknown countries {sorted(unknown)}; known: {sorted(gen.COUNTRIES)}')
        for cc, spec in list(gen.COUNTRIES.items()):
            gen.COUNTRIES[cc] = (weights.get(cc, 0),) + tuple(spec[1:])
    rows = gen.generate(a.entities, a.seed, gen.load_pools())
    rng = random.Random(a.seed * 7919)
    if a.typo:
        for _, rec in rows:
            if rec['full_name'].isascii():
                rec['full_name'] = ' '.join(gen.typo(p, rng) if rng.random() < a.typo else p
                                            for p in rec['full_name'].split(' '))
    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, 'records.csv'), 'w', newline='', encoding='utf-8') as f, \
            open(os.path.join(a.out, 'truth.csv'), 'w', newline='', encoding='utf-8') as t:
        w, tw = csv.DictWriter(f, gen.FIELDS), csv.writer(t)
        w.writeheader()
        tw.writerow(['id', 'entity'])
        for i, (eid, rec) in enumerate(rows, 1):
            rid = f'V{i:07d}'
            w.writerow(dict(rec, id=rid))
            tw.writerow([rid, eid])
    print(f'{len(rows)} records, {len({e for e, _ in rows})} entities -> {a.out}')


if __name__ == '__main__':
    main()
