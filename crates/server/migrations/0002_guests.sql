-- External users (SPEC §3, §5–§7): organisation settings, invitations, the activity log, and
-- the minimum conversation model that visibility and invitations need.

-- All settings of SPEC §3 as one JSON document; missing keys take their defaults.
ALTER TABLE organisations ADD COLUMN settings TEXT NOT NULL DEFAULT '{}';
UPDATE organisations SET settings = '{"guest_invitations_enabled":true}' WHERE guest_invitations_enabled = 1;

CREATE TABLE invitations (
    id TEXT PRIMARY KEY,
    organisation_id TEXT NOT NULL REFERENCES organisations (id),
    guest_id TEXT NOT NULL REFERENCES accounts (id),
    inviter_id TEXT NOT NULL REFERENCES accounts (id),
    department_id TEXT NOT NULL REFERENCES departments (id),
    conversation_id TEXT,
    by_sms BIGINT NOT NULL,
    by_email BIGINT NOT NULL,
    details TEXT NOT NULL,
    -- pending until the guest activates; then accepted (or cancelled by an admin)
    status TEXT NOT NULL,
    reminders_sent BIGINT NOT NULL DEFAULT 0,
    last_reminder_at BIGINT,
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX invitations_guest ON invitations (guest_id);
CREATE INDEX invitations_org ON invitations (organisation_id, created_at);

-- Who did what to which guest, when (SPEC §9).
CREATE TABLE activity (
    id TEXT PRIMARY KEY,
    organisation_id TEXT NOT NULL REFERENCES organisations (id),
    actor_id TEXT NOT NULL REFERENCES accounts (id),
    action TEXT NOT NULL,
    guest_id TEXT NOT NULL REFERENCES accounts (id),
    at BIGINT NOT NULL
);
CREATE INDEX activity_org_at ON activity (organisation_id, at);

CREATE TABLE conversations (
    id TEXT PRIMARY KEY,
    organisation_id TEXT NOT NULL REFERENCES organisations (id),
    kind TEXT NOT NULL,
    name TEXT,
    created_by TEXT NOT NULL REFERENCES accounts (id),
    created_at BIGINT NOT NULL,
    closed_at BIGINT
);

CREATE TABLE conversation_members (
    conversation_id TEXT NOT NULL REFERENCES conversations (id),
    account_id TEXT NOT NULL REFERENCES accounts (id),
    is_admin BIGINT NOT NULL DEFAULT 0,
    joined_at BIGINT NOT NULL,
    PRIMARY KEY (conversation_id, account_id)
);
CREATE INDEX conversation_members_account ON conversation_members (account_id);
