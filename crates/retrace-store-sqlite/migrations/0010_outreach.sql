-- Outreach (issue 13): sessions recorded on phones and synced, edits kept
-- aside as conflicts, pseudonymous follow-ups, an organisation's own
-- topics, and the narrow tables the results dashboard aggregates. Every
-- figure row repeats its session's organisation, start and month so the
-- dashboard never reads the bodies. Append-only: never edit this file once
-- it has landed.

-- One session: its id was made on the phone; `body` is its whole content
-- as JSON (written and parsed by `retrace_store::outreach` only).
CREATE TABLE outreach_sessions (
    id              TEXT PRIMARY KEY NOT NULL,
    org_id          TEXT NOT NULL REFERENCES organisations (id),
    version         INTEGER NOT NULL CHECK (version >= 1),
    team            TEXT NOT NULL,
    place_kind      TEXT NOT NULL,
    city            TEXT NOT NULL,
    started_at      INTEGER NOT NULL,
    month           INTEGER NOT NULL,
    people_reached  INTEGER NOT NULL CHECK (people_reached >= 0),
    body            TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    created_by      TEXT,
    updated_at      INTEGER NOT NULL,
    updated_by      TEXT
) STRICT;

CREATE INDEX outreach_sessions_org_start ON outreach_sessions (org_id, started_at);

CREATE TABLE outreach_counts (
    session_id   TEXT NOT NULL REFERENCES outreach_sessions (id),
    org_id       TEXT NOT NULL,
    started_at   INTEGER NOT NULL,
    sex          TEXT NOT NULL,
    age_band     TEXT NOT NULL,
    nationality  TEXT NOT NULL,
    count        INTEGER NOT NULL CHECK (count > 0)
) STRICT;

CREATE INDEX outreach_counts_session ON outreach_counts (session_id);
CREATE INDEX outreach_counts_org_start ON outreach_counts (org_id, started_at);

CREATE TABLE outreach_session_topics (
    session_id  TEXT NOT NULL REFERENCES outreach_sessions (id),
    org_id      TEXT NOT NULL,
    started_at  INTEGER NOT NULL,
    topic       TEXT NOT NULL
) STRICT;

CREATE INDEX outreach_session_topics_session ON outreach_session_topics (session_id);
CREATE INDEX outreach_session_topics_org_start ON outreach_session_topics (org_id, started_at);

CREATE TABLE outreach_referrals (
    session_id  TEXT NOT NULL REFERENCES outreach_sessions (id),
    org_id      TEXT NOT NULL,
    started_at  INTEGER NOT NULL,
    service     TEXT NOT NULL,
    count       INTEGER NOT NULL CHECK (count > 0)
) STRICT;

CREATE INDEX outreach_referrals_session ON outreach_referrals (session_id);
CREATE INDEX outreach_referrals_org_start ON outreach_referrals (org_id, started_at);

-- A person who asked to be followed up, by pseudonym; the outcome is
-- recorded later, on the server, and an edit of the session never
-- changes it.
CREATE TABLE outreach_follow_ups (
    id               TEXT PRIMARY KEY NOT NULL,
    session_id       TEXT NOT NULL REFERENCES outreach_sessions (id),
    org_id           TEXT NOT NULL,
    started_at       INTEGER NOT NULL,
    pseudonym        TEXT NOT NULL,
    consent_to_link  INTEGER NOT NULL CHECK (consent_to_link IN (0, 1)),
    outcome          TEXT,
    outcome_at       INTEGER,
    outcome_by       TEXT
) STRICT;

CREATE INDEX outreach_follow_ups_org_start ON outreach_follow_ups (org_id, started_at);
CREATE INDEX outreach_follow_ups_session ON outreach_follow_ups (session_id);

-- An edit made on an older version than the stored one: kept aside until
-- a person resolves it. The same edit synced again is recorded once.
CREATE TABLE outreach_conflicts (
    id              TEXT PRIMARY KEY NOT NULL,
    session_id      TEXT NOT NULL REFERENCES outreach_sessions (id),
    org_id          TEXT NOT NULL,
    base_version    INTEGER NOT NULL,
    server_version  INTEGER NOT NULL,
    body            TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    created_by      TEXT,
    resolved_at     INTEGER,
    resolved_by     TEXT,
    resolution      TEXT CHECK (resolution IN ('keep_stored', 'take_incoming'))
) STRICT;

CREATE INDEX outreach_conflicts_org ON outreach_conflicts (org_id, created_at);
CREATE INDEX outreach_conflicts_session ON outreach_conflicts (session_id);

CREATE TABLE outreach_topics (
    org_id      TEXT NOT NULL REFERENCES organisations (id),
    code        TEXT NOT NULL,
    label       TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (org_id, code)
) STRICT;
