-- Library search done in the index (docs/adr/0014-library-search-in-the-index.md):
-- the full-text index also holds each document's facets (visibility,
-- organisation, language, type, countries, themes) as tokens of their own
-- column, so that visibility and filters are part of the full-text query,
-- and the matches are counted (up to a limit), ranked (the newest 1,000,
-- by `rank`, which is BM25 on the terms only) and paged without reading
-- the documents. The new index starts empty; the store refills it from the
-- documents' stored text when it migrates (`fill_library_index_if_empty`).
-- Append-only: never edit this file once it has landed.

DROP TABLE document_index;

CREATE VIRTUAL TABLE library_index USING fts5 (
    document_id UNINDEXED,
    terms,
    facets,
    tokenize = 'unicode61 remove_diacritics 0'
);

INSERT INTO library_index (library_index, rank) VALUES ('rank', 'bm25(0.0, 1.0, 0.0)');

-- The directory's order (country, city, name, id) in one index, so that a
-- page of a search is read in order and stops at its last row.
DROP INDEX directory_entries_place;
CREATE INDEX directory_entries_place ON directory_entries (country, city_key, name_key, id);
