-- CSV and XLSX import (issue 18, item 3).
-- Append-only: never edit this file once it has landed.

-- Each organisation's saved column mapping per kind of import
-- ('requests' or 'registrations'): which column of the file is which
-- field, as JSON. Imported rows are recorded in pfif_records with a
-- record id 'csv:...' (the mapped row id, or a hash of the row).
CREATE TABLE csv_import_mappings (
    org_id      TEXT NOT NULL REFERENCES organisations (id),
    kind        TEXT NOT NULL,
    mapping     TEXT NOT NULL,
    updated_at  INTEGER NOT NULL,
    updated_by  TEXT REFERENCES users (id),
    PRIMARY KEY (org_id, kind)
) STRICT;
