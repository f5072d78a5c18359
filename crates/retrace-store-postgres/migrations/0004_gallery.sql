-- Trace the Face: gallery entries and the "I have information" reports
-- visitors send about them. An entry holds only the public fields (the
-- relationships sought, a broad region, a random reference) and the random
-- names of its image files, which live in the media directory. Taking an
-- entry down deletes its row; reports stay with the request, their entry
-- link cleared. Append-only: never edit this file once it has landed.

CREATE TABLE gallery_entries (
    id             TEXT PRIMARY KEY,
    org_id         TEXT NOT NULL REFERENCES organisations (id),
    request_id     TEXT NOT NULL UNIQUE REFERENCES tracing_requests (id),
    person_id      TEXT NOT NULL REFERENCES persons (id),
    -- Eight letters of an unambiguous alphabet, random.
    reference      TEXT NOT NULL UNIQUE,
    -- ',brother,mother,' in the order chosen.
    relationships  TEXT NOT NULL,
    region         TEXT,
    photo_token    TEXT NOT NULL UNIQUE,
    thumb_token    TEXT NOT NULL UNIQUE,
    status         TEXT NOT NULL CHECK (status IN ('awaiting_approval', 'published')),
    -- Approving staff ids, comma-separated, in order.
    approvals      TEXT NOT NULL,
    created_at     BIGINT NOT NULL,
    published_at   BIGINT,
    CHECK ((status = 'published') = (published_at IS NOT NULL))
);

CREATE INDEX gallery_entries_published ON gallery_entries (status, published_at DESC, id);
CREATE INDEX gallery_entries_org ON gallery_entries (org_id, created_at DESC);

CREATE TABLE information_reports (
    id           TEXT PRIMARY KEY,
    org_id       TEXT NOT NULL REFERENCES organisations (id),
    request_id   TEXT NOT NULL REFERENCES tracing_requests (id),
    -- Cleared when the entry is taken down.
    entry_id     TEXT,
    reference    TEXT NOT NULL,
    message      TEXT NOT NULL,
    contact      TEXT,
    language     TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('new', 'useful', 'spam', 'linked')),
    received_at  BIGINT NOT NULL,
    reviewed_by  TEXT,
    reviewed_at  BIGINT
);

CREATE INDEX information_reports_org ON information_reports (org_id, received_at DESC);
CREATE INDEX information_reports_entry ON information_reports (entry_id);
