-- Library search done in the index (docs/adr/0014-library-search-in-the-index.md):
-- each document's tsvector also holds its facets (visibility,
-- organisation, language, type, countries, themes) as lexemes behind a
-- `~` that no term has, so that visibility and filters are part of the
-- GIN query and the matches are counted and ranked without reading the
-- documents. The new index starts empty; the store refills it from the
-- documents' stored text when it migrates (`fill_library_index_if_empty`).
-- Append-only: never edit this file once it has landed.

DROP TABLE document_index;

-- `position` grows with each row: only the newest 1,000 matches of a
-- search are ranked (`ts_rank` reads every ranked row's vector), the
-- older ones follow newest first.
CREATE TABLE library_index (
    document_id  TEXT PRIMARY KEY REFERENCES documents (id) ON DELETE CASCADE,
    position     BIGINT GENERATED ALWAYS AS IDENTITY,
    terms        TSVECTOR NOT NULL
);

CREATE INDEX library_index_terms ON library_index USING GIN (terms);
CREATE INDEX library_index_position ON library_index (position);

-- The directory's order (country, city, name, id) in one index, so that a
-- page of a search is read in order and stops at its last row.
DROP INDEX directory_entries_place;
CREATE INDEX directory_entries_place ON directory_entries (country, city_key, name_key, id);
