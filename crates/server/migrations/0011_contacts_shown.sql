-- Which contacts a viewer was shown that the visibility rule (SPEC §5) grants through a tie —
-- a guest and the member who invited them or shares a conversation with them — so that a
-- contacts delta lists as `removed` only what the viewer saw and no longer sees (SPEC §11),
-- never an account it never saw. Members see every member, and are not listed here.
CREATE TABLE contacts_shown (
    viewer_id TEXT NOT NULL,
    account_id TEXT NOT NULL,
    PRIMARY KEY (viewer_id, account_id)
);
-- What clients were shown before this table: every tie that holds now.
INSERT INTO contacts_shown (viewer_id, account_id)
    SELECT viewer_id, account_id FROM (
        SELECT m1.account_id AS viewer_id, m2.account_id AS account_id
        FROM conversation_members m1
        JOIN conversation_members m2 ON m2.conversation_id = m1.conversation_id AND m2.account_id <> m1.account_id
        JOIN accounts a1 ON a1.id = m1.account_id JOIN accounts a2 ON a2.id = m2.account_id
        WHERE (a1.kind = 'guest') <> (a2.kind = 'guest')
        UNION
        SELECT invited_by AS viewer_id, id AS account_id FROM accounts WHERE kind = 'guest' AND invited_by IS NOT NULL
        UNION
        SELECT id AS viewer_id, invited_by AS account_id FROM accounts WHERE kind = 'guest' AND invited_by IS NOT NULL
    ) ties;
