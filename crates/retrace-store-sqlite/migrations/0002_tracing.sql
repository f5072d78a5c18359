-- Restoring Family Links: tracing requests, persons, consent ledgers, match
-- candidates and family messages. Structured values (person details,
-- circumstances, consent terms, explanations, approvals) are JSON text
-- written and parsed by `retrace_store::backend` only. Append-only: never
-- edit this file once it has landed.

-- The last number given per (country, year): references are
-- BE-2026-00001, BE-2026-00002, ... per country of the owning organisation.
CREATE TABLE reference_counters (
    country      TEXT NOT NULL,
    year         INTEGER NOT NULL,
    last_number  INTEGER NOT NULL,
    PRIMARY KEY (country, year)
) STRICT;

CREATE TABLE tracing_requests (
    id              TEXT PRIMARY KEY NOT NULL,
    org_id          TEXT NOT NULL REFERENCES organisations (id),
    reference       TEXT NOT NULL UNIQUE,
    -- Lower-cased reference, for the case-insensitive text filter.
    reference_key   TEXT NOT NULL,
    status          TEXT NOT NULL,
    closure_reason  TEXT,
    circumstances   TEXT NOT NULL,
    version         INTEGER NOT NULL,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    CHECK ((status = 'closed') = (closure_reason IS NOT NULL))
) STRICT;

CREATE INDEX tracing_requests_org_created ON tracing_requests (org_id, created_at DESC, id);
CREATE INDEX tracing_requests_org_status ON tracing_requests (org_id, status, created_at DESC);

CREATE TABLE persons (
    id                 TEXT PRIMARY KEY NOT NULL,
    org_id             TEXT NOT NULL REFERENCES organisations (id),
    request_id         TEXT REFERENCES tracing_requests (id),
    -- Order within the request: the enquirer first, then the sought
    -- persons as entered.
    position           INTEGER NOT NULL,
    role               TEXT NOT NULL CHECK (role IN ('enquirer', 'sought', 'registered')),
    relationship       TEXT,
    registration_kind  TEXT,
    details            TEXT NOT NULL,
    -- Every name lower-cased by the application (Unicode-aware), one a line.
    search_text        TEXT NOT NULL,
    -- ',SY,LB,'
    nationalities      TEXT NOT NULL,
    at_risk            INTEGER NOT NULL CHECK (at_risk IN (0, 1)),
    minor              INTEGER NOT NULL CHECK (minor IN (0, 1)),
    version            INTEGER NOT NULL,
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL,
    CHECK ((role = 'registered') = (request_id IS NULL))
) STRICT;

CREATE INDEX persons_request ON persons (request_id, position);
CREATE INDEX persons_org_registrations ON persons (org_id, role, created_at DESC);

CREATE TABLE request_status_history (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    request_id      TEXT NOT NULL REFERENCES tracing_requests (id),
    status          TEXT NOT NULL,
    closure_reason  TEXT,
    note            TEXT,
    at              INTEGER NOT NULL,
    by_user         TEXT
) STRICT;

CREATE INDEX request_status_history_request ON request_status_history (request_id, seq);

CREATE TABLE consents (
    id            TEXT PRIMARY KEY NOT NULL,
    person_id     TEXT NOT NULL REFERENCES persons (id),
    org_id        TEXT NOT NULL REFERENCES organisations (id),
    purpose       TEXT NOT NULL,
    -- Basis, sharing scope and note as JSON.
    terms         TEXT NOT NULL,
    recorded_by   TEXT NOT NULL,
    recorded_at   INTEGER NOT NULL,
    withdrawn_at  INTEGER,
    withdrawn_by  TEXT
) STRICT;

CREATE INDEX consents_person ON consents (person_id, recorded_at);

CREATE TABLE candidates (
    id                  TEXT PRIMARY KEY NOT NULL,
    sought_id           TEXT NOT NULL REFERENCES persons (id),
    sought_org          TEXT NOT NULL REFERENCES organisations (id),
    other_id            TEXT NOT NULL REFERENCES persons (id),
    other_org           TEXT NOT NULL REFERENCES organisations (id),
    score_milli         INTEGER NOT NULL CHECK (score_milli BETWEEN 0 AND 65535),
    explanation         TEXT NOT NULL,
    sought_status       TEXT NOT NULL,
    sought_reason       TEXT,
    sought_reviewed_by  TEXT,
    sought_reviewed_at  INTEGER,
    other_status        TEXT NOT NULL,
    other_reason        TEXT,
    other_reviewed_by   TEXT,
    other_reviewed_at   INTEGER,
    sought_approvals    TEXT NOT NULL,
    sought_released_at  INTEGER,
    other_approvals     TEXT NOT NULL,
    other_released_at   INTEGER,
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL,
    UNIQUE (sought_id, other_id),
    CHECK (sought_id <> other_id)
) STRICT;

CREATE INDEX candidates_other ON candidates (other_id);
CREATE INDEX candidates_sought_org ON candidates (sought_org);
CREATE INDEX candidates_other_org ON candidates (other_org);

CREATE TABLE family_messages (
    id            TEXT PRIMARY KEY NOT NULL,
    candidate_id  TEXT NOT NULL REFERENCES candidates (id),
    direction     TEXT NOT NULL,
    body          TEXT NOT NULL,
    status        TEXT NOT NULL,
    created_at    INTEGER NOT NULL
) STRICT;

CREATE INDEX family_messages_candidate ON family_messages (candidate_id, created_at);

CREATE TABLE family_message_history (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    message_id  TEXT NOT NULL REFERENCES family_messages (id),
    status      TEXT NOT NULL,
    at          INTEGER NOT NULL,
    by_user     TEXT
) STRICT;

CREATE INDEX family_message_history_message ON family_message_history (message_id, seq);
