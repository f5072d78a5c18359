#!/usr/bin/env bash
# The directory's search SQL side by side on one SQLite file of 100,000 entries
# (docs/adr/0031-directory-open-now-by-hour.md): before migration 0037 (EXISTS
# on directory_hours for every entry, rows read from the table, 1,001 counted)
# against the hour mark and the covering index, counting 1,001 and 201.
#
#   target/release/examples/bench_library 0 100000 1 /tmp/bench-dir   # the data
#   cp /tmp/bench-dir/bench.db /tmp/new.db && cp /tmp/new.db /tmp/old.db
#   sqlite3 /tmp/old.db "DROP INDEX directory_entries_place;
#     CREATE INDEX directory_entries_place ON directory_entries (country, city_key, name_key, id);"
#   bench/directory-sql.sh /tmp/new.db /tmp/old.db 50
#
# Python's sqlite3 module runs the SQL, so the figures are SQLite's alone.
set -euo pipefail
NEW=$1; OLD=$2; RUNS=${3:-50}
minute=$(python3 -c 'import time;m=int(time.time()//60)+3*1440;print(m%10080)')
hour=$((minute/60+1))
vis="(e.visibility = 'public' OR (e.visibility = 'organisations' AND '' <> '') OR e.org_id = '')"
old_open="EXISTS (SELECT 1 FROM directory_hours h WHERE h.entry_id = e.id AND h.opens <= $minute AND h.closes > $minute)"
new_open="(substr(e.open_week, CAST($hour AS INTEGER), 1) = '1' OR (substr(e.open_week, CAST($hour AS INTEGER), 1) IN ('p', '') AND $old_open))"
all="e.country = 'BE' AND e.city_key = 'brussels' AND e.services LIKE '%,accommodation,%' AND e.languages LIKE '%,fr,%'"
cols="e.id, e.org_id, e.details, e.version, e.verified_at, e.verified_by, e.created_at"
run() { # db label where counted
  local db=$1 label=$2 where=$3 counted=$4
  local sql="SELECT COUNT(*) FROM (SELECT 1 AS found FROM directory_entries e WHERE $vis AND $where LIMIT $counted) counted; SELECT $cols FROM directory_entries e WHERE $vis AND $where ORDER BY e.country, e.city_key, e.name_key, e.id LIMIT 20 OFFSET 0;"
  python3 - "$db" "$label" "$sql" "$RUNS" <<'PY'
import sqlite3, sys, time
db, label, sql, runs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
c = sqlite3.connect(db)
stmts = [s for s in sql.split(';') if s.strip()]
t = []
for _ in range(runs):
    s = time.perf_counter()
    found = c.execute(stmts[0]).fetchone()[0]
    rows = c.execute(stmts[1]).fetchall()
    t.append((time.perf_counter() - s) * 1000)
t.sort()
p = lambda q: t[min(len(t) - 1, int(q * len(t)))]
print(f"{label:70s} found {found:5d} p50 {p(0.5):7.2f} ms  p99 {p(0.99):7.2f} ms  max {t[-1]:7.2f} ms")
PY
}
echo "minute of the week $minute (hour $hour); $RUNS runs each; sqlite $(python3 -c 'import sqlite3;print(sqlite3.sqlite_version)')"
for pass in 1 2; do
  for filter in "open now|$old_open|$new_open" \
    "country + city + service + language + open now|$all AND $old_open|$all AND $new_open" \
    "service|e.services LIKE '%,accommodation,%'|e.services LIKE '%,accommodation,%'" \
    "country + city|e.country = 'BE' AND e.city_key = 'brussels'|e.country = 'BE' AND e.city_key = 'brussels'"; do
    IFS='|' read -r label before after <<<"$filter"
    run "$OLD" "before, 1001 counted: $label" "$before" 1001
    run "$NEW" "after,  1001 counted: $label" "$after" 1001
    run "$NEW" "after,   201 counted: $label" "$after" 201
  done
done
