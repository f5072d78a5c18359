#!/usr/bin/env python3
"""Grows a benchmark database made by `bench_referrals` to TARGET referrals
by copying the referrals loaded through the store (with their checklist
steps, timeline events and filled tools) under new ids, each copy shifted
later in time so the copies continue the three-year timeline. Loading
100,000 referrals through the store takes about 25 minutes on the shared
2-core machine; this takes seconds. Usage:

    python3 bench/replicate_referrals.py /tmp/bench-referrals/bench.db [TARGET]
"""
import sqlite3
import sys

path = sys.argv[1]
target = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
STEP = 3 * 365 * 86_400_000 // 100_000  # as in bench_referrals.rs

db = sqlite3.connect(path)
db.execute("PRAGMA foreign_keys = ON")
n = db.execute("SELECT count(*) FROM referrals").fetchone()[0]
db.execute(
    "CREATE TEMP TABLE orig AS SELECT id, row_number() OVER (ORDER BY created_at) AS rn FROM referrals"
)
total, k = n, 1
with db:
    while total < target:
        take = min(n, target - total)
        shift = k * n * STEP
        p = "c%07x" % k
        args = {"p": p, "s": shift, "take": take}
        db.execute(
            """INSERT INTO referrals SELECT :p || substr(r.id, 9), person_id, from_org, to_org,
               purpose, services, urgency, risk, share, status, stage, outcome, reason, created_by,
               created_at + :s, accepted_by, decided_at + :s, updated_at + :s
               FROM referrals r JOIN orig o ON o.id = r.id WHERE o.rn <= :take""",
            args,
        )
        db.execute(
            """INSERT INTO referral_steps SELECT :p || substr(s.id, 9), :p || substr(s.referral_id, 9),
               stage, position, label, required, template_version, state, reason, done_by, done_at + :s
               FROM referral_steps s JOIN orig o ON o.id = s.referral_id WHERE o.rn <= :take""",
            args,
        )
        db.execute(
            """INSERT INTO referral_events SELECT :p || substr(e.id, 9), :p || substr(e.referral_id, 9),
               side, kind, stage, outcome, body, shared, by_user, at + :s
               FROM referral_events e JOIN orig o ON o.id = e.referral_id WHERE o.rn <= :take""",
            args,
        )
        db.execute(
            """INSERT INTO referral_tool_entries SELECT :p || substr(t.id, 9), :p || substr(t.referral_id, 9),
               org_id, tool_key, definition, entry_values, filled_by, filled_at + :s
               FROM referral_tool_entries t JOIN orig o ON o.id = t.referral_id WHERE o.rn <= :take""",
            args,
        )
        total += take
        k += 1
for table in ["referrals", "referral_steps", "referral_events", "referral_tool_entries"]:
    print(table, db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
