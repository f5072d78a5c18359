-- The directory of services, the country profiles and the document
-- library (issue 12). Entries and documents keep their details as JSON
-- written by the store; the columns beside them are what the filters use,
-- derived from the details in Rust. The full-text index
-- (`document_index`) holds only terms computed from `documents.body`, so
-- it can be dropped and rebuilt from the main tables at any time (and is
-- purged with them). Append-only: never edit this file once it has landed.

CREATE TABLE directory_entries (
    id           TEXT PRIMARY KEY,
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
    version      BIGINT NOT NULL,
    verified_at  BIGINT NOT NULL,
    verified_by  TEXT REFERENCES users (id),
    created_at   BIGINT NOT NULL
);

CREATE INDEX directory_entries_place ON directory_entries (country, city_key, name_key);
CREATE INDEX directory_entries_org ON directory_entries (org_id);

-- Opening ranges in minutes of the UTC week (Monday 00:00 UTC is 0).
CREATE TABLE directory_hours (
    entry_id  TEXT NOT NULL REFERENCES directory_entries (id) ON DELETE CASCADE,
    opens     BIGINT NOT NULL,
    closes    BIGINT NOT NULL
);

CREATE INDEX directory_hours_entry ON directory_hours (entry_id, opens, closes);

CREATE TABLE country_profile_versions (
    country           TEXT NOT NULL,
    version           BIGINT NOT NULL,
    content           TEXT NOT NULL,
    changed_sections  TEXT NOT NULL,
    changed_at        BIGINT NOT NULL,
    changed_by        TEXT REFERENCES users (id),
    org_id            TEXT REFERENCES organisations (id),
    PRIMARY KEY (country, version)
);

CREATE TABLE documents (
    id           TEXT PRIMARY KEY,
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
    size         BIGINT NOT NULL,
    -- The extracted text; NULL when it could not be read.
    body         TEXT,
    uploaded_at  BIGINT NOT NULL,
    uploaded_by  TEXT REFERENCES users (id)
);

CREATE INDEX documents_uploaded ON documents (uploaded_at DESC, id);

CREATE TABLE document_files (
    document_id  TEXT PRIMARY KEY REFERENCES documents (id) ON DELETE CASCADE,
    bytes        BYTEA NOT NULL
);

-- Terms are folded and stemmed in Rust; the `simple` configuration only
-- splits and lower-cases them.
CREATE TABLE document_index (
    document_id  TEXT PRIMARY KEY REFERENCES documents (id) ON DELETE CASCADE,
    terms        TSVECTOR NOT NULL
);

CREATE INDEX document_index_terms ON document_index USING GIN (terms);
