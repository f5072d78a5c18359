-- Field-level encryption at rest (issue 16, docs/adr/0017-field-encryption-at-rest.md).
-- The keys never live here: only a check value per key, so that a server
-- started with a wrong or missing key stops before it reads or writes.
-- Append-only: never edit this file once it has landed.

CREATE TABLE field_keys (
    key_id       BIGINT PRIMARY KEY CHECK (key_id BETWEEN 1 AND 65535),
    -- HMAC-SHA256 of a fixed text under the key, in hex.
    check_value  TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    -- Set when a rotation has left no value under this key.
    retired_at   BIGINT
);

-- One row: whether values written before this migration may still be in
-- clear (start-up seals them and clears the flag).
CREATE TABLE field_encryption (
    id              BIGINT PRIMARY KEY CHECK (id = 1),
    plaintext_left  BIGINT NOT NULL CHECK (plaintext_left IN (0, 1))
);

INSERT INTO field_encryption (id, plaintext_left) VALUES (1, 1);

-- The conflicting body is sealed; an identical unresolved conflict is
-- found through this keyed hash of it (a blind index).
ALTER TABLE outreach_conflicts ADD COLUMN body_mac TEXT;
CREATE INDEX outreach_conflicts_body_mac ON outreach_conflicts (session_id, body_mac);
