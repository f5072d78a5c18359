-- Per-client rate limits counted in the database, so that every server
-- process behind a load balancer counts the same attempts
-- (docs/adr/0019-several-servers-one-database.md). A client is a keyed
-- hash of the limit's name and the client address (never the address), a
-- window is fixed; rows are deleted once their window has ended.
-- Append-only: never edit this file once it has landed.

CREATE TABLE rate_limit_counts (
    client_key    TEXT NOT NULL,
    window_start  BIGINT NOT NULL,
    window_end    BIGINT NOT NULL,
    hits          BIGINT NOT NULL,
    PRIMARY KEY (client_key, window_start)
);

CREATE INDEX rate_limit_counts_end ON rate_limit_counts (window_end);
