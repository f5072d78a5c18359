-- Erasure of a person (issue 16, item 2; docs/adr/0018-retention-erasure-subject-access.md).
-- Append-only: never edit this file once it has landed.

-- A candidate withdrawn because the person on the other side was erased:
-- what the organisation of the remaining side may still see. Its own
-- person, the candidate's id and when, nothing about the erased person or
-- the organisation that held them.
CREATE TABLE candidate_withdrawals (
    candidate_id   TEXT PRIMARY KEY NOT NULL,
    org_id         TEXT NOT NULL REFERENCES organisations (id),
    person_id      TEXT NOT NULL REFERENCES persons (id),
    withdrawn_at   INTEGER NOT NULL
) STRICT;

CREATE INDEX candidate_withdrawals_person ON candidate_withdrawals (person_id, withdrawn_at);
