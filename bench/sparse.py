#!/usr/bin/env python3
"""A population where fewer persons have a match: from a generated set, each person with several records keeps
only one of them (chosen at random) with probability 0.6; the others keep all theirs. Calibration that holds
here does not depend on the share of records that have a match (ADR 0068).

    python3 bench/sparse.py from_dir to_dir seed      # from_dir/records.csv, truth.csv -> to_dir/...
"""
import collections
import csv
import os
import random
import sys

src, dst, seed = sys.argv[1], sys.argv[2], int(sys.argv[3])
rng = random.Random(seed)
entity = {r['id']: r['entity'] for r in csv.DictReader(open(os.path.join(src, 'truth.csv')))}
records_of = collections.defaultdict(list)
for record, person in entity.items():
    records_of[person].append(record)
keep = set()
for person, records in records_of.items():
    if len(records) > 1 and rng.random() < 0.6:
        keep.add(rng.choice(records))
    else:
        keep.update(records)
os.makedirs(dst, exist_ok=True)
rows = list(csv.DictReader(open(os.path.join(src, 'records.csv'))))
with open(os.path.join(dst, 'records.csv'), 'w', newline='') as f:
    out = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
    out.writeheader()
    out.writerows(r for r in rows if r['id'] in keep)
with open(os.path.join(dst, 'truth.csv'), 'w', newline='') as f:
    out = csv.writer(f)
    out.writerow(['id', 'entity'])
    out.writerows([record, entity[record]] for record in sorted(keep))
sizes = collections.Counter(entity[record] for record in keep)
print(f"{len(keep)} records, {sum(n * (n - 1) // 2 for n in sizes.values())} true pairs, "
      f"{sum(1 for n in sizes.values() if n == 1)} persons with one record")
