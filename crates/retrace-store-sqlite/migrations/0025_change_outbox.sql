-- The change outbox (docs/adr/0019-several-servers-one-database.md): one
-- row for every change to a person the matching index holds (the person,
-- its consents, its request's status) and to a gallery entry, written by
-- triggers in the same transaction as the change. `seq` is the database
-- position ("changes since N"); SQLite has one writer at a time, so
-- positions become visible in the order they are given. Rows are kept for
-- seven days (see the ADR). Append-only: never edit this file once it has
-- landed.

CREATE TABLE change_outbox (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    kind        TEXT NOT NULL CHECK (kind IN ('person', 'gallery')),
    object_id   TEXT NOT NULL,
    -- One process writes a SQLite database: no origin is recorded.
    origin      TEXT,
    created_at  INTEGER NOT NULL
) STRICT;

CREATE INDEX change_outbox_created ON change_outbox (created_at);

-- Every change up to `position` has had its candidate lists computed. A
-- server computes them after the change commits; one killed in between
-- recomputes, at its next start, the lists of the persons changed after
-- this position. Advanced with a lag of a minute behind the changes seen.
CREATE TABLE matching_checkpoint (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    position  INTEGER NOT NULL
) STRICT;

INSERT INTO matching_checkpoint (id, position) VALUES (1, 0);

CREATE TRIGGER persons_change_outbox_insert AFTER INSERT ON persons BEGIN
    INSERT INTO change_outbox (kind, object_id, created_at)
    VALUES ('person', NEW.id, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;

CREATE TRIGGER persons_change_outbox_update AFTER UPDATE ON persons BEGIN
    INSERT INTO change_outbox (kind, object_id, created_at)
    VALUES ('person', NEW.id, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;

CREATE TRIGGER persons_change_outbox_delete AFTER DELETE ON persons BEGIN
    INSERT INTO change_outbox (kind, object_id, created_at)
    VALUES ('person', OLD.id, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;

CREATE TRIGGER consents_change_outbox_insert AFTER INSERT ON consents BEGIN
    INSERT INTO change_outbox (kind, object_id, created_at)
    VALUES ('person', NEW.person_id, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;

CREATE TRIGGER consents_change_outbox_update AFTER UPDATE ON consents BEGIN
    INSERT INTO change_outbox (kind, object_id, created_at)
    VALUES ('person', NEW.person_id, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;

CREATE TRIGGER consents_change_outbox_delete AFTER DELETE ON consents BEGIN
    INSERT INTO change_outbox (kind, object_id, created_at)
    VALUES ('person', OLD.person_id, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;

CREATE TRIGGER tracing_requests_change_outbox AFTER UPDATE OF status ON tracing_requests
WHEN NEW.status IS NOT OLD.status BEGIN
    INSERT INTO change_outbox (kind, object_id, created_at)
    SELECT 'person', id, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)
    FROM persons WHERE request_id = NEW.id;
END;

CREATE TRIGGER gallery_entries_change_outbox_insert AFTER INSERT ON gallery_entries BEGIN
    INSERT INTO change_outbox (kind, object_id, created_at)
    VALUES ('gallery', NEW.id, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;

CREATE TRIGGER gallery_entries_change_outbox_update AFTER UPDATE ON gallery_entries BEGIN
    INSERT INTO change_outbox (kind, object_id, created_at)
    VALUES ('gallery', NEW.id, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;

CREATE TRIGGER gallery_entries_change_outbox_delete AFTER DELETE ON gallery_entries BEGIN
    INSERT INTO change_outbox (kind, object_id, created_at)
    VALUES ('gallery', OLD.id, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
