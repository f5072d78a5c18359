-- "Open now" read from the entry's own row (docs/adr/0031-directory-open-now-by-hour.md):
-- `open_week` marks each hour of the UTC week, 168 characters from Monday
-- 00:00 UTC: '1' open the whole hour, '0' closed, 'p' open part of it (then
-- `directory_hours` decides). The store fills it for the entries stored
-- before (`fill_directory_open_week`); until then '' sends a search to
-- `directory_hours`. The index in the list's order holds every column the
-- filters read, so counting and filtering never read the entries' rows.
-- Append-only: never edit this file once it has landed.

ALTER TABLE directory_entries ADD COLUMN open_week TEXT NOT NULL DEFAULT '';

DROP INDEX directory_entries_place;
CREATE INDEX directory_entries_place ON directory_entries (country, city_key, name_key, id)
    INCLUDE (visibility, org_id, kind, services, languages, open_week);
