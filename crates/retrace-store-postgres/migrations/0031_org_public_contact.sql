-- An organisation's public contact (issue 15, item 9;
-- docs/adr/0027-poster-text-and-confirmation.md): set by its administrator,
-- shown on its gallery entries and posters. Public, so stored in clear.
-- Append-only: never edit this file once it has landed.
CREATE TABLE org_public_contacts (
    org_id  TEXT PRIMARY KEY REFERENCES organisations (id),
    phone   TEXT,
    email   TEXT,
    details TEXT,
    set_at  BIGINT NOT NULL
);
