#!/usr/bin/env python3
"""Classic Latin-name record-linkage set with typos (FEBRL-style), in the records.csv/truth.csv format of
bench/SCHEMA.md. Independent of gen.py: English/German/French/Spanish names from Faker, 1-4 records per person,
character edits, nicknames, swapped first/last name, missing fields, date typos.

    pip install faker==40.54.0
    python bench/latin_typos.py --entities 5000 --seed 5 --out /tmp/sets/latin
"""
import argparse, csv, os, random
from faker import Faker

NICK = {'Robert': 'Bob', 'William': 'Bill', 'Richard': 'Dick', 'Elizabeth': 'Liz', 'Michael': 'Mike',
        'Christopher': 'Chris', 'Alexander': 'Alex', 'Katherine': 'Kate', 'Margaret': 'Peggy', 'James': 'Jim',
        'Thomas': 'Tom', 'Daniel': 'Dan', 'Samuel': 'Sam', 'Joseph': 'Joe', 'Jennifer': 'Jen'}


def typo(s, r):
    if len(s) < 3:
        return s
    i = r.randrange(len(s) - 1)
    op = r.choice('dist')
    if op == 'd':
        return s[:i] + s[i + 1:]
    if op == 'i':
        return s[:i] + r.choice('aeinorst') + s[i:]
    if op == 's':
        return s[:i] + r.choice('aeinorstlm') + s[i + 1:]
    return s[:i] + s[i + 1] + s[i] + s[i + 2:]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--entities', type=int, default=5000)
    ap.add_argument('--seed', type=int, default=5)
    ap.add_argument('--out', required=True)
    a = ap.parse_args()
    r = random.Random(a.seed)
    fakers = [Faker(l) for l in ('en_GB', 'en_US', 'de_DE', 'fr_FR', 'es_ES')]
    for i, f in enumerate(fakers):
        f.seed_instance(a.seed * 10 + i)
    rows = []
    for e in range(a.entities):
        f = r.choice(fakers)
        sex = r.choice('MF')
        given = f.first_name_male() if sex == 'M' else f.first_name_female()
        family = f.last_name()
        father = f.first_name_male()
        mother = f.first_name_female()
        city = f.city()
        bd = f.date_of_birth(minimum_age=1, maximum_age=90)
        for k in range(r.choice([1, 2, 2, 2, 3, 3, 4])):
            g, fa, c, d = given, family, city, bd.isoformat()
            if k:
                if r.random() < .3: g = typo(g, r)
                if r.random() < .3: fa = typo(fa, r)
                if r.random() < .1 and g in NICK: g = NICK[g]
                if r.random() < .1: c = typo(c, r)
                x = r.random()
                if x < .1: d = d[:4]
                elif x < .2: d = ''
                elif x < .3: d = f'{bd.year + r.choice([-1, 1])}{d[4:]}'
                elif x < .35 and bd.day <= 12: d = f'{bd.year}-{bd.day:02d}-{bd.month:02d}'
            name = f'{fa.upper()} {g}' if k and r.random() < .15 else f'{g} {fa}'
            rows.append((f'E{e:06d}', dict(source='X', role='registered', full_name=name, sex=sex if r.random() > .05 else 'U',
                        birth_date=d, age='', father_name=father if r.random() < .5 else '',
                        mother_name=mother if r.random() < .4 else '', birth_place=c if r.random() < .7 else '',
                        nationality='', last_seen_place='')))
    r.shuffle(rows)
    os.makedirs(a.out, exist_ok=True)
    fields = ['id', 'source', 'role', 'full_name', 'sex', 'birth_date', 'age', 'father_name', 'mother_name',
              'birth_place', 'nationality', 'last_seen_place']
    with open(os.path.join(a.out, 'records.csv'), 'w', newline='') as fo, open(os.path.join(a.out, 'truth.csv'), 'w', newline='') as ft:
        w, t = csv.DictWriter(fo, fields), csv.writer(ft)
        w.writeheader(); t.writerow(['id', 'entity'])
        for i, (e, row) in enumerate(rows, 1):
            w.writerow(dict(row, id=f'L{i:06d}')); t.writerow([f'L{i:06d}', e])


if __name__ == '__main__':
    main()
