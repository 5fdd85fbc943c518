-- Administration of guests (SPEC §7.6, §8, §9).

-- Stamped with the change sequence when what an account may see changes as a whole (a guest
-- incorporated as a member): its next contacts delta is a full list.
ALTER TABLE accounts ADD COLUMN scope_seq BIGINT NOT NULL DEFAULT 0;

-- Invitation status: pending → accepted (activated) | incorporated | deleted | cancelled.
-- The counter *Guests created N* reads this index alone (pending and accepted = still guests).
CREATE INDEX invitations_org_status ON invitations (organisation_id, status, department_id);
CREATE INDEX invitations_pending ON invitations (status, last_reminder_at);

-- One monthly activity report e-mail per organisation and month, whichever node sends it.
CREATE TABLE report_mailings (
    organisation_id TEXT NOT NULL REFERENCES organisations (id),
    month TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (organisation_id, month)
);

-- What the guests search matches (SPEC §8): the guest's names both ways round, their number
-- without its plus sign, the inviter's name; lower-cased. Refreshed by `guests::refresh_search`
-- with this same expression. An index for substring search is added per database at start-up
-- (SQLite FTS5 trigram, PostgreSQL pg_trgm).
ALTER TABLE invitations ADD COLUMN search_text TEXT NOT NULL DEFAULT '';
UPDATE invitations SET search_text = LOWER(
    (SELECT g.first_name || ' ' || g.last_name || ' ' || g.last_name || ' ' || g.first_name || ' ' || REPLACE(g.phone, '+', '')
     FROM accounts g WHERE g.id = invitations.guest_id)
    || ' ' || (SELECT a.first_name || ' ' || a.last_name FROM accounts a WHERE a.id = invitations.inviter_id));
