-- Outreach dashboard at scale (issue 13): pre-aggregated tallies, so that
-- the dashboard for a year reads a few thousand rows, not the figures of
-- hundreds of thousands of sessions. One row per organisation, day, team,
-- place kind, figure (`dim`, `item`) and nationality filter
-- (`nationality`: `*` for all people, else only the sessions that reached
-- someone of that nationality and only those people). Kept in the same
-- transaction as every write of a session or an outcome
-- (`retrace_store::outreach::tally_changes`); filled here from the figures
-- already stored. Append-only: never edit this file once it has landed.

CREATE TABLE outreach_tallies (
    org_id       TEXT NOT NULL,
    nationality  TEXT NOT NULL,
    dim          TEXT NOT NULL,
    day          BIGINT NOT NULL,
    month        BIGINT NOT NULL,
    team         TEXT NOT NULL,
    place_kind   TEXT NOT NULL,
    item         TEXT NOT NULL,
    sessions     BIGINT NOT NULL,
    people       BIGINT NOT NULL,
    PRIMARY KEY (org_id, nationality, dim, day, team, place_kind, item)
        INCLUDE (sessions, people)
);

-- The sessions already stored. `n`: each session's nationalities with
-- their people.
INSERT INTO outreach_tallies (org_id, nationality, dim, day, month, team, place_kind, item, sessions, people)
SELECT s.org_id, '*', 'session', s.started_at / 86400000, s.month, s.team, s.place_kind, '',
       COUNT(*), SUM(s.people_reached)
FROM outreach_sessions s
GROUP BY s.org_id, s.started_at / 86400000, s.month, s.team, s.place_kind;

INSERT INTO outreach_tallies (org_id, nationality, dim, day, month, team, place_kind, item, sessions, people)
SELECT s.org_id, n.nationality, 'session', s.started_at / 86400000, s.month, s.team, s.place_kind, '',
       COUNT(*), SUM(n.people)
FROM (SELECT session_id, nationality, SUM(count) AS people FROM outreach_counts
      GROUP BY session_id, nationality) n
JOIN outreach_sessions s ON s.id = n.session_id
GROUP BY s.org_id, n.nationality, s.started_at / 86400000, s.month, s.team, s.place_kind;

INSERT INTO outreach_tallies (org_id, nationality, dim, day, month, team, place_kind, item, sessions, people)
SELECT s.org_id, '*', 'nationality', s.started_at / 86400000, s.month, s.team, s.place_kind, n.nationality,
       COUNT(*), SUM(n.people)
FROM (SELECT session_id, nationality, SUM(count) AS people FROM outreach_counts
      GROUP BY session_id, nationality) n
JOIN outreach_sessions s ON s.id = n.session_id
GROUP BY s.org_id, n.nationality, s.started_at / 86400000, s.month, s.team, s.place_kind;

INSERT INTO outreach_tallies (org_id, nationality, dim, day, month, team, place_kind, item, sessions, people)
SELECT s.org_id, n.nationality, 'nationality', s.started_at / 86400000, s.month, s.team, s.place_kind, n.nationality,
       COUNT(*), SUM(n.people)
FROM (SELECT session_id, nationality, SUM(count) AS people FROM outreach_counts
      GROUP BY session_id, nationality) n
JOIN outreach_sessions s ON s.id = n.session_id
GROUP BY s.org_id, n.nationality, s.started_at / 86400000, s.month, s.team, s.place_kind;

INSERT INTO outreach_tallies (org_id, nationality, dim, day, month, team, place_kind, item, sessions, people)
SELECT s.org_id, '*', 'sex', s.started_at / 86400000, s.month, s.team, s.place_kind, c.sex,
       COUNT(DISTINCT c.session_id), SUM(c.count)
FROM outreach_counts c JOIN outreach_sessions s ON s.id = c.session_id
GROUP BY s.org_id, c.sex, s.started_at / 86400000, s.month, s.team, s.place_kind;

INSERT INTO outreach_tallies (org_id, nationality, dim, day, month, team, place_kind, item, sessions, people)
SELECT s.org_id, c.nationality, 'sex', s.started_at / 86400000, s.month, s.team, s.place_kind, c.sex,
       COUNT(DISTINCT c.session_id), SUM(c.count)
FROM outreach_counts c JOIN outreach_sessions s ON s.id = c.session_id
GROUP BY s.org_id, c.nationality, c.sex, s.started_at / 86400000, s.month, s.team, s.place_kind;

INSERT INTO outreach_tallies (org_id, nationality, dim, day, month, team, place_kind, item, sessions, people)
SELECT s.org_id, '*', 'age_band', s.started_at / 86400000, s.month, s.team, s.place_kind, c.age_band,
       COUNT(DISTINCT c.session_id), SUM(c.count)
FROM outreach_counts c JOIN outreach_sessions s ON s.id = c.session_id
GROUP BY s.org_id, c.age_band, s.started_at / 86400000, s.month, s.team, s.place_kind;

INSERT INTO outreach_tallies (org_id, nationality, dim, day, month, team, place_kind, item, sessions, people)
SELECT s.org_id, c.nationality, 'age_band', s.started_at / 86400000, s.month, s.team, s.place_kind, c.age_band,
       COUNT(DISTINCT c.session_id), SUM(c.count)
FROM outreach_counts c JOIN outreach_sessions s ON s.id = c.session_id
GROUP BY s.org_id, c.nationality, c.age_band, s.started_at / 86400000, s.month, s.team, s.place_kind;

INSERT INTO outreach_tallies (org_id, nationality, dim, day, month, team, place_kind, item, sessions, people)
SELECT s.org_id, '*', 'topic', s.started_at / 86400000, s.month, s.team, s.place_kind, t.topic,
       COUNT(*), 0
FROM outreach_session_topics t JOIN outreach_sessions s ON s.id = t.session_id
GROUP BY s.org_id, t.topic, s.started_at / 86400000, s.month, s.team, s.place_kind;

INSERT INTO outreach_tallies (org_id, nationality, dim, day, month, team, place_kind, item, sessions, people)
SELECT s.org_id, n.nationality, 'topic', s.started_at / 86400000, s.month, s.team, s.place_kind, t.topic,
       COUNT(*), 0
FROM outreach_session_topics t
JOIN (SELECT DISTINCT session_id, nationality FROM outreach_counts) n ON n.session_id = t.session_id
JOIN outreach_sessions s ON s.id = t.session_id
GROUP BY s.org_id, n.nationality, t.topic, s.started_at / 86400000, s.month, s.team, s.place_kind;

INSERT INTO outreach_tallies (org_id, nationality, dim, day, month, team, place_kind, item, sessions, people)
SELECT s.org_id, '*', 'referral', s.started_at / 86400000, s.month, s.team, s.place_kind, r.service,
       COUNT(*), SUM(r.people)
FROM (SELECT session_id, service, SUM(count) AS people FROM outreach_referrals
      GROUP BY session_id, service) r
JOIN outreach_sessions s ON s.id = r.session_id
GROUP BY s.org_id, r.service, s.started_at / 86400000, s.month, s.team, s.place_kind;

INSERT INTO outreach_tallies (org_id, nationality, dim, day, month, team, place_kind, item, sessions, people)
SELECT s.org_id, n.nationality, 'referral', s.started_at / 86400000, s.month, s.team, s.place_kind, r.service,
       COUNT(*), SUM(r.people)
FROM (SELECT session_id, service, SUM(count) AS people FROM outreach_referrals
      GROUP BY session_id, service) r
JOIN (SELECT DISTINCT session_id, nationality FROM outreach_counts) n ON n.session_id = r.session_id
JOIN outreach_sessions s ON s.id = r.session_id
GROUP BY s.org_id, n.nationality, r.service, s.started_at / 86400000, s.month, s.team, s.place_kind;

INSERT INTO outreach_tallies (org_id, nationality, dim, day, month, team, place_kind, item, sessions, people)
SELECT s.org_id, '*', 'outcome', s.started_at / 86400000, s.month, s.team, s.place_kind, f.outcome,
       COUNT(*), SUM(f.people)
FROM (SELECT session_id, outcome, COUNT(*) AS people FROM outreach_follow_ups
      WHERE outcome IS NOT NULL GROUP BY session_id, outcome) f
JOIN outreach_sessions s ON s.id = f.session_id
GROUP BY s.org_id, f.outcome, s.started_at / 86400000, s.month, s.team, s.place_kind;

INSERT INTO outreach_tallies (org_id, nationality, dim, day, month, team, place_kind, item, sessions, people)
SELECT s.org_id, n.nationality, 'outcome', s.started_at / 86400000, s.month, s.team, s.place_kind, f.outcome,
       COUNT(*), SUM(f.people)
FROM (SELECT session_id, outcome, COUNT(*) AS people FROM outreach_follow_ups
      WHERE outcome IS NOT NULL GROUP BY session_id, outcome) f
JOIN (SELECT DISTINCT session_id, nationality FROM outreach_counts) n ON n.session_id = f.session_id
JOIN outreach_sessions s ON s.id = f.session_id
GROUP BY s.org_id, n.nationality, f.outcome, s.started_at / 86400000, s.month, s.team, s.place_kind;
