-- Outreach dashboard at scale (issue 13): the tallies of 0013 summed by
-- month, so that a dashboard for a year reads twelve months and the days
-- of at most two partial ones (`retrace_store::outreach::stats_ranges`).
-- Kept with the daily ones, in the same transaction. Append-only: never
-- edit this file once it has landed.

CREATE TABLE outreach_month_tallies (
    org_id       TEXT NOT NULL,
    nationality  TEXT NOT NULL,
    dim          TEXT NOT NULL,
    month        INTEGER NOT NULL,
    team         TEXT NOT NULL,
    place_kind   TEXT NOT NULL,
    item         TEXT NOT NULL,
    sessions     INTEGER NOT NULL,
    people       INTEGER NOT NULL,
    PRIMARY KEY (org_id, nationality, dim, month, team, place_kind, item)
) STRICT, WITHOUT ROWID;

INSERT INTO outreach_month_tallies (org_id, nationality, dim, month, team, place_kind, item, sessions, people)
SELECT org_id, nationality, dim, month, team, place_kind, item, SUM(sessions), SUM(people)
FROM outreach_tallies
GROUP BY org_id, nationality, dim, month, team, place_kind, item;
