-- Lists that work (issue 15, item 7): a request may be assigned to a
-- caseworker of its organisation ("my requests"), and every list order
-- ends on the id so that pages are stable. See docs/adr/0023.
ALTER TABLE tracing_requests ADD COLUMN assigned_to TEXT REFERENCES users (id);

CREATE INDEX tracing_requests_org_assigned
    ON tracing_requests (org_id, assigned_to, created_at DESC, id);
CREATE INDEX tracing_requests_org_reference ON tracing_requests (org_id, reference, id);
CREATE INDEX persons_org_registrations_updated ON persons (org_id, role, updated_at DESC, id);
