-- Chat in the local cache (SPEC §10, §11): conversations and recent messages for instant,
-- offline reading, and the offline queue of messages not yet acknowledged by the server.
CREATE TABLE conversations (
    id TEXT PRIMARY KEY,
    data TEXT NOT NULL
);
-- Per conversation, a contiguous run of messages ending at the newest one known.
CREATE TABLE messages (
    conversation_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    client_id TEXT,
    data TEXT NOT NULL,
    PRIMARY KEY (conversation_id, seq)
);
-- Written offline or not yet acknowledged; sent in `position` order, removed only once the
-- server has stored the message (its answer or its live event carries the client id).
CREATE TABLE outbox (
    position INTEGER PRIMARY KEY AUTOINCREMENT,
    client_id TEXT NOT NULL UNIQUE,
    conversation_id TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    -- the server's refusal, when it refused (the message stays, shown as failed)
    error TEXT
);
