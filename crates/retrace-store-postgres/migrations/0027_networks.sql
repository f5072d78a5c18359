-- Networks (issue 14): regional networks of organisations, their members
-- and coordinating organisations, posts by kind with the countries they
-- concern, and what each member follows. Append-only: never edit this
-- file once it has landed.

CREATE TABLE networks (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    name_key     TEXT NOT NULL UNIQUE,
    description  TEXT NOT NULL,
    created_at   BIGINT NOT NULL
);

CREATE TABLE network_members (
    network_id  TEXT NOT NULL REFERENCES networks (id),
    org_id      TEXT NOT NULL REFERENCES organisations (id),
    role        TEXT NOT NULL CHECK (role IN ('member', 'coordinator')),
    joined_at   BIGINT NOT NULL,
    PRIMARY KEY (network_id, org_id)
);

CREATE INDEX network_members_org ON network_members (org_id, network_id);

CREATE TABLE network_posts (
    id          TEXT PRIMARY KEY,
    network_id  TEXT NOT NULL REFERENCES networks (id),
    org_id      TEXT NOT NULL REFERENCES organisations (id),
    author_id   TEXT REFERENCES users (id),
    kind        TEXT NOT NULL,
    title       TEXT NOT NULL,
    body        TEXT NOT NULL,
    -- The countries it concerns as `IT,LY` for display; searched through
    -- network_post_countries.
    countries   TEXT NOT NULL,
    action_org  TEXT REFERENCES organisations (id),
    action_due  TEXT,
    created_at  BIGINT NOT NULL
);

CREATE INDEX network_posts_network ON network_posts (network_id, created_at);
CREATE INDEX network_posts_kind ON network_posts (kind, created_at);

CREATE TABLE network_post_countries (
    post_id  TEXT NOT NULL REFERENCES network_posts (id),
    country  TEXT NOT NULL,
    PRIMARY KEY (post_id, country)
);

CREATE INDEX network_post_countries_country ON network_post_countries (country, post_id);

-- `follow` is `kind:<post kind>` or `country:<code>`.
CREATE TABLE network_follows (
    user_id     TEXT NOT NULL REFERENCES users (id),
    follow      TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (user_id, follow)
);
