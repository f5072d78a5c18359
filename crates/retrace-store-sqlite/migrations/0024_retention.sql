-- Retention periods (issue 16, item 1; docs/adr/0018-retention-erasure-subject-access.md).
-- Append-only: never edit this file once it has landed.

-- The period an organisation administrator chose for one kind of record
-- (closed_requests, gallery_reports, outreach_follow_ups, exports), in
-- days. No row: the platform's default applies. The platform operator's
-- limits are settings, not rows: a period outside them is clamped when
-- the retention job reads it.
CREATE TABLE retention_periods (
    org_id   TEXT NOT NULL REFERENCES organisations (id),
    kind     TEXT NOT NULL CHECK (kind IN ('closed_requests', 'gallery_reports', 'outreach_follow_ups', 'exports')),
    days     INTEGER NOT NULL CHECK (days > 0),
    set_at   INTEGER NOT NULL,
    PRIMARY KEY (org_id, kind)
) STRICT;
