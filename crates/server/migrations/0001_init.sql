-- Portable across SQLite and PostgreSQL: TEXT ids, BIGINT Unix-ms instants and 0/1 flags.

CREATE TABLE organisations (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    guest_invitations_enabled BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);

CREATE TABLE departments (
    id TEXT PRIMARY KEY,
    organisation_id TEXT NOT NULL REFERENCES organisations (id),
    parent_id TEXT REFERENCES departments (id),
    name TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX departments_org ON departments (organisation_id);

CREATE TABLE accounts (
    id TEXT PRIMARY KEY,
    organisation_id TEXT NOT NULL REFERENCES organisations (id),
    department_id TEXT NOT NULL REFERENCES departments (id),
    kind TEXT NOT NULL,
    role TEXT NOT NULL,
    status TEXT NOT NULL,
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    phone TEXT NOT NULL,
    email TEXT,
    invited_by TEXT REFERENCES accounts (id),
    may_invite_guests BIGINT NOT NULL DEFAULT 0,
    terms_accepted_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    -- Position in the change sequence of the last change to this contact (SPEC §11).
    change_seq BIGINT NOT NULL
);
-- A phone number and an e-mail address belong to at most one live account per server (SPEC §4).
CREATE UNIQUE INDEX accounts_phone_live ON accounts (phone) WHERE status <> 'deleted';
CREATE UNIQUE INDEX accounts_email_live ON accounts (email) WHERE email IS NOT NULL AND status <> 'deleted';
CREATE INDEX accounts_org_seq ON accounts (organisation_id, change_seq);

CREATE TABLE department_admins (
    account_id TEXT NOT NULL REFERENCES accounts (id),
    department_id TEXT NOT NULL REFERENCES departments (id),
    PRIMARY KEY (account_id, department_id)
);

CREATE TABLE activation_codes (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (id),
    code_hash TEXT NOT NULL,
    purpose TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    wrong_tries BIGINT NOT NULL DEFAULT 0,
    used_at BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX activation_codes_account ON activation_codes (account_id, created_at);

CREATE TABLE login_failures (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (id),
    at BIGINT NOT NULL
);
CREATE INDEX login_failures_account ON login_failures (account_id, at);

CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (id),
    token_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);
CREATE INDEX sessions_account ON sessions (account_id);

CREATE TABLE outbox (
    id TEXT PRIMARY KEY,
    channel TEXT NOT NULL,
    recipient TEXT NOT NULL,
    subject TEXT,
    body_text TEXT NOT NULL,
    body_html TEXT,
    status TEXT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    locked_until BIGINT,
    last_error TEXT,
    created_at BIGINT NOT NULL,
    sent_at BIGINT
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);

-- In-app notices to administrators (e.g. an account locked after too many wrong codes).
CREATE TABLE admin_notices (
    id TEXT PRIMARY KEY,
    organisation_id TEXT NOT NULL REFERENCES organisations (id),
    recipient_id TEXT NOT NULL REFERENCES accounts (id),
    kind TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    read_at BIGINT
);
CREATE INDEX admin_notices_recipient ON admin_notices (recipient_id, created_at);

CREATE TABLE counters (
    name TEXT PRIMARY KEY,
    value BIGINT NOT NULL
);
INSERT INTO counters (name, value) VALUES ('change_seq', 0);
