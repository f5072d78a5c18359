-- PFIF import (issue 18).
-- Append-only: never edit this file once it has landed.

-- Which registration each imported PFIF person record became, per
-- organisation: importing the same feed again skips the records it
-- already created. The source fields are PFIF's own, kept as written.
CREATE TABLE pfif_records (
    org_id       TEXT NOT NULL REFERENCES organisations (id),
    record_id    TEXT NOT NULL,
    person_id    TEXT NOT NULL REFERENCES persons (id),
    source_name  TEXT,
    source_url   TEXT,
    source_date  TEXT,
    imported_at  INTEGER NOT NULL,
    imported_by  TEXT REFERENCES users (id),
    PRIMARY KEY (org_id, record_id)
) STRICT;
