-- The work queue and notifications: when each member last read their
-- notifications, and indexes for the queue's per-organisation counts.
ALTER TABLE users ADD COLUMN notifications_read_at INTEGER;

CREATE INDEX releases_to_org ON releases (to_org, released_at);
CREATE INDEX family_messages_status ON family_messages (status, candidate_id);
CREATE INDEX tracing_requests_org_updated ON tracing_requests (org_id, updated_at);
