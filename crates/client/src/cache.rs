//! The local SQLite cache: contacts as the server last sent them, the sync cursor, the
//! server URL and the logged-in account. It lets the app open instantly on cached data.
//! Conversations, messages and the offline queue: [`crate::chat_store`].

use crate::directory::{index_keys, Applied, Directory, IndexRow};
use parley_core::wire::{ApiError, Contact, ContactsDelta, Me};
use parley_core::ErrorCode;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions};
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// A cached contact as the app shows it: its phone number formatted here (deltas leave it to
/// the client, which formats only the rows it shows).
fn shown(data: &str) -> Option<Contact> {
    let mut c: Contact = serde_json::from_str(data).ok()?;
    if c.phone_display.is_empty() {
        c.phone_display = parley_core::PhoneNumber::display(&c.phone);
    }
    Some(c)
}

#[derive(Clone)]
pub struct Cache {
    pub(crate) pool: SqlitePool,
}

pub(crate) fn store_error(e: impl std::fmt::Display) -> ApiError {
    tracing::error!(error = %e, "local cache");
    ApiError::new(ErrorCode::LocalStore)
}

const CURSOR: &str = "cursor";
const SERVER_URL: &str = "server_url";
const ME: &str = "me";
/// How many contacts the cache holds, kept by the transaction that changes them: at start-up
/// the count is one row, not a walk of an index of 100,000 that may have left the page cache.
const CONTACT_COUNT: &str = "contact_count";
/// Contacts written by one statement (6 values each, 7 on a full resync: well within SQLite's 32,766).
const WRITE_CHUNK: usize = 40;

impl Cache {
    pub async fn open(path: &Path) -> Result<Self, ApiError> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(store_error)?;
        }
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // A cache: a commit may be lost with the machine's power, never corrupt the file.
            .synchronous(sqlx::sqlite::SqliteSynchronous::Normal)
            // A first sync writes tens of megabytes through the WAL: its file is cut back
            // after each checkpoint instead of keeping that size for ever.
            .pragma("journal_size_limit", "4194304");
        let pool = SqlitePoolOptions::new().max_connections(2).connect_with(options).await.map_err(store_error)?;
        sqlx::migrate!("./migrations").run(&pool).await.map_err(store_error)?;
        Ok(Self { pool })
    }

    async fn get_meta(&self, key: &str) -> Result<Option<String>, ApiError> {
        sqlx::query_scalar("SELECT value FROM meta WHERE key = ?")
            .bind(key)
            .fetch_optional(&self.pool)
            .await
            .map_err(store_error)
    }

    async fn set_meta(&self, key: &str, value: &str) -> Result<(), ApiError> {
        let mut connection = self.pool.acquire().await.map_err(store_error)?;
        put_meta(&mut connection, key, value).await
    }

    pub async fn server_url(&self) -> Result<Option<String>, ApiError> {
        self.get_meta(SERVER_URL).await
    }

    pub async fn set_server_url(&self, url: &str) -> Result<(), ApiError> {
        self.set_meta(SERVER_URL, url).await
    }

    pub async fn me(&self) -> Result<Option<Me>, ApiError> {
        Ok(self.get_meta(ME).await?.and_then(|s| serde_json::from_str(&s).ok()))
    }

    pub async fn set_me(&self, me: &Me) -> Result<(), ApiError> {
        self.set_meta(ME, &serde_json::to_string(me).map_err(store_error)?).await
    }

    pub async fn cursor(&self) -> Result<Option<String>, ApiError> {
        self.get_meta(CURSOR).await
    }

    /// Forgets the sync cursor: the next delta is a full list (what the account may see changed
    /// as a whole).
    pub async fn forget_cursor(&self) -> Result<(), ApiError> {
        sqlx::query("DELETE FROM meta WHERE key = ?").bind(CURSOR).execute(&self.pool).await.map_err(store_error)?;
        Ok(())
    }

    /// Every cached contact, in name order.
    pub async fn contacts(&self) -> Result<Vec<Contact>, ApiError> {
        let rows: Vec<String> = sqlx::query_scalar("SELECT data FROM contacts ORDER BY sort_key")
            .fetch_all(&self.pool)
            .await
            .map_err(store_error)?;
        Ok(rows.iter().filter_map(|r| shown(r)).collect())
    }

    pub async fn contact_count(&self) -> Result<u32, ApiError> {
        let mut connection = self.pool.acquire().await.map_err(store_error)?;
        Ok(u32::try_from(count_in(&mut connection).await?).unwrap_or(u32::MAX))
    }

    /// How many contacts there are, and a window of them in name order (what the list shows
    /// before the index is read).
    pub async fn contacts_in_order(&self, offset: u32, limit: u32) -> Result<(u32, Vec<Contact>), ApiError> {
        let rows: Vec<String> = sqlx::query_scalar("SELECT data FROM contacts ORDER BY sort_key LIMIT ? OFFSET ?")
            .bind(i64::from(limit))
            .bind(i64::from(offset))
            .fetch_all(&self.pool)
            .await
            .map_err(store_error)?;
        Ok((self.contact_count().await?, rows.iter().filter_map(|r| shown(r)).collect()))
    }

    /// The in-memory index of every contact, read in name order a row at a time (never the
    /// whole table in memory at once).
    pub async fn directory(&self) -> Result<Directory, ApiError> {
        use futures_util::TryStreamExt;
        let mut directory = Directory::default();
        let mut rows = sqlx::query_as::<_, IndexRow>(
            "SELECT rowid, sort_key, haystack, department_id, department_name FROM contacts ORDER BY sort_key",
        )
        .fetch(&self.pool);
        while let Some(row) = rows.try_next().await.map_err(store_error)? {
            directory.push(row);
        }
        Ok(directory.sorted())
    }

    /// The contacts of these rows, in the order given (a row gone meanwhile is left out).
    pub async fn contacts_at(&self, rowids: &[i64]) -> Result<Vec<Contact>, ApiError> {
        if rowids.is_empty() {
            return Ok(Vec::new());
        }
        let marks = vec!["?"; rowids.len()].join(", ");
        let sql = format!("SELECT rowid, data FROM contacts WHERE rowid IN ({marks})");
        let mut query = sqlx::query_as::<_, (i64, String)>(&sql);
        for id in rowids {
            query = query.bind(id);
        }
        let rows = query.fetch_all(&self.pool).await.map_err(store_error)?;
        let mut by_row: std::collections::HashMap<i64, String> = rows.into_iter().collect();
        Ok(rowids.iter().filter_map(|r| by_row.remove(r)).filter_map(|d| shown(&d)).collect())
    }

    /// Applies a delta (or replaces everything on a full resync) and stores its cursor, in
    /// one transaction, so the cache never holds a cursor its contacts are not at. Answers
    /// what the index must follow: the rows removed and written (on a full resync, every row,
    /// so the whole index is built from them without reading the cache again).
    pub async fn apply(&self, delta: &ContactsDelta) -> Result<Applied, ApiError> {
        if delta.full_resync {
            let mut list = self.begin_list().await?;
            list.write(&delta.contacts).await?;
            return Ok(Applied { written: list.finish(&delta.cursor).await?, ..Applied::default() });
        }
        let mut applied = Applied::default();
        let mut tx = self.pool.begin().await.map_err(store_error)?;
        let held = count_in(&mut tx).await?;
        for id in &delta.removed {
            let gone: Option<i64> = sqlx::query_scalar("DELETE FROM contacts WHERE id = ? RETURNING rowid")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await
                .map_err(store_error)?;
            applied.removed.extend(gone);
        }
        // The count follows the delta (what it adds, less what it removed) instead of counting
        // the whole table again: a delta costs what it changes, not the size of the directory.
        let ids: HashSet<&str> = delta.contacts.iter().map(|c| c.id.as_str()).collect();
        let known: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM contacts WHERE id IN (SELECT value FROM json_each(?))")
                .bind(serde_json::to_string(&ids).map_err(store_error)?)
                .fetch_one(&mut *tx)
                .await
                .map_err(store_error)?;
        let added = ids.len() as i64 - known;
        applied.written = upsert(&mut tx, &delta.contacts).await?;
        let now_held = held - applied.removed.len() as i64 + added;
        put_meta(&mut tx, CONTACT_COUNT, &now_held.to_string()).await?;
        set_cursor(&mut tx, &delta.cursor).await?;
        tx.commit().await.map_err(store_error)?;
        Ok(applied)
    }

    /// Starts replacing every contact with a whole list, written page by page in one
    /// transaction: until [`WholeList::finish`] the cache reads as before, and a list broken
    /// off leaves it as it was.
    pub async fn begin_list(&self) -> Result<WholeList, ApiError> {
        let mut tx = self.pool.begin().await.map_err(store_error)?;
        sqlx::query("DELETE FROM contacts").execute(&mut *tx).await.map_err(store_error)?;
        Ok(WholeList { tx, written: Vec::new(), ids: HashSet::new() })
    }

    /// Bytes of the database file holding data (its free pages left out; the WAL apart).
    pub async fn bytes_in_use(&self) -> Result<u64, ApiError> {
        let (pages, free, size): (i64, i64, i64) = sqlx::query_as(
            "SELECT (SELECT page_count FROM pragma_page_count()), (SELECT freelist_count FROM pragma_freelist_count()), \
             (SELECT page_size FROM pragma_page_size())",
        )
        .fetch_one(&self.pool)
        .await
        .map_err(store_error)?;
        Ok(((pages - free) * size) as u64)
    }

    /// Forgets the account's data (logout, session ended, another account or server).
    pub async fn clear_account(&self) -> Result<(), ApiError> {
        let mut tx = self.pool.begin().await.map_err(store_error)?;
        for table in ["contacts", "conversations", "messages", "outbox"] {
            sqlx::query(&format!("DELETE FROM {table}")).execute(&mut *tx).await.map_err(store_error)?;
        }
        sqlx::query("DELETE FROM meta WHERE key IN (?, ?, ?)")
            .bind(CURSOR)
            .bind(ME)
            .bind(CONTACT_COUNT)
            .execute(&mut *tx)
            .await
            .map_err(store_error)?;
        tx.commit().await.map_err(store_error)
    }
}

/// Many rows a statement: a first sync of 100,000 contacts is 2,500 statements, not 100,000
/// (more rows a statement cost more again: SQLite finds each bound parameter by walking a list).
fn insert_sql(rows: usize) -> String {
    let marks = vec!["(?, ?, ?, ?, ?, ?)"; rows].join(", ");
    format!(
        "INSERT INTO contacts (id, data, sort_key, haystack, department_id, department_name) VALUES {marks} \
         ON CONFLICT(id) DO UPDATE SET data = excluded.data, sort_key = excluded.sort_key, \
         haystack = excluded.haystack, department_id = excluded.department_id, \
         department_name = excluded.department_name \
         RETURNING rowid, sort_key, haystack, department_id, department_name"
    )
}

/// A delta's contacts written over what the cache holds: answers their rows as stored.
async fn upsert(tx: &mut sqlx::SqliteConnection, contacts: &[Contact]) -> Result<Vec<IndexRow>, ApiError> {
    let mut written = Vec::with_capacity(contacts.len());
    for chunk in contacts.chunks(WRITE_CHUNK) {
        let sql = insert_sql(chunk.len());
        let mut query = sqlx::query_as::<_, IndexRow>(&sql);
        for c in chunk {
            let (sort_key, haystack) = index_keys(c);
            query = query
                .bind(&c.id)
                .bind(serde_json::to_string(c).map_err(store_error)?)
                .bind(sort_key)
                .bind(haystack)
                .bind(&c.department_id)
                .bind(&c.department_name);
        }
        written.extend(query.fetch_all(&mut *tx).await.map_err(store_error)?);
    }
    Ok(written)
}

/// The contacts held: the kept count, or (a cache written before it was kept, or emptied)
/// the table counted.
async fn count_in(connection: &mut sqlx::SqliteConnection) -> Result<i64, ApiError> {
    let kept: Option<String> = sqlx::query_scalar("SELECT value FROM meta WHERE key = ?")
        .bind(CONTACT_COUNT)
        .fetch_optional(&mut *connection)
        .await
        .map_err(store_error)?;
    if let Some(n) = kept.and_then(|v| v.parse().ok()) {
        return Ok(n);
    }
    sqlx::query_scalar("SELECT COUNT(*) FROM contacts").fetch_one(&mut *connection).await.map_err(store_error)
}

async fn set_cursor(tx: &mut sqlx::SqliteConnection, cursor: &str) -> Result<(), ApiError> {
    put_meta(tx, CURSOR, cursor).await
}

async fn put_meta(tx: &mut sqlx::SqliteConnection, key: &str, value: &str) -> Result<(), ApiError> {
    sqlx::query("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value")
        .bind(key)
        .bind(value)
        .execute(&mut *tx)
        .await
        .map_err(store_error)?;
    Ok(())
}

/// A whole list on its way into the cache ([`Cache::begin_list`]).
pub struct WholeList {
    tx: sqlx::Transaction<'static, sqlx::Sqlite>,
    written: Vec<IndexRow>,
    ids: HashSet<String>,
}

impl WholeList {
    /// Contacts written so far.
    pub fn len(&self) -> usize {
        self.written.len()
    }

    pub fn is_empty(&self) -> bool {
        self.written.is_empty()
    }

    /// One page into the emptied table, numbered on from the pages before in the order given:
    /// a contact listed twice on a page counts once, as its last listing; one listed on an
    /// earlier page keeps that listing (the server lists each account once). The rows the
    /// index needs are kept as written rather than read back, which at 100,000 contacts would
    /// take half a second.
    pub async fn write(&mut self, contacts: &[Contact]) -> Result<(), ApiError> {
        let last: HashMap<&str, usize> = contacts.iter().enumerate().map(|(i, c)| (c.id.as_str(), i)).collect();
        let unique: Vec<&Contact> = contacts
            .iter()
            .enumerate()
            .filter(|(i, c)| last[c.id.as_str()] == *i && !self.ids.contains(&c.id))
            .map(|(_, c)| c)
            .collect();
        for chunk in unique.chunks(WRITE_CHUNK) {
            let marks = vec!["(?, ?, ?, ?, ?, ?, ?)"; chunk.len()].join(", ");
            let sql = format!(
                "INSERT INTO contacts (rowid, id, data, sort_key, haystack, department_id, department_name) VALUES {marks}"
            );
            let mut query = sqlx::query(&sql);
            let first = self.written.len();
            for c in chunk {
                let (sort_key, haystack) = index_keys(c);
                let rowid = self.written.len() as i64 + 1;
                query = query
                    .bind(rowid)
                    .bind(&c.id)
                    .bind(serde_json::to_string(c).map_err(store_error)?)
                    .bind(sort_key.clone())
                    .bind(haystack.clone())
                    .bind(&c.department_id)
                    .bind(&c.department_name);
                self.written.push(IndexRow {
                    rowid,
                    sort_key,
                    haystack,
                    department_id: c.department_id.clone(),
                    department_name: c.department_name.clone(),
                });
            }
            if let Err(e) = query.execute(&mut *self.tx).await {
                self.written.truncate(first);
                return Err(store_error(e));
            }
            self.ids.extend(chunk.iter().map(|c| c.id.clone()));
        }
        Ok(())
    }

    /// Stores the list's cursor and commits: answers every row written, for the index.
    pub async fn finish(mut self, cursor: &str) -> Result<Vec<IndexRow>, ApiError> {
        set_cursor(&mut self.tx, cursor).await?;
        put_meta(&mut self.tx, CONTACT_COUNT, &self.written.len().to_string()).await?;
        self.tx.commit().await.map_err(store_error)?;
        Ok(self.written)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use parley_core::role::{AccountKind, AccountStatus, Role};

    pub fn contact(id: &str, first: &str) -> Contact {
        Contact {
            id: id.into(),
            first_name: first.into(),
            last_name: "Doe".into(),
            phone: "+12015550100".into(),
            phone_display: "+1 201-555-0100".into(),
            email: None,
            kind: AccountKind::Member,
            role: Role::Member,
            status: AccountStatus::Active,
            department_id: "d".into(),
            department_name: "Sales".into(),
            access: Default::default(),
            access_ends_at: None,
            you_sponsor: false,
        }
    }

    /// What a full resync answers is the index the cache would give when read back: the same
    /// rows, the same contacts behind them, whatever the table held before and with a contact
    /// listed twice (its last listing wins, as in the table).
    #[tokio::test]
    async fn a_full_resync_answers_the_index_the_cache_holds() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::open(&dir.path().join("cache.db")).await.unwrap();
        let full = |contacts: Vec<Contact>, cursor: &str| ContactsDelta {
            contacts,
            removed: vec![],
            cursor: cursor.into(),
            full_resync: true,
            page: None,
        };
        cache.apply(&full((0..90).map(|i| contact(&format!("old{i}"), "Old")).collect(), "c1.90")).await.unwrap();
        let mut people: Vec<Contact> = (0..85).map(|i| contact(&format!("p{i}"), &format!("Name{}", 85 - i))).collect();
        people.push(contact("p3", "Renamed"));
        let applied = cache.apply(&full(people, "c2.86")).await.unwrap();
        assert!(applied.removed.is_empty());
        let built = Directory::from_rows(applied.written);
        let read = cache.directory().await.unwrap();
        assert_eq!(built.len(), 85);
        for search in ["", "name1", "renamed", "doe", "old"] {
            let query = crate::ipc::ContactsQuery { search: search.into(), department_id: None, offset: 0, limit: 100 };
            let (total, rows) = built.matching(&query);
            assert_eq!((total, rows.clone()), read.matching(&query), "search {search:?}");
            let shown = cache.contacts_at(&rows).await.unwrap();
            assert_eq!(shown.len(), rows.len());
        }
        let renamed = crate::ipc::ContactsQuery { search: "renamed".into(), department_id: None, offset: 0, limit: 9 };
        let (_, rows) = built.matching(&renamed);
        assert_eq!(cache.contacts_at(&rows).await.unwrap().iter().map(|c| c.id.as_str()).collect::<Vec<_>>(), ["p3"]);
    }

    /// A whole list written page by page: the cache reads as before until the last page is
    /// in, rows go on numbering across pages, an account listed again on a later page keeps
    /// its first listing, and a list broken off leaves the cache as it was.
    #[tokio::test]
    async fn a_whole_list_in_pages_replaces_the_cache_at_once_or_not_at_all() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::open(&dir.path().join("cache.db")).await.unwrap();
        let old: Vec<Contact> = (0..3).map(|i| contact(&format!("old{i}"), "Old")).collect();
        cache
            .apply(&ContactsDelta {
                contacts: old,
                removed: vec![],
                cursor: "c1.3".into(),
                full_resync: true,
                page: None,
            })
            .await
            .unwrap();

        let mut broken = cache.begin_list().await.unwrap();
        broken.write(&[contact("n1", "New")]).await.unwrap();
        assert_eq!(cache.contacts().await.unwrap().len(), 3, "readers see the old list meanwhile");
        drop(broken);
        assert_eq!(cache.contacts().await.unwrap().len(), 3, "a list broken off changes nothing");
        assert_eq!(cache.cursor().await.unwrap().as_deref(), Some("c1.3"));

        let mut list = cache.begin_list().await.unwrap();
        list.write(&(0..50).map(|i| contact(&format!("a{i:02}"), "First")).collect::<Vec<_>>()).await.unwrap();
        list.write(&[contact("b1", "Second"), contact("a07", "Again")]).await.unwrap();
        assert_eq!(list.len(), 51);
        let rows = list.finish("c1.9").await.unwrap();
        assert_eq!(rows.iter().map(|r| r.rowid).collect::<Vec<_>>(), (1..=51).collect::<Vec<_>>());
        assert_eq!(cache.cursor().await.unwrap().as_deref(), Some("c1.9"));
        let held = cache.contacts().await.unwrap();
        assert_eq!(held.len(), 51);
        assert!(held.iter().all(|c| !c.id.starts_with("old")));
        assert_eq!(held.iter().find(|c| c.id == "a07").map(|c| c.first_name.as_str()), Some("First"));
        let built = Directory::from_rows(rows);
        let query = crate::ipc::ContactsQuery { search: "second".into(), department_id: None, offset: 0, limit: 9 };
        assert_eq!(built.matching(&query), cache.directory().await.unwrap().matching(&query));
    }

    #[tokio::test]
    async fn deltas_merge_and_survive_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cache.db");
        let cache = Cache::open(&path).await.unwrap();
        cache
            .apply(&ContactsDelta {
                contacts: vec![contact("a", "Ann"), contact("b", "Ben")],
                removed: vec![],
                cursor: "c1.2".into(),
                full_resync: true,
                page: None,
            })
            .await
            .unwrap();
        assert_eq!(cache.contact_count().await.unwrap(), 2, "kept by a whole list");
        cache
            .apply(&ContactsDelta {
                contacts: vec![contact("a", "Anna")],
                removed: vec!["b".into()],
                cursor: "c1.4".into(),
                full_resync: false,
                page: None,
            })
            .await
            .unwrap();
        drop(cache);
        let cache = Cache::open(&path).await.unwrap();
        assert_eq!(cache.contact_count().await.unwrap(), 1);
        let all = cache.contacts().await.unwrap();
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].first_name, "Anna");
        assert_eq!(cache.cursor().await.unwrap().as_deref(), Some("c1.4"));
        cache
            .apply(&ContactsDelta {
                contacts: vec![contact("z", "Zed")],
                removed: vec![],
                cursor: "c1.9".into(),
                full_resync: true,
                page: None,
            })
            .await
            .unwrap();
        assert_eq!(cache.contacts().await.unwrap().iter().map(|c| c.id.as_str()).collect::<Vec<_>>(), ["z"]);
        cache
            .apply(&ContactsDelta {
                contacts: vec![contact("y", "Yan"), contact("z", "Zed")],
                removed: vec!["nobody".into()],
                cursor: "c1.10".into(),
                full_resync: false,
                page: None,
            })
            .await
            .unwrap();
        assert_eq!(cache.contact_count().await.unwrap(), 2, "one added, one changed, none removed");
        cache.clear_account().await.unwrap();
        assert_eq!(cache.contact_count().await.unwrap(), 0);
        let people = [contact("1", "Zoë"), contact("2", "amy"), contact("3", "Bob"), contact("4", "Émile")];
        cache
            .apply(&ContactsDelta {
                contacts: people.to_vec(),
                removed: vec![],
                cursor: "c1.1".into(),
                full_resync: true,
                page: None,
            })
            .await
            .unwrap();
        // Before the index is read, the list is paged from the cache: in the index's order.
        let directory = cache.directory().await.unwrap();
        for (offset, limit) in [(0, 10), (1, 2), (3, 5), (9, 1)] {
            let query = crate::ipc::ContactsQuery { search: " ".into(), department_id: None, offset, limit };
            let (total, rows) = directory.matching(&query);
            let (count, page) = cache.contacts_in_order(offset, limit).await.unwrap();
            assert_eq!((count, page), (total, cache.contacts_at(&rows).await.unwrap()));
        }
        cache.clear_account().await.unwrap();
        assert!(cache.contacts().await.unwrap().is_empty() && cache.cursor().await.unwrap().is_none());
    }
}
