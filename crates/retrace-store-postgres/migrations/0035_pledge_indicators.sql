-- Pledge indicators (issue 14, item 3; docs/adr/0028-pledge-indicators.md):
-- the figures an organisation's administrator enters by hand per year (the
-- computed ones are counted from the other tables and never stored), and
-- the offset from UTC its reporting years are counted in (none: UTC).
-- Append-only: never edit this file once it has landed.
CREATE TABLE indicator_entries (
    org_id      TEXT NOT NULL REFERENCES organisations (id),
    year        BIGINT NOT NULL,
    -- A code of an entered figure (`retrace_domain::Figure::code`).
    figure      TEXT NOT NULL,
    value       BIGINT NOT NULL CHECK (value >= 0),
    note        TEXT,
    entered_at  BIGINT NOT NULL,
    entered_by  TEXT,
    PRIMARY KEY (org_id, year, figure)
);

CREATE TABLE org_reporting_offsets (
    org_id          TEXT PRIMARY KEY REFERENCES organisations (id),
    offset_minutes  BIGINT NOT NULL CHECK (offset_minutes BETWEEN -840 AND 840),
    set_at          BIGINT NOT NULL
);

