-- A random identity of this database, written once: what is kept outside
-- the database about its contents (the matching index snapshot) names it,
-- so a file made from another database is never taken for this one's.
CREATE TABLE database_identity (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    token TEXT NOT NULL
);
INSERT INTO database_identity (id, token) VALUES (1, lower(hex(randomblob(16))));
