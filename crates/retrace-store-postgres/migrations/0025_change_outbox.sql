-- The change outbox (docs/adr/0019-several-servers-one-database.md): one
-- row for every change to a person the matching index holds (the person,
-- its consents, its request's status) and to a gallery entry, written by
-- triggers in the same transaction as the change. `seq` is the database
-- position: every server process reads "changes since N" to follow the
-- changes other processes made, and an index snapshot records the position
-- it was taken at. A transaction that writes a row takes an advisory lock
-- until it commits, so positions become visible in the order they are
-- given: a reader that has seen position N never later finds a smaller
-- one. NOTIFY wakes the followers; the table is the truth. Rows are kept
-- for seven days (see the ADR). Append-only: never edit this file once it
-- has landed.

CREATE TABLE change_outbox (
    seq         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('person', 'gallery')),
    object_id   TEXT NOT NULL,
    -- The connection's application name: each server process names its
    -- connections uniquely, so a process knows its own changes.
    origin      TEXT,
    created_at  BIGINT NOT NULL
);

CREATE INDEX change_outbox_created ON change_outbox (created_at);

-- Every change up to `position` has had its candidate lists computed. A
-- server computes them after the change commits; one killed in between
-- recomputes, at its next start, the lists of the persons changed after
-- this position. Advanced with a lag of a minute behind the changes seen.
CREATE TABLE matching_checkpoint (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    position  BIGINT NOT NULL
);

INSERT INTO matching_checkpoint (id, position) VALUES (1, 0);

CREATE FUNCTION change_outbox_append(change_kind TEXT, changed_id TEXT) RETURNS VOID AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(19019);
    INSERT INTO change_outbox (kind, object_id, origin, created_at)
    VALUES (change_kind, changed_id, current_setting('application_name', true),
            CAST(floor(extract(epoch FROM clock_timestamp()) * 1000) AS BIGINT));
    PERFORM pg_notify('retrace_change_outbox', '');
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION change_outbox_person() RETURNS TRIGGER AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM change_outbox_append('person', OLD.id);
        RETURN OLD;
    END IF;
    PERFORM change_outbox_append('person', NEW.id);
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER persons_change_outbox AFTER INSERT OR UPDATE OR DELETE ON persons
    FOR EACH ROW EXECUTE FUNCTION change_outbox_person();

CREATE FUNCTION change_outbox_consent() RETURNS TRIGGER AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM change_outbox_append('person', OLD.person_id);
        RETURN OLD;
    END IF;
    PERFORM change_outbox_append('person', NEW.person_id);
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER consents_change_outbox AFTER INSERT OR UPDATE OR DELETE ON consents
    FOR EACH ROW EXECUTE FUNCTION change_outbox_consent();

CREATE FUNCTION change_outbox_request() RETURNS TRIGGER AS $$
DECLARE
    person_row RECORD;
BEGIN
    IF NEW.status IS DISTINCT FROM OLD.status THEN
        FOR person_row IN SELECT id FROM persons WHERE request_id = NEW.id LOOP
            PERFORM change_outbox_append('person', person_row.id);
        END LOOP;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER tracing_requests_change_outbox AFTER UPDATE ON tracing_requests
    FOR EACH ROW EXECUTE FUNCTION change_outbox_request();

CREATE FUNCTION change_outbox_gallery() RETURNS TRIGGER AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM change_outbox_append('gallery', OLD.id);
        RETURN OLD;
    END IF;
    PERFORM change_outbox_append('gallery', NEW.id);
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER gallery_entries_change_outbox AFTER INSERT OR UPDATE OR DELETE ON gallery_entries
    FOR EACH ROW EXECUTE FUNCTION change_outbox_gallery();
