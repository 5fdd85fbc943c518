-- Contacts are searched and paged from the cache (issue 12): each row keeps its name-order key,
-- its lower-cased search text and its department beside the JSON, so the app holds only a
-- compact index in memory and reads the rows a page shows. The old rows had none of these:
-- they are dropped with the cursor, and the next sync is a full one.
DROP TABLE contacts;
CREATE TABLE contacts (
    id TEXT PRIMARY KEY,
    data TEXT NOT NULL,
    sort_key TEXT NOT NULL,
    haystack TEXT NOT NULL,
    department_id TEXT NOT NULL,
    department_name TEXT NOT NULL
);
CREATE INDEX contacts_in_name_order ON contacts (sort_key);
DELETE FROM meta WHERE key = 'cursor';
