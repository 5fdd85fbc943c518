-- Unread counters without counting (issue 10): every message carries the running number of
-- messages that count as unread in its conversation (all but arrival and departure notices),
-- the conversation keeps the newest, and each member the one at its read position. A member's
-- unread counter is the difference: constant work, whatever the backlog.
ALTER TABLE conversations ADD COLUMN countable BIGINT NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN countable_no BIGINT NOT NULL DEFAULT 0;
ALTER TABLE conversation_members ADD COLUMN read_countable BIGINT NOT NULL DEFAULT 0;

UPDATE messages SET countable_no = numbered.n
FROM (
    SELECT id, SUM(CASE WHEN kind IN ('joined', 'left') THEN 0 ELSE 1 END)
        OVER (PARTITION BY conversation_id ORDER BY seq) AS n
    FROM messages
) AS numbered
WHERE numbered.id = messages.id;

UPDATE conversations SET countable = COALESCE(
    (SELECT m.countable_no FROM messages m WHERE m.conversation_id = conversations.id AND m.seq = conversations.last_seq), 0);

UPDATE conversation_members SET read_countable = COALESCE(
    (SELECT m.countable_no FROM messages m
     WHERE m.conversation_id = conversation_members.conversation_id AND m.seq = conversation_members.read_seq), 0);
