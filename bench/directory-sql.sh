#!/usr/bin/env bash
# The directory's search SQL side by side on SQLite files of 100,000 entries
# (docs/adr/0034-directory-rows-in-list-order.md): before migration 0039 (the
# word index intersected with `IN`, "open now" filtering every entry in the
# list's order) against the rows in the list's order (a word's rows, an hour's
# rows, the entries open the whole week), for the public, counting 201 as the
# store does. Each query's ids are compared: both must find the same entries
# in the same order.
#
#   target/release/examples/bench_library 0 100000 1 /tmp/dir-bench/before  # the data (main)
#   cp /tmp/dir-bench/before/bench.db /tmp/dir-bench/after/bench.db
#   target/release/examples/bench_library 0 100000 1 /tmp/dir-bench/after   # migrates to 0039
#   bench/directory-sql.sh /tmp/dir-bench/after/bench.db /tmp/dir-bench/before/bench.db 50
#
# Python's sqlite3 module runs the SQL, so the figures are SQLite's alone.
set -euo pipefail
NEW=$1; OLD=$2; RUNS=${3:-50}
python3 - "$NEW" "$OLD" "$RUNS" <<'PY'
import sqlite3, sys, time
new_db, old_db, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
cols = "e.id, e.org_id, e.details, e.version, e.verified_at, e.verified_by, e.created_at"
vis = lambda a: f"({a}.visibility = 'public' OR ({a}.visibility = 'organisations' AND '' <> '') OR {a}.org_id = '')"
always = "1" * 168
top = "char(1114111)"

def exact(id_, m):
    return f"EXISTS (SELECT 1 FROM directory_hours h WHERE h.entry_id = {id_} AND h.opens <= {m} AND h.closes > {m})"

def on_entry_open(m):
    hour = m // 60 + 1
    return (f"(substr(e.open_week, CAST({hour} AS INTEGER), 1) = '1' OR (substr(e.open_week, "
            f"CAST({hour} AS INTEGER), 1) IN ('p', '') AND {exact('e.id', m)}))")

def filters(place, f):
    c = []
    if "country" in f: c.append(f"{place}.country = '{f['country']}'")
    if "city" in f: c.append(f"{place}.city_key = '{f['city']}'")
    if "service" in f: c.append(f"e.services LIKE '%,{f['service']},%'")
    if "language" in f: c.append(f"e.languages LIKE '%,{f['language']},%'")
    return c

def old_sql(f):
    where = [vis("e")] + filters("e", f)
    if "open" in f: where.append(on_entry_open(f["open"]))
    for w in f.get("words", []):
        where.append(f"e.id IN (SELECT w.entry_id FROM directory_words w WHERE w.word >= '{w}' AND w.word < '{w}' || {top})")
    w = " AND ".join(where)
    return (f"SELECT COUNT(*) FROM (SELECT 1 AS found FROM directory_entries e WHERE {w} LIMIT 201) counted",
            f"SELECT {cols} FROM directory_entries e WHERE {w} ORDER BY e.country, e.city_key, e.name_key, e.id LIMIT 20 OFFSET 0")

def new_sql(db, f):
    # The store's plan (crates/retrace-store-sql/src/directory.rs): the
    # rarest word drives, each of the first 8 words beginning with it is a
    # part walked in the list's order, the others are tested per entry.
    needs_entry = "service" in f or "language" in f
    words = list(f.get("words", []))
    if not words and needs_entry:
        return old_sql(f)  # the entries' index carries these filters
    arms = []
    if words:
        c = sqlite3.connect(db)
        counts = [c.execute(f"SELECT COUNT(*) FROM (SELECT 1 FROM directory_words WHERE word >= '{w}' "
                            f"AND word < '{w}' || {top} LIMIT 2000)").fetchone()[0] for w in words]
        d = words.pop(counts.index(min(counts)))
        beginning = []
        while len(beginning) < 9:
            op, frm = (">=", d) if not beginning else (">", beginning[-1])
            nxt = c.execute(f"SELECT MIN(word) FROM directory_words WHERE word {op} ? AND word < ? || {top}",
                            (frm, d)).fetchone()[0]
            if nxt is None: break
            beginning.append(nxt)
        def none_of(before):
            if not before: return []
            lst = ", ".join(f"'{b}'" for b in before)
            return [f"NOT EXISTS (SELECT 1 FROM directory_words y WHERE y.entry_id = x.entry_id AND y.word IN ({lst}))"]
        for i, w in enumerate(beginning[:8]):
            arms.append(("x", "x.entry_id", "directory_words x", [f"x.word = '{w}'"] + none_of(beginning[:i]), False))
        if len(beginning) > 8:
            arms.append(("x", "x.entry_id", "directory_words x",
                         [f"x.word > '{beginning[7]}'", f"x.word < '{d}' || {top}"] + none_of(beginning[:8]), True))
        needs_entry = needs_entry or "open" in f
        on_open = "open" in f
    else:
        m = f["open"]
        arms = [("x", "x.entry_id", "directory_open_hours x",
                 [f"x.hour = {m // 60 + 1}", f"(x.mark = '1' OR {exact('x.entry_id', m)})"], False),
                ("e", "e.id", "directory_entries e", [f"e.open_week = '{always}'"], False),
                ("e", "e.id", "directory_entries e", ["e.open_week = ''", exact("e.id", m)], False)]
        on_open = False
    def arm(a, counted):
        place, id_, source, own, distinct = a
        src = source + (" JOIN directory_entries e ON e.id = x.entry_id" if place == "x" and needs_entry else "")
        where = [vis(place)] + own + filters(place, f)
        if on_open: where.append(on_entry_open(f["open"]))
        for w in words:
            where.append(f"EXISTS (SELECT 1 FROM directory_words w WHERE w.entry_id = {id_} AND w.word >= '{w}' AND w.word < '{w}' || {top})")
        sel = (f"{id_} AS found" if counted else
               f"{place}.country AS country, {place}.city_key AS city_key, {place}.name_key AS name_key, {id_} AS entry_id")
        return f"SELECT {'DISTINCT ' if distinct else ''}{sel} FROM {src} WHERE {' AND '.join(where)}"
    count = "SELECT COUNT(*) FROM (" + " UNION ALL ".join(arm(a, True) for a in arms) + " LIMIT 201) counted"
    page = (f"SELECT {cols} FROM (" + " UNION ALL ".join(arm(a, False) for a in arms) +
            " ORDER BY country, city_key, name_key, entry_id LIMIT 20) d JOIN directory_entries e "
            "ON e.id = d.entry_id ORDER BY d.country, d.city_key, d.name_key, d.entry_id LIMIT 20 OFFSET 0")
    return count, page

def run(db, label, sql):
    c = sqlite3.connect(db)
    t = []
    for _ in range(runs):
        s = time.perf_counter()
        found = c.execute(sql[0]).fetchone()[0]
        rows = c.execute(sql[1]).fetchall()
        t.append((time.perf_counter() - s) * 1000)
    t.sort()
    p = lambda q: t[min(len(t) - 1, int(q * len(t)))]
    print(f"{label:62s} found {found:4d} p50 {p(0.5):7.2f} ms  p99 {p(0.99):7.2f} ms  max {t[-1]:7.2f} ms")
    return found, [r[0] for r in rows]

now = (int(time.time() // 60) + 3 * 1440) % 10080
all_filters = {"country": "BE", "city": "brussels", "service": "accommodation", "language": "fr"}
cases = [
    ("text: house (one entry in six)", {"words": ["house"]}),
    ("text: 4242 (rare)", {"words": ["4242"]}),
    ("text: house 4242 (common + rare)", {"words": ["4242", "house"]}),
    ("text: safe house (two common)", {"words": ["house", "safe"]}),
    ("text: hous (a word's beginning)", {"words": ["hous"]}),
    ("text: s (beginning of many words)", {"words": ["s"]}),
    ("open now, quiet hour (Mon 00:30 UTC)", {"open": 30}),
    ("open now, busy hour (Mon 10:30 UTC)", {"open": 630}),
    (f"open now (minute {now} of the week)", {"open": now}),
    ("country + city + service + language + open now, quiet", dict(all_filters, open=30)),
    ("country + city + service + language + open now, busy", dict(all_filters, open=630)),
]
print(f"{runs} runs each, public, count of 201 and page of 20; sqlite {sqlite3.sqlite_version}")
same = True
for pass_ in (1, 2):
    for label, f in cases:
        before = run(old_db, "before: " + label, old_sql(f))
        after = run(new_db, "after:  " + label, new_sql(new_db, f))
        if before != after:
            same = False
            print(f"  DIFFERENT RESULTS: {before[0]} vs {after[0]}")
print("same entries, same order, same counts:", same)
PY
