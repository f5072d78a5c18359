-- The audit log read by who wrote an entry and by what it is about (an
-- administrator asking who opened a person's record), newest first.
CREATE INDEX audit_log_org_actor ON audit_log (org_id, actor, seq);
CREATE INDEX audit_log_org_object ON audit_log (org_id, object_id, seq);
