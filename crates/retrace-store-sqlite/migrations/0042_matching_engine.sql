-- The fingerprint of the matching engine (normalisation, keys, model,
-- second stage) and of the service's rules for lists that last computed
-- every candidate list. A server of another engine recomputes them all at
-- its start (docs/adr/0054-lists-recomputed-under-a-new-engine.md). Lists
-- already stored were computed by an engine nobody recorded; none stored,
-- none to recompute (empty: the first server records its own).
ALTER TABLE matching_checkpoint ADD COLUMN engine TEXT NOT NULL DEFAULT '';
UPDATE matching_checkpoint SET engine = 'unrecorded' WHERE EXISTS (SELECT 1 FROM candidates);
