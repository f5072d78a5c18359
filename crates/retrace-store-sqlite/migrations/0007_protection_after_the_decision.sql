-- Protection that holds after the decision (issue 10).
-- Append-only: never edit this file once it has landed.

-- The last TOTP time step accepted for each account: a code is good for
-- one sign-in, and a step not later than this one is refused.
ALTER TABLE users ADD COLUMN totp_last_step INTEGER;

-- Nonces of the public report form's signed stamps that were used: each
-- stamp is good for one report. Kept only until the stamp would have
-- expired anyway.
CREATE TABLE spent_form_nonces (
    nonce       TEXT PRIMARY KEY NOT NULL,
    expires_at  INTEGER NOT NULL
) STRICT;

CREATE INDEX spent_form_nonces_expiry ON spent_form_nonces (expires_at);

-- Bulk exports: who, when, how many rows and the stated reason. The
-- reason is free text and may name people, so it lives here, where it can
-- be erased, and the never-erasable audit log names only the export's id.
CREATE TABLE exports (
    id          TEXT PRIMARY KEY NOT NULL,
    org_id      TEXT NOT NULL REFERENCES organisations (id),
    user_id     TEXT NOT NULL REFERENCES users (id),
    at          INTEGER NOT NULL,
    reason      TEXT,
    row_count   INTEGER NOT NULL CHECK (row_count >= 0)
) STRICT;

CREATE INDEX exports_org ON exports (org_id, at);

-- Security events for the platform operator: a signed-in member asked for
-- the id of another organisation's record (answered exactly like a missing
-- id). Kind, who and when only: no personal data, not even the probed id.
CREATE TABLE security_events (
    id       TEXT PRIMARY KEY NOT NULL,
    at       INTEGER NOT NULL,
    kind     TEXT NOT NULL,
    user_id  TEXT REFERENCES users (id),
    org_id   TEXT REFERENCES organisations (id)
) STRICT;

CREATE INDEX security_events_at ON security_events (at);
