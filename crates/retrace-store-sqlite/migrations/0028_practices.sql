-- Smart practices (issue 14, item 2): practices submitted to a network by
-- a member organisation (or by the public, held for the network's
-- coordinators), peer-reviewed by two other member organisations, then
-- published and readable by anyone. Append-only: never edit this file
-- once it has landed.

CREATE TABLE practices (
    id               TEXT PRIMARY KEY NOT NULL,
    network_id       TEXT NOT NULL REFERENCES networks (id),
    -- The submitting organisation; NULL for a public submission until a
    -- coordinating organisation accepts it and becomes its sponsor.
    org_id           TEXT REFERENCES organisations (id),
    author_id        TEXT REFERENCES users (id),
    status           TEXT NOT NULL
                     CHECK (status IN ('held', 'in_review', 'published', 'declined')),
    language         TEXT NOT NULL,
    title            TEXT NOT NULL,
    -- Codes joined by commas, for display; filtered through practice_tags.
    stages           TEXT NOT NULL,
    support          TEXT NOT NULL,
    implementers     TEXT NOT NULL,
    funders          TEXT,
    countries        TEXT NOT NULL,
    target_group     TEXT NOT NULL,
    impact           TEXT NOT NULL,
    cost_amount      INTEGER,
    cost_currency    TEXT,
    challenges       TEXT,
    lessons          TEXT,
    recommendations  TEXT,
    objectives       TEXT NOT NULL,
    -- Folded, stemmed terms of every written field between spaces.
    terms            TEXT NOT NULL,
    submitted_at     INTEGER NOT NULL,
    published_at     INTEGER
) STRICT;

CREATE INDEX practices_status ON practices (status, submitted_at);
CREATE INDEX practices_network ON practices (network_id, status);

-- One row per filter value: stage:origin, support:legal, country:LY, gcm:7.
CREATE TABLE practice_tags (
    practice_id  TEXT NOT NULL REFERENCES practices (id),
    tag          TEXT NOT NULL,
    PRIMARY KEY (practice_id, tag)
) STRICT;

CREATE INDEX practice_tags_tag ON practice_tags (tag, practice_id);

-- One review per person and one per organisation.
CREATE TABLE practice_reviews (
    practice_id  TEXT NOT NULL REFERENCES practices (id),
    reviewer_id  TEXT NOT NULL REFERENCES users (id),
    org_id       TEXT NOT NULL REFERENCES organisations (id),
    verdict      TEXT NOT NULL CHECK (verdict IN ('approve', 'revise')),
    comment      TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (practice_id, reviewer_id),
    UNIQUE (practice_id, org_id)
) STRICT;
