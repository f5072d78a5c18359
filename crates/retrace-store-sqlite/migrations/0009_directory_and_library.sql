-- The directory of services, the country profiles and the document
-- library (issue 12). Entries and documents keep their details as JSON
-- written by the store; the columns beside them are what the filters use,
-- derived from the details in Rust. The full-text index
-- (`document_index`) holds only terms computed from `documents.body`, so
-- it can be dropped and rebuilt from the main tables at any time (and is
-- purged with them). Append-only: never edit this file once it has landed.

CREATE TABLE directory_entries (
    id           TEXT PRIMARY KEY NOT NULL,
    org_id       TEXT NOT NULL REFERENCES organisations (id),
    details      TEXT NOT NULL,
    name_key     TEXT NOT NULL,
    kind         TEXT NOT NULL,
    country      TEXT NOT NULL,
    city_key     TEXT NOT NULL,
    -- ',medical,food,' and ',ar,fr,': one value found with LIKE '%,ar,%'.
    services     TEXT NOT NULL,
    languages    TEXT NOT NULL,
    visibility   TEXT NOT NULL CHECK (visibility IN ('public', 'organisations', 'own_organisation')),
    search_key   TEXT NOT NULL,
    version      INTEGER NOT NULL,
    verified_at  INTEGER NOT NULL,
    verified_by  TEXT REFERENCES users (id),
    created_at   INTEGER NOT NULL
) STRICT;

CREATE INDEX directory_entries_place ON directory_entries (country, city_key, name_key);
CREATE INDEX directory_entries_org ON directory_entries (org_id);

-- Opening ranges in minutes of the UTC week (Monday 00:00 UTC is 0).
CREATE TABLE directory_hours (
    entry_id  TEXT NOT NULL REFERENCES directory_entries (id) ON DELETE CASCADE,
    opens     INTEGER NOT NULL,
    closes    INTEGER NOT NULL
) STRICT;

CREATE INDEX directory_hours_entry ON directory_hours (entry_id, opens, closes);

CREATE TABLE country_profile_versions (
    country           TEXT NOT NULL,
    version           INTEGER NOT NULL,
    content           TEXT NOT NULL,
    changed_sections  TEXT NOT NULL,
    changed_at        INTEGER NOT NULL,
    changed_by        TEXT REFERENCES users (id),
    org_id            TEXT REFERENCES organisations (id),
    PRIMARY KEY (country, version)
) STRICT;

CREATE TABLE documents (
    id           TEXT PRIMARY KEY NOT NULL,
    org_id       TEXT NOT NULL REFERENCES organisations (id),
    meta         TEXT NOT NULL,
    doc_type     TEXT NOT NULL,
    language     TEXT NOT NULL,
    -- ',BE,FR,' and ',asylum,children,'.
    countries    TEXT NOT NULL,
    themes       TEXT NOT NULL,
    visibility   TEXT NOT NULL CHECK (visibility IN ('public', 'organisations', 'own_organisation')),
    file_name    TEXT NOT NULL,
    format       TEXT NOT NULL,
    size         INTEGER NOT NULL,
    -- The extracted text; NULL when it could not be read.
    body         TEXT,
    uploaded_at  INTEGER NOT NULL,
    uploaded_by  TEXT REFERENCES users (id)
) STRICT;

CREATE INDEX documents_uploaded ON documents (uploaded_at DESC, id);

CREATE TABLE document_files (
    document_id  TEXT PRIMARY KEY NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    bytes        BLOB NOT NULL
) STRICT;

-- Terms are folded and stemmed in Rust: the tokenizer only splits on
-- spaces and must not fold again.
CREATE VIRTUAL TABLE document_index USING fts5 (
    document_id UNINDEXED,
    terms,
    tokenize = 'unicode61 remove_diacritics 0'
);
