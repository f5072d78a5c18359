-- Organisations, accounts, sessions, API tokens and the hash-chained audit
-- log. Timestamps are milliseconds since the Unix epoch (BIGINT).
-- Append-only: never edit this file once it has landed.

CREATE TABLE organisations (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    -- Lower-cased by the application (Unicode-aware, independent of the
    -- server's collation): names are unique regardless of case.
    name_key    TEXT NOT NULL CONSTRAINT organisations_name_key_unique UNIQUE,
    kind        TEXT NOT NULL,
    country     TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);

CREATE TABLE users (
    id                   TEXT PRIMARY KEY,
    -- Normalised to lower case by `Email::parse` before it gets here.
    email                TEXT NOT NULL CONSTRAINT users_email_unique UNIQUE,
    display_name         TEXT NOT NULL,
    org_id               TEXT REFERENCES organisations (id),
    roles                TEXT,
    is_operator          BOOLEAN NOT NULL,
    password_hash        TEXT NOT NULL,
    totp_secret_sealed   TEXT,
    disabled             BOOLEAN NOT NULL DEFAULT FALSE,
    failed_sign_ins      BIGINT NOT NULL DEFAULT 0 CHECK (failed_sign_ins >= 0),
    locked_until         BIGINT,
    created_at           BIGINT NOT NULL,
    password_changed_at  BIGINT NOT NULL,
    CHECK ((is_operator AND org_id IS NULL AND roles IS NULL)
        OR (NOT is_operator AND org_id IS NOT NULL AND roles IS NOT NULL))
);

CREATE INDEX users_org ON users (org_id);

CREATE TABLE recovery_codes (
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash  TEXT NOT NULL,
    used_at    BIGINT,
    PRIMARY KEY (user_id, code_hash)
);

CREATE TABLE sessions (
    token_hash          TEXT PRIMARY KEY,
    user_id             TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at          BIGINT NOT NULL,
    last_seen_at        BIGINT NOT NULL,
    second_factor_done  BOOLEAN NOT NULL
);

CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_last_seen ON sessions (last_seen_at);
CREATE INDEX sessions_created ON sessions (created_at);

CREATE TABLE api_tokens (
    id            TEXT PRIMARY KEY,
    user_id       TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    token_hash    TEXT NOT NULL CONSTRAINT api_tokens_token_hash_unique UNIQUE,
    created_at    BIGINT NOT NULL,
    last_used_at  BIGINT,
    revoked_at    BIGINT
);

CREATE INDEX api_tokens_user ON api_tokens (user_id);

-- The audit log. No foreign keys: entries outlive what they are about.
CREATE TABLE audit_log (
    seq            BIGINT PRIMARY KEY,
    at             BIGINT NOT NULL,
    actor          TEXT,
    org_id         TEXT,
    action         TEXT NOT NULL,
    object_kind    TEXT NOT NULL,
    object_id      TEXT NOT NULL,
    purpose        TEXT,
    previous_hash  TEXT NOT NULL,
    hash           TEXT NOT NULL
);

CREATE INDEX audit_log_org ON audit_log (org_id, seq);

-- The newest entry of the chain. Appends lock this row (FOR UPDATE), which
-- serialises them, and update it in the same transaction: removing entries
-- from the end of the log is then detectable.
CREATE TABLE audit_head (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    seq   BIGINT NOT NULL,
    hash  TEXT NOT NULL
);

INSERT INTO audit_head (id, seq, hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

-- The application never changes or removes audit entries. These triggers
-- make an accidental UPDATE, DELETE or TRUNCATE fail; a deliberate one
-- (dropping the trigger first) is caught by the hash chain.
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$;

CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();

CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
