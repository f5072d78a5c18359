-- Transfers of tracing requests to organisations in other countries. A
-- transfer keeps which parts the owner chose to share (JSON written and
-- parsed by `retrace_store::transfers` only); the parts themselves are read
-- live from the request. Append-only: never edit this file once it has
-- landed.

CREATE TABLE transfers (
    id          TEXT PRIMARY KEY NOT NULL,
    request_id  TEXT NOT NULL REFERENCES tracing_requests (id),
    from_org    TEXT NOT NULL REFERENCES organisations (id),
    to_org      TEXT NOT NULL REFERENCES organisations (id),
    share       TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'declined', 'revoked')),
    reason      TEXT,
    created_by  TEXT,
    created_at  INTEGER NOT NULL,
    decided_by  TEXT,
    decided_at  INTEGER,
    revoked_by  TEXT,
    revoked_at  INTEGER,
    CHECK (from_org <> to_org),
    CHECK ((status = 'revoked') = (revoked_at IS NOT NULL))
) STRICT;

CREATE INDEX transfers_request ON transfers (request_id, created_at DESC);
CREATE INDEX transfers_to_org ON transfers (to_org, created_at DESC);
