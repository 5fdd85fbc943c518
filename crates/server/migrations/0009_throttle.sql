-- Request throttles (SPEC §4: per phone number and per client address) kept in the database, so
-- they hold across every node sharing it instead of granting each node the whole budget. One
-- row per key serialises its hits (its row lock on PostgreSQL, the one writer on SQLite); the
-- hits themselves are a sliding log, pruned as they leave the window.
CREATE TABLE throttle_keys (
    key TEXT PRIMARY KEY,
    touched_at BIGINT NOT NULL
);
CREATE TABLE throttle_hits (
    key TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX throttle_hits_key_at ON throttle_hits (key, at);
