-- Chat (SPEC §10): messages numbered per conversation, receipts per member, idempotent sends.

-- The newest message's number; the next message takes last_seq + 1 under the row's lock.
ALTER TABLE conversations ADD COLUMN last_seq BIGINT NOT NULL DEFAULT 0;
-- How far each member has received and read (message numbers).
ALTER TABLE conversation_members ADD COLUMN delivered_seq BIGINT NOT NULL DEFAULT 0;
ALTER TABLE conversation_members ADD COLUMN read_seq BIGINT NOT NULL DEFAULT 0;

CREATE TABLE messages (
    id TEXT PRIMARY KEY,
    conversation_id TEXT NOT NULL REFERENCES conversations (id),
    seq BIGINT NOT NULL,
    -- NULL for the system account
    sender_id TEXT REFERENCES accounts (id),
    -- the sender's client-chosen id; NULL for notices the server writes
    client_id TEXT,
    kind TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
-- History pages and unread counts walk this index backwards or forwards.
CREATE UNIQUE INDEX messages_conversation_seq ON messages (conversation_id, seq);
-- Idempotency with no time window: one message per sender and client id, forever.
CREATE UNIQUE INDEX messages_sender_client_id ON messages (sender_id, client_id);
