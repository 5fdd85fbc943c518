-- Guest sponsors (SPEC §11.1): every guest has one, the inviter by default. A guest whose
-- sponsor left or lost the right to invite has none (NULL) and is suspended until someone takes
-- them over; `suspended_at` says since when.
ALTER TABLE accounts ADD COLUMN sponsor_id TEXT REFERENCES accounts (id);
ALTER TABLE accounts ADD COLUMN suspended_at BIGINT;
UPDATE accounts SET sponsor_id = invited_by WHERE kind = 'guest';
-- The guests a sponsor holds (read when the sponsor leaves or loses the right).
CREATE INDEX accounts_sponsor ON accounts (sponsor_id) WHERE sponsor_id IS NOT NULL;
-- The guests list's *Without sponsor* filter.
CREATE INDEX accounts_unsponsored ON accounts (organisation_id) WHERE kind = 'guest' AND sponsor_id IS NULL;

-- When the inviter was asked "Is this your guest?" (SPEC §11.1); NULL once answered, or never
-- asked. The guest sees only a waiting screen meanwhile.
ALTER TABLE accounts ADD COLUMN confirmation_asked_at BIGINT;

-- Access that ends (SPEC §11.1): at a date (`access_ends_at`), or with the conversation the
-- guest was invited into (`bound_conversation_id`: closed, or left last). `end_reminded_at`
-- claims the reminder before the end, `access_ended_at` the end's handling (sessions ended,
-- report row), each once whichever node gets there first.
ALTER TABLE accounts ADD COLUMN access_ends_at BIGINT;
ALTER TABLE accounts ADD COLUMN bound_conversation_id TEXT;
ALTER TABLE accounts ADD COLUMN end_reminded_at BIGINT;
ALTER TABLE accounts ADD COLUMN access_ended_at BIGINT;
CREATE INDEX accounts_access_ends ON accounts (access_ends_at) WHERE access_ends_at IS NOT NULL;
CREATE INDEX accounts_bound ON accounts (bound_conversation_id) WHERE bound_conversation_id IS NOT NULL;
-- A key whose guest keeps access only while in the key's conversation.
ALTER TABLE conversation_keys ADD COLUMN conversation_bound BIGINT NOT NULL DEFAULT 0;
-- The days of access its creator chose (NULL: the organisation's default at redemption).
ALTER TABLE conversation_keys ADD COLUMN access_days BIGINT;

-- The sponsor an activity row concerns: the one who left (a suspension), the new one (a take-over).
ALTER TABLE activity ADD COLUMN sponsor_id TEXT REFERENCES accounts (id);
