-- A whole contact list is read in pages, in the order of account ids within an organisation
-- (contact_sync::list_page): each page starts where the last one ended.
CREATE INDEX accounts_org_id ON accounts (organisation_id, id);
