#!/usr/bin/env python3
"""N generated registrations for `retrace import csv --kind registrations` (semicolon separated: row id, name,
sex, birth date, last known place): given, father and family names and places from the demo name tables, 70 % full
dates, fixed seed.  python3 bench/gen_registrations.py 1000000 /tmp/regs.csv"""
import os, random, re, sys
n = int(sys.argv[1]); out = sys.argv[2]
given, family, places = [], [], []
for line in open(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'crates', 'retrace-cli', 'src', 'demo_names.txt'), encoding='utf-8'):
    m = re.match(r'(male|female|family)\s+([^|=]+)', line)
    if m:
        (family if m.group(1) == 'family' else given).append((m.group(2).strip(), m.group(1)))
    m = re.match(r'place\s+(.+)', line)
    if m:
        places.append(m.group(1).strip())
rng = random.Random(20261205)
with open(out, 'w', encoding='utf-8') as f:
    f.write('row_id;name;sex;birth_date;last_known_place\n')
    for i in range(n):
        g, sex = rng.choice(given)
        fam = rng.choice(family)[0]
        fa = rng.choice(given)[0]
        y = rng.randint(1940, 2020)
        date = f'{y}-{rng.randint(1,12):02d}-{rng.randint(1,28):02d}' if rng.random() < 0.7 else str(y)
        s = 'male' if sex == 'male' else 'female'
        f.write(f'{i+1};{g} {fa} {fam};{s};{date};{rng.choice(places)}\n')
