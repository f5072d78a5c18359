-- The e-mail digest (issues 14 and 15; docs/adr/0029-email-digest.md):
-- one row per member who chose a digest (none by default). `next_due` is
-- both when it is due and, while `claim` is set, the end of the claiming
-- server's lease; `covered_to` is the instant up to which news was sent.
-- No address is stored: the digest goes to the account's own e-mail.
-- Append-only: never edit this file once it has landed.
CREATE TABLE digest_preferences (
    user_id         TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    frequency       TEXT NOT NULL CHECK (frequency IN ('daily', 'weekly')),
    language        TEXT NOT NULL CHECK (language IN ('en', 'fr', 'es', 'ar')),
    next_due        BIGINT NOT NULL,
    covered_to      BIGINT NOT NULL,
    claim           TEXT,
    last_sent_at    BIGINT,
    last_failed_at  BIGINT,
    failures        BIGINT NOT NULL DEFAULT 0 CHECK (failures >= 0),
    set_at          BIGINT NOT NULL
);

CREATE INDEX digest_preferences_due ON digest_preferences (next_due);
