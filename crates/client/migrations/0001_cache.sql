-- The desktop client's local cache (SPEC §11): opens on cached data, works read-only offline.
CREATE TABLE contacts (
    id TEXT PRIMARY KEY,
    data TEXT NOT NULL
);
CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
