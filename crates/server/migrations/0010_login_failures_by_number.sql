-- Failed logins are counted per phone number (SPEC §4 counts them per account, and a number
-- belongs to at most one live account): a number without an account is counted the same way,
-- so a login does the same work and gets the same answers whether or not the number has one.
CREATE TABLE login_failures_by_number (
    id TEXT PRIMARY KEY,
    phone TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX login_failures_by_number_phone ON login_failures_by_number (phone, at);
INSERT INTO login_failures_by_number (id, phone, at)
    SELECT f.id, a.phone, f.at FROM login_failures f JOIN accounts a ON a.id = f.account_id;
DROP TABLE login_failures;
