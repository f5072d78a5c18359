-- The inbox and outbox filters (issue 11 benchmark, BENCHMARKS.md
-- "Referrals (issue 11)"): without these a filter that matches few of an
-- organisation's referrals walked all of them in date order.
CREATE INDEX referrals_to_org_status ON referrals (to_org, status, created_at);
CREATE INDEX referrals_from_org_status ON referrals (from_org, status, created_at);
CREATE INDEX referrals_to_org_stage ON referrals (to_org, stage, created_at);
CREATE INDEX referrals_from_org_stage ON referrals (from_org, stage, created_at);
CREATE INDEX referrals_to_org_urgency ON referrals (to_org, urgency, created_at);
CREATE INDEX referrals_from_org_urgency ON referrals (from_org, urgency, created_at);
-- The country filter goes through the other organisation's id.
CREATE INDEX referrals_to_org_from_org ON referrals (to_org, from_org, created_at);
CREATE INDEX referrals_from_org_to_org ON referrals (from_org, to_org, created_at);
