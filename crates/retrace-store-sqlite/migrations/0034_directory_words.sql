-- Free-text search of the directory through a word index
-- (docs/adr/0024-directory-word-index.md): each entry's words (name, city,
-- description; folded, Arabic words also without their joined article),
-- found by prefix ranges instead of reading every entry with LIKE '%…%'.
-- The store fills it from the entries' search keys when it migrates
-- (`fill_directory_words`). Append-only: never edit this file once it has landed.

CREATE TABLE directory_words (
    word     TEXT NOT NULL,
    entry_id TEXT NOT NULL REFERENCES directory_entries (id) ON DELETE CASCADE,
    PRIMARY KEY (word, entry_id)
) WITHOUT ROWID;

CREATE INDEX directory_words_entry ON directory_words (entry_id);
