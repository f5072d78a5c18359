#!/usr/bin/env python3
"""Western-style records with heavy data-entry errors, in the records.csv/truth.csv format of
/work/shared/bench/SCHEMA.md, for checking calibration on a population the model was not trained on.
Independent of gen.py and of bench/latin_typos.py (the training set's Latin generator): other locales, other
error model.

Per person 1-4 records; per record, independently:
  * keyboard typos: a letter replaced by a QWERTY neighbour, doubled, dropped, or two neighbours swapped;
  * OCR errors: rn<->m, cl->d, l->1/I, O->0, e->c, h->b, u->v, vv->w, ii->u;
  * names: nicknames, a middle initial added or dropped, hyphenated family names cut, given/family swapped,
    family name first in capitals;
  * dates: day and month swapped (when both <= 12), year +/-1, a digit mistyped, month only, missing;
    sometimes only an age;
  * addresses: the last-seen place is a street address (number, street, city), retyped with typos and
    abbreviations (Street/St., Avenue/Ave), or only the city;
  * with `--titles P`: per record, a title before the name (Dr., Mrs., Prof., Dipl.-Ing., Mme, Sig.ra) with
    chance P, a suffix after it (Jr., PhD, B.Sc., MBA) with chance P/2, as registries copy them from forms.
    Drawn from a random stream of their own, so the set is otherwise the one without titles.

    pip install faker==40.54.0
    python3 bench/western.py --entities 5000 --seed 1 --out /tmp/i17/west1 [--typo 0.35] [--locales en_US,de_DE]
"""
import argparse, csv, os, random, sys
from faker import Faker

QWERTY = ['qwertyuiop', 'asdfghjkl', 'zxcvbnm']
NEAR = {}
for r_, row in enumerate(QWERTY):
    for c_, ch in enumerate(row):
        n = set()
        for dr in (-1, 0, 1):
            rr = r_ + dr
            if 0 <= rr < len(QWERTY):
                for dc in (-1, 0, 1):
                    cc = c_ + dc
                    if (dr or dc) and 0 <= cc < len(QWERTY[rr]):
                        n.add(QWERTY[rr][cc])
        NEAR[ch] = ''.join(sorted(n))
OCR = [('rn', 'm'), ('m', 'rn'), ('cl', 'd'), ('l', '1'), ('I', 'l'), ('O', '0'), ('e', 'c'), ('h', 'b'),
       ('u', 'v'), ('w', 'vv'), ('ii', 'u'), ('a', 'o')]
NICK = {'Robert': ['Bob', 'Rob'], 'William': ['Bill', 'Will'], 'Elizabeth': ['Liz', 'Beth', 'Eliza'],
        'Margaret': ['Maggie', 'Meg'], 'Katherine': ['Kate', 'Kathy'], 'Jonathan': ['Jon'], 'Anthony': ['Tony'],
        'Johann': ['Hans'], 'Wolfgang': ['Wolf'], 'Francesco': ['Franco'], 'Giuseppe': ['Beppe', 'Peppe'],
        'Jennifer': ['Jenny'], 'Patricia': ['Patty', 'Trish'], 'Andrew': ['Andy', 'Drew'], 'Michael': ['Mike'],
        'Alexander': ['Alex', 'Sasha'], 'Christina': ['Chris', 'Tina'], 'Nicholas': ['Nick'], 'Susan': ['Sue']}
TITLES = {  # per locale: (before the name, male), (before, female), after
    'en': (['Mr.', 'Dr.', 'Rev.'], ['Mrs.', 'Ms.', 'Miss', 'Dr.'], ['Jr.', 'Sr.', 'II', 'III', 'PhD', 'DDS']),
    'de': (['Herr', 'Dr.', 'Prof.', 'Dipl.-Ing.'], ['Frau', 'Dr.', 'Prof. Dr.'], ['B.Sc.', 'M.Sc.', 'B.A.', 'MBA']),
    'fr': (['Dr'], ['Mme', 'Mlle', 'Dr'], []),
    'es': (['Sr.', 'Dr.'], ['Sra.', 'Srta.', 'Dra.'], []),
    'it': (['Sig.', 'Dott.'], ['Sig.ra', 'Dott.ssa'], []),
    'nl': (['dhr.', 'ir.', 'dr.'], ['mevr.', 'dr.'], []),
    'pl': (['dr', 'inż.'], ['dr'], []),
}
STREET = [('Street', 'St.'), ('Avenue', 'Ave'), ('Road', 'Rd'), ('Straße', 'Str.'), ('Rue', 'R.'), ('Via', 'V.')]


def keyboard(s, r):
    if len(s) < 3:
        return s
    i = r.randrange(1, len(s))
    c = s[i].lower()
    op = r.random()
    if op < .45 and c in NEAR:
        rep = r.choice(NEAR[c])
        return s[:i] + (rep.upper() if s[i].isupper() else rep) + s[i + 1:]
    if op < .6:
        return s[:i] + s[i] + s[i:]
    if op < .8:
        return s[:i] + s[i + 1:]
    if i + 1 < len(s):
        return s[:i] + s[i + 1] + s[i] + s[i + 2:]
    return s


def ocr(s, r):
    opts = [(a, b) for a, b in OCR if a in s]
    if not opts:
        return s
    a, b = r.choice(opts)
    i = s.find(a)
    return s[:i] + b + s[i + len(a):]


def noisy(s, r, rate):
    if r.random() < rate:
        s = keyboard(s, r)
    if r.random() < rate / 3:
        s = ocr(s, r)
    return s


def main():
    # Faker's draws depend on Python's string hashing: fixed, so that a seed gives the same set every time.
    if os.environ.get('PYTHONHASHSEED') != '0':
        os.execve(sys.executable, [sys.executable] + sys.argv, dict(os.environ, PYTHONHASHSEED='0'))
    ap = argparse.ArgumentParser()
    ap.add_argument('--entities', type=int, default=5000)
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--typo', type=float, default=0.35, help='chance of a keyboard typo per name part per record')
    ap.add_argument('--locales', default='en_US,en_GB,de_DE,it_IT,nl_NL,pl_PL,fr_FR,es_ES')
    ap.add_argument('--titles', type=float, default=0.0, help='chance of a title before the name per record')
    ap.add_argument('--out', required=True)
    a = ap.parse_args()
    r = random.Random(a.seed)
    locales = a.locales.split(',')
    fakers = [Faker(l) for l in locales]
    titles = random.Random(a.seed * 7919)
    for i, f in enumerate(fakers):
        f.seed_instance(a.seed * 100 + i)
    rows = []
    for e in range(a.entities):
        fi = r.randrange(len(fakers))
        f = fakers[fi]
        before_m, before_f, after = TITLES.get(locales[fi][:2], ([], [], []))
        sex = r.choice('MF')
        given = f.first_name_male() if sex == 'M' else f.first_name_female()
        middle = (f.first_name_male() if sex == 'M' else f.first_name_female()) if r.random() < .3 else ''
        family = f.last_name()
        if r.random() < .08:
            family = f'{family}-{f.last_name()}'
        father = f.first_name_male()
        mother = f'{f.first_name_female()} {f.last_name()}' if r.random() < .5 else f.first_name_female()
        city = f.city()
        street = f.street_name()
        number = r.randint(1, 250)
        bd = f.date_of_birth(minimum_age=1, maximum_age=90)
        age = 2024 - bd.year - (1 if (bd.month, bd.day) > (6, 30) else 0)
        for k in range(r.choice([1, 1, 2, 2, 2, 3, 3, 4])):
            g, m, fa = given, middle, family
            d, ag = bd.isoformat(), ''
            if k:
                if g in NICK and r.random() < .15:
                    g = r.choice(NICK[g])
                if m and r.random() < .5:
                    m = m[0] + '.' if r.random() < .5 else ''
                if '-' in fa and r.random() < .4:
                    fa = fa.split('-')[r.randrange(2)]
                x = r.random()
                if x < .12 and bd.day <= 12 and bd.day != bd.month:
                    d = f'{bd.year}-{bd.day:02d}-{bd.month:02d}'
                elif x < .20:
                    d = f'{bd.year + r.choice([-1, 1])}{d[4:]}'
                elif x < .26:
                    p = r.choice([2, 3, 5, 6, 8, 9])
                    d = d[:p] + str(r.randrange(10)) + d[p + 1:]
                elif x < .32:
                    d = d[:7]
                elif x < .40:
                    d = ''
                elif x < .46:
                    d, ag = '', str(max(0, age + r.choice([-2, -1, 0, 0, 1, 2])))
            g, fa = noisy(g, r, a.typo), noisy(fa, r, a.typo)
            if m:
                m = noisy(m, r, a.typo / 2)
            parts = [g] + ([m] if m else [])
            y = r.random()
            if y < .12:
                name = f'{fa.upper()} {" ".join(parts)}'
            elif y < .18:
                name = f'{fa}, {" ".join(parts)}'
            else:
                name = f'{" ".join(parts)} {fa}'
            st = street
            for long, short in STREET:
                if long in st and r.random() < .4:
                    st = st.replace(long, short)
            addr = r.random()
            seen = (f'{number} {noisy(st, r, a.typo)}, {noisy(city, r, a.typo / 2)}' if addr < .5
                    else noisy(city, r, a.typo / 2) if addr < .8 else '')
            if a.titles:
                before = before_m if sex == 'M' else before_f
                if before and titles.random() < a.titles:
                    name = f'{titles.choice(before)} {name}'
                if after and titles.random() < a.titles / 2:
                    name = f'{name} {titles.choice(after)}'
            rows.append((f'W{e:06d}', dict(
                source=f'ORG{r.randrange(6)}', role=r.choice(['sought', 'registered', 'registered']),
                full_name=name, sex=sex if r.random() > .07 else 'U', birth_date=d, age=ag,
                father_name=noisy(father, r, a.typo) if r.random() < .35 else '',
                mother_name=noisy(mother, r, a.typo) if r.random() < .3 else '',
                birth_place=noisy(city, r, a.typo / 2) if r.random() < .5 else '',
                nationality='', last_seen_place=seen)))
    r.shuffle(rows)
    os.makedirs(a.out, exist_ok=True)
    fields = ['id', 'source', 'role', 'full_name', 'sex', 'birth_date', 'age', 'father_name', 'mother_name',
              'birth_place', 'nationality', 'last_seen_place']
    with open(os.path.join(a.out, 'records.csv'), 'w', newline='') as fo, \
            open(os.path.join(a.out, 'truth.csv'), 'w', newline='') as ft:
        w, t = csv.DictWriter(fo, fields), csv.writer(ft)
        w.writeheader()
        t.writerow(['id', 'entity'])
        for i, (e, row) in enumerate(rows, 1):
            w.writerow(dict(row, id=f'W{i:07d}'))
            t.writerow([f'W{i:07d}', e])
    print(f'{len(rows)} records, {a.entities} entities -> {a.out}')


if __name__ == '__main__':
    main()
