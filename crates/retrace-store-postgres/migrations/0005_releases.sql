-- What each side of a candidate released to the other organisation, as it
-- was at the moment of the release: later edits reach that organisation
-- only through a new release. A withdrawal of the sharing consent or an
-- at-risk flag sets withheld_at, and from then on the other side sees only
-- that the details were withdrawn and when. Releases made before this
-- migration keep the details as they are now, the best record there is.
-- Append-only: never edit this file once it has landed.

CREATE TABLE releases (
    candidate_id    TEXT NOT NULL REFERENCES candidates (id),
    -- The side that released: its person was disclosed to the other side.
    side            TEXT NOT NULL CHECK (side IN ('sought', 'other')),
    person_id       TEXT NOT NULL REFERENCES persons (id),
    to_org          TEXT NOT NULL REFERENCES organisations (id),
    details         TEXT NOT NULL,
    person_version  BIGINT NOT NULL,
    released_at     BIGINT NOT NULL,
    withheld_at     BIGINT,
    PRIMARY KEY (candidate_id, side)
);

CREATE INDEX releases_person ON releases (person_id);

INSERT INTO releases (candidate_id, side, person_id, to_org, details, person_version, released_at)
SELECT k.id, 'sought', k.sought_id, k.other_org, p.details, p.version, k.sought_released_at
FROM candidates k JOIN persons p ON p.id = k.sought_id
WHERE k.sought_released_at IS NOT NULL;

INSERT INTO releases (candidate_id, side, person_id, to_org, details, person_version, released_at)
SELECT k.id, 'other', k.other_id, k.sought_org, p.details, p.version, k.other_released_at
FROM candidates k JOIN persons p ON p.id = k.other_id
WHERE k.other_released_at IS NOT NULL;
