-- The ALL group (SPEC §2): one organisation-wide group conversation of every member (never a
-- guest), open while the setting *display the group All* is on, closed (history kept) while
-- it is off. Nobody adds, removes, leaves or shares it: the organisation manages its members.
ALTER TABLE conversations ADD COLUMN org_wide BIGINT NOT NULL DEFAULT 0;
CREATE UNIQUE INDEX conversations_one_org_wide ON conversations (organisation_id) WHERE org_wide = 1;
