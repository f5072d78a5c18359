-- Transnational referrals (anti-trafficking). A referral points at the
-- sending organisation's person record; the person's details are read live
-- from it (never copied here). Templates of standard operating procedures
-- are versioned; a referral's checklist steps are copies of one version.
-- JSON columns are written and parsed by `retrace_store::referrals` only.
-- Append-only: never edit this file once it has landed.

CREATE TABLE sop_templates (
    org_id      TEXT NOT NULL REFERENCES organisations (id),
    stage       TEXT NOT NULL,
    version     INTEGER NOT NULL CHECK (version > 0),
    steps       TEXT NOT NULL,
    created_by  TEXT,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (org_id, stage, version)
) STRICT;

CREATE TABLE referrals (
    id           TEXT PRIMARY KEY NOT NULL,
    person_id    TEXT NOT NULL REFERENCES persons (id),
    from_org     TEXT NOT NULL REFERENCES organisations (id),
    to_org       TEXT NOT NULL REFERENCES organisations (id),
    purpose      TEXT NOT NULL,
    services     TEXT NOT NULL,
    urgency      TEXT NOT NULL CHECK (urgency IN ('routine', 'urgent', 'emergency')),
    risk         TEXT NOT NULL,
    share        TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('sent', 'accepted', 'declined', 'in_progress', 'closed')),
    stage        TEXT,
    outcome      TEXT,
    reason       TEXT,
    created_by   TEXT,
    created_at   INTEGER NOT NULL,
    accepted_by  TEXT,
    decided_at   INTEGER,
    updated_at   INTEGER NOT NULL,
    CHECK (from_org <> to_org)
) STRICT;

CREATE INDEX referrals_to_org ON referrals (to_org, created_at DESC);
CREATE INDEX referrals_from_org ON referrals (from_org, created_at DESC);

CREATE TABLE referral_steps (
    id                TEXT PRIMARY KEY NOT NULL,
    referral_id       TEXT NOT NULL REFERENCES referrals (id),
    stage             TEXT NOT NULL,
    position          INTEGER NOT NULL,
    label             TEXT NOT NULL,
    required          INTEGER NOT NULL CHECK (required IN (0, 1)),
    template_version  INTEGER NOT NULL,
    state             TEXT NOT NULL CHECK (state IN ('open', 'done', 'skipped')),
    reason            TEXT,
    done_by           TEXT,
    done_at           INTEGER
) STRICT;

CREATE INDEX referral_steps_referral ON referral_steps (referral_id, stage, position);

CREATE TABLE referral_events (
    id           TEXT PRIMARY KEY NOT NULL,
    referral_id  TEXT NOT NULL REFERENCES referrals (id),
    side         TEXT NOT NULL CHECK (side IN ('sender', 'receiver')),
    kind         TEXT NOT NULL,
    stage        TEXT,
    outcome      TEXT,
    body         TEXT,
    shared       INTEGER NOT NULL CHECK (shared IN (0, 1)),
    by_user      TEXT,
    at           INTEGER NOT NULL
) STRICT;

CREATE INDEX referral_events_referral ON referral_events (referral_id, at);

-- The toolbox: tools an organisation added (the built-in ones are in the
-- binary) and tools filled for a referral, each with a copy of the
-- definition it was filled with. Seen only by the organisation that filled it.
CREATE TABLE referral_tools (
    org_id      TEXT NOT NULL REFERENCES organisations (id),
    key         TEXT NOT NULL,
    definition  TEXT NOT NULL,
    created_by  TEXT,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (org_id, key)
) STRICT;

CREATE TABLE referral_tool_entries (
    id            TEXT PRIMARY KEY NOT NULL,
    referral_id   TEXT NOT NULL REFERENCES referrals (id),
    org_id        TEXT NOT NULL REFERENCES organisations (id),
    tool_key      TEXT NOT NULL,
    definition    TEXT NOT NULL,
    entry_values  TEXT NOT NULL,
    filled_by     TEXT,
    filled_at     INTEGER NOT NULL
) STRICT;

CREATE INDEX referral_tool_entries_referral ON referral_tool_entries (referral_id, org_id, filled_at);
