-- A person's candidates are read by the person and its organisation
-- (`k.sought_id = p.id AND k.sought_org = p.org_id`, and the same for the
-- other side). With one index on the person and one on the organisation,
-- SQLite, which keeps no statistics, chose the organisation's index and read
-- every candidate of the organisation for each person: a request list's
-- candidate counts took 250 ms at 30,000 persons. One index on both columns
-- per side; it also serves every lookup by the other person alone.
CREATE INDEX candidates_sought_person ON candidates (sought_id, sought_org);
CREATE INDEX candidates_other_person ON candidates (other_id, other_org);
DROP INDEX candidates_other;
