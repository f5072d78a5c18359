-- Organisations, accounts, sessions, API tokens and the hash-chained audit
-- log. Timestamps are milliseconds since the Unix epoch (INTEGER); booleans
-- are INTEGER 0/1. Append-only: never edit this file once it has landed.

CREATE TABLE organisations (
    id          TEXT PRIMARY KEY NOT NULL,
    name        TEXT NOT NULL,
    -- Lower-cased by the application (Unicode-aware), unique: names are
    -- unique regardless of case.
    name_key    TEXT NOT NULL UNIQUE,
    kind        TEXT NOT NULL,
    country     TEXT NOT NULL,
    created_at  INTEGER NOT NULL
) STRICT;

CREATE TABLE users (
    id                   TEXT PRIMARY KEY NOT NULL,
    -- Normalised to lower case by `Email::parse` before it gets here.
    email                TEXT NOT NULL UNIQUE,
    display_name         TEXT NOT NULL,
    org_id               TEXT REFERENCES organisations (id),
    roles                TEXT,
    is_operator          INTEGER NOT NULL CHECK (is_operator IN (0, 1)),
    password_hash        TEXT NOT NULL,
    totp_secret_sealed   TEXT,
    disabled             INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    failed_sign_ins      INTEGER NOT NULL DEFAULT 0 CHECK (failed_sign_ins >= 0),
    locked_until         INTEGER,
    created_at           INTEGER NOT NULL,
    password_changed_at  INTEGER NOT NULL,
    CHECK ((is_operator = 1 AND org_id IS NULL AND roles IS NULL)
        OR (is_operator = 0 AND org_id IS NOT NULL AND roles IS NOT NULL))
) STRICT;

CREATE INDEX users_org ON users (org_id);

CREATE TABLE recovery_codes (
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash  TEXT NOT NULL,
    used_at    INTEGER,
    PRIMARY KEY (user_id, code_hash)
) STRICT;

CREATE TABLE sessions (
    token_hash          TEXT PRIMARY KEY NOT NULL,
    user_id             TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at          INTEGER NOT NULL,
    last_seen_at        INTEGER NOT NULL,
    second_factor_done  INTEGER NOT NULL CHECK (second_factor_done IN (0, 1))
) STRICT;

CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_last_seen ON sessions (last_seen_at);
CREATE INDEX sessions_created ON sessions (created_at);

CREATE TABLE api_tokens (
    id            TEXT PRIMARY KEY NOT NULL,
    user_id       TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    token_hash    TEXT NOT NULL UNIQUE,
    created_at    INTEGER NOT NULL,
    last_used_at  INTEGER,
    revoked_at    INTEGER
) STRICT;

CREATE INDEX api_tokens_user ON api_tokens (user_id);

-- The audit log. No foreign keys: entries outlive what they are about.
CREATE TABLE audit_log (
    seq            INTEGER PRIMARY KEY NOT NULL,
    at             INTEGER NOT NULL,
    actor          TEXT,
    org_id         TEXT,
    action         TEXT NOT NULL,
    object_kind    TEXT NOT NULL,
    object_id      TEXT NOT NULL,
    purpose        TEXT,
    previous_hash  TEXT NOT NULL,
    hash           TEXT NOT NULL
) STRICT;

CREATE INDEX audit_log_org ON audit_log (org_id, seq);

-- The newest entry of the chain, updated in the same transaction as each
-- append: removing entries from the end of the log is then detectable.
CREATE TABLE audit_head (
    id    INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    seq   INTEGER NOT NULL,
    hash  TEXT NOT NULL
) STRICT;

INSERT INTO audit_head (id, seq, hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

-- The application never changes or removes audit entries. These triggers
-- make an accidental UPDATE or DELETE fail; a deliberate one (dropping the
-- trigger first) is caught by the hash chain.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
