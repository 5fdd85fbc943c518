-- Sharing a conversation (SPEC §10.1): its owner, invitations to a member or to a department
-- queue, and external keys.

-- The owner invites; the creator until ownership is handed over.
ALTER TABLE conversations ADD COLUMN owner_id TEXT REFERENCES accounts (id);
UPDATE conversations SET owner_id = created_by;

CREATE TABLE conversation_invitations (
    id TEXT PRIMARY KEY,
    conversation_id TEXT NOT NULL REFERENCES conversations (id),
    inviter_id TEXT NOT NULL REFERENCES accounts (id),
    -- a member personally, or (NULL) the queue of a department: its first member to accept joins
    invitee_id TEXT REFERENCES accounts (id),
    department_id TEXT REFERENCES departments (id),
    -- active, then accepted / declined / cancelled / withdrawn (owner left or handed over) /
    -- closed (the conversation was closed)
    status TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    ended_at BIGINT,
    -- who accepted a queue invitation
    accepted_by TEXT REFERENCES accounts (id)
);
-- Never two active invitations for the same person (or queue) and conversation.
CREATE UNIQUE INDEX conversation_invitations_one_active_person
    ON conversation_invitations (conversation_id, invitee_id) WHERE status = 'active' AND invitee_id IS NOT NULL;
CREATE UNIQUE INDEX conversation_invitations_one_active_queue
    ON conversation_invitations (conversation_id, department_id) WHERE status = 'active' AND invitee_id IS NULL;
CREATE INDEX conversation_invitations_invitee ON conversation_invitations (invitee_id, status);
CREATE INDEX conversation_invitations_department ON conversation_invitations (department_id, status);

-- A member of a department who declined a queue invitation no longer sees it; the others do.
CREATE TABLE conversation_invitation_dismissals (
    invitation_id TEXT NOT NULL REFERENCES conversation_invitations (id),
    account_id TEXT NOT NULL REFERENCES accounts (id),
    PRIMARY KEY (invitation_id, account_id)
);

-- External keys: a link and a code whose redeemer becomes a guest of that one conversation.
CREATE TABLE conversation_keys (
    id TEXT PRIMARY KEY,
    conversation_id TEXT NOT NULL REFERENCES conversations (id),
    created_by TEXT NOT NULL REFERENCES accounts (id),
    -- keyed hash of the code, as for activation codes; the code itself is shown once
    code_hash TEXT NOT NULL,
    person_name TEXT NOT NULL,
    description TEXT NOT NULL,
    comments TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    -- active, redeemed, revoked
    status TEXT NOT NULL,
    redeemed_by TEXT REFERENCES accounts (id),
    redeemed_at BIGINT
);
CREATE UNIQUE INDEX conversation_keys_code ON conversation_keys (code_hash);
