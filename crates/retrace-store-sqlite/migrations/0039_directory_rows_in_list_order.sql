-- The directory's word rows and "open now" rows in the list's order
-- (docs/adr/0034-directory-rows-in-list-order.md): a search for a common word,
-- or for what is open at an hour, walks rows already in the list's order
-- (country, city, name, id) and stops after the page and the counted rows,
-- instead of reading every match and sorting it. Each row also carries what
-- visibility reads (visibility, organisation), so rows the viewer may not see
-- are skipped without reading the entry. The rows are written with their entry,
-- in its transaction; this migration fills them for the entries stored before.
-- Append-only: never edit this file once it has landed.

CREATE TABLE directory_words_placed (
    word       TEXT NOT NULL,
    country    TEXT NOT NULL,
    city_key   TEXT NOT NULL,
    name_key   TEXT NOT NULL,
    entry_id   TEXT NOT NULL REFERENCES directory_entries (id) ON DELETE CASCADE,
    visibility TEXT NOT NULL,
    -- Only for an entry visible to its own organisation, the one case
    -- visibility reads it: NULL otherwise.
    org_id     TEXT,
    PRIMARY KEY (word, country, city_key, name_key, entry_id)
) WITHOUT ROWID;

INSERT INTO directory_words_placed
    (word, country, city_key, name_key, entry_id, visibility, org_id)
SELECT w.word, e.country, e.city_key, e.name_key, e.id, e.visibility,
       CASE WHEN e.visibility = 'own_organisation' THEN e.org_id END
FROM directory_words w JOIN directory_entries e ON e.id = w.entry_id;

DROP TABLE directory_words;
ALTER TABLE directory_words_placed RENAME TO directory_words;
-- An entry's words, to test the other words of a query and to replace them.
CREATE INDEX directory_words_entry ON directory_words (entry_id, word);

-- One row per hour of the UTC week (1 to 168, as `substr` counts the
-- entry's `open_week`) in which the entry is open: `mark` '1' for the whole
-- hour, 'p' for part of it (then `directory_hours` decides). An entry open
-- the whole week has no rows (6.6 million rows for 100,000 entries became
-- 3.8 million): the index `directory_entries_always_open` lists those. No
-- foreign key: the store replaces an entry's rows by their primary key (its
-- old place and hours), and an index on `entry_id` would copy the whole key.
CREATE TABLE directory_open_hours (
    hour       INTEGER NOT NULL,
    country    TEXT NOT NULL,
    city_key   TEXT NOT NULL,
    name_key   TEXT NOT NULL,
    entry_id   TEXT NOT NULL,
    visibility TEXT NOT NULL,
    -- Only for an entry visible to its own organisation, the one case
    -- visibility reads it: NULL otherwise.
    org_id     TEXT,
    mark       TEXT NOT NULL CHECK (mark IN ('1', 'p')),
    PRIMARY KEY (hour, country, city_key, name_key, entry_id)
) WITHOUT ROWID;

INSERT INTO directory_open_hours
    (hour, country, city_key, name_key, entry_id, visibility, org_id, mark)
WITH RECURSIVE week (hour) AS (SELECT 1 UNION ALL SELECT hour + 1 FROM week WHERE hour < 168)
SELECT week.hour, e.country, e.city_key, e.name_key, e.id, e.visibility,
       CASE WHEN e.visibility = 'own_organisation' THEN e.org_id END,
       substr(e.open_week, week.hour, 1)
FROM directory_entries e JOIN week ON substr(e.open_week, week.hour, 1) IN ('1', 'p')
WHERE e.open_week <> '111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111';

-- The entries open the whole week, and those without a mark yet (stored
-- before migration 0037, until the store fills them; found by the exact
-- test), in the list's order.
CREATE INDEX directory_entries_always_open ON directory_entries
    (country, city_key, name_key, id, visibility, org_id)
    WHERE open_week = '111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111';
CREATE INDEX directory_entries_unmarked ON directory_entries (country, city_key, name_key, id)
    WHERE open_week = '';
