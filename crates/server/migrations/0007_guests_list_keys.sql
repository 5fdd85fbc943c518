-- The guests list at 100,000 guests (SPEC §8, §13: search p99 ≤ 50 ms): what a page is sorted
-- on, kept on the invitation beside its search text, so a page is one walk of an index of
-- `invitations` alone; the guests' details are read for that page's rows only.
-- Written by `guest_search::refresh` (server code, from `core::admin::guest_search_text`);
-- rows with an older `search_version` are rewritten at start-up.
ALTER TABLE invitations ADD COLUMN search_version BIGINT NOT NULL DEFAULT 0;
ALTER TABLE invitations ADD COLUMN sort_first TEXT NOT NULL DEFAULT '';
ALTER TABLE invitations ADD COLUMN sort_last TEXT NOT NULL DEFAULT '';
ALTER TABLE invitations ADD COLUMN sort_user_id TEXT NOT NULL DEFAULT '';
ALTER TABLE invitations ADD COLUMN sort_inviter TEXT NOT NULL DEFAULT '';
ALTER TABLE invitations ADD COLUMN sort_group TEXT NOT NULL DEFAULT '';

-- One index per way of sorting, each ending in the tie-breakers (invitation date, id) and
-- carrying what every page tests (status, department), so a walk never reads the rows.
DROP INDEX invitations_org;
CREATE INDEX invitations_by_date ON invitations (organisation_id, created_at, id, status, department_id);
CREATE INDEX invitations_by_status ON invitations (organisation_id, status, created_at, id, department_id);
CREATE INDEX invitations_by_first ON invitations (organisation_id, sort_first, created_at, id, status, department_id);
CREATE INDEX invitations_by_last ON invitations (organisation_id, sort_last, created_at, id, status, department_id);
CREATE INDEX invitations_by_user_id ON invitations (organisation_id, sort_user_id, created_at, id, status, department_id);
CREATE INDEX invitations_by_inviter ON invitations (organisation_id, sort_inviter, created_at, id, status, department_id);
CREATE INDEX invitations_by_group ON invitations (organisation_id, sort_group, created_at, id, status, department_id);
-- What `guest_search::refresh` looks up when an inviter is renamed or a group renamed.
CREATE INDEX invitations_by_inviter_id ON invitations (inviter_id);
CREATE INDEX invitations_by_conversation ON invitations (conversation_id);
