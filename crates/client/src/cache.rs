//! The local SQLite cache: contacts as the server last sent them, the sync cursor, the
//! server URL and the logged-in account. It lets the app open instantly on cached data.
//! Conversations, messages and the offline queue: [`crate::chat_store`].

use parley_core::wire::{ApiError, Contact, ContactsDelta, Me};
use parley_core::ErrorCode;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions};
use std::path::Path;

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

impl Cache {
    pub async fn open(path: &Path) -> Result<Self, ApiError> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(store_error)?;
        }
        let options =
            SqliteConnectOptions::new().filename(path).create_if_missing(true).journal_mode(SqliteJournalMode::Wal);
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
        sqlx::query(
            "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        )
        .bind(key)
        .bind(value)
        .execute(&self.pool)
        .await
        .map_err(store_error)?;
        Ok(())
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

    pub async fn contacts(&self) -> Result<Vec<Contact>, ApiError> {
        let rows: Vec<String> =
            sqlx::query_scalar("SELECT data FROM contacts").fetch_all(&self.pool).await.map_err(store_error)?;
        Ok(rows.iter().filter_map(|r| serde_json::from_str(r).ok()).collect())
    }

    /// Applies a delta (or replaces everything on a full resync) and stores its cursor, in
    /// one transaction, so the cache never holds a cursor its contacts are not at.
    pub async fn apply(&self, delta: &ContactsDelta) -> Result<(), ApiError> {
        let mut tx = self.pool.begin().await.map_err(store_error)?;
        if delta.full_resync {
            sqlx::query("DELETE FROM contacts").execute(&mut *tx).await.map_err(store_error)?;
        }
        for id in &delta.removed {
            sqlx::query("DELETE FROM contacts WHERE id = ?").bind(id).execute(&mut *tx).await.map_err(store_error)?;
        }
        for c in &delta.contacts {
            sqlx::query(
                "INSERT INTO contacts (id, data) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET data = excluded.data",
            )
            .bind(&c.id)
            .bind(serde_json::to_string(c).map_err(store_error)?)
            .execute(&mut *tx)
            .await
            .map_err(store_error)?;
        }
        sqlx::query(
            "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        )
        .bind(CURSOR)
        .bind(&delta.cursor)
        .execute(&mut *tx)
        .await
        .map_err(store_error)?;
        tx.commit().await.map_err(store_error)
    }

    /// Forgets the account's data (logout, session ended, another account or server).
    pub async fn clear_account(&self) -> Result<(), ApiError> {
        let mut tx = self.pool.begin().await.map_err(store_error)?;
        for table in ["contacts", "conversations", "messages", "outbox"] {
            sqlx::query(&format!("DELETE FROM {table}")).execute(&mut *tx).await.map_err(store_error)?;
        }
        sqlx::query("DELETE FROM meta WHERE key IN (?, ?)")
            .bind(CURSOR)
            .bind(ME)
            .execute(&mut *tx)
            .await
            .map_err(store_error)?;
        tx.commit().await.map_err(store_error)
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
        }
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
            })
            .await
            .unwrap();
        cache
            .apply(&ContactsDelta {
                contacts: vec![contact("a", "Anna")],
                removed: vec!["b".into()],
                cursor: "c1.4".into(),
                full_resync: false,
            })
            .await
            .unwrap();
        drop(cache);
        let cache = Cache::open(&path).await.unwrap();
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
            })
            .await
            .unwrap();
        assert_eq!(cache.contacts().await.unwrap().iter().map(|c| c.id.as_str()).collect::<Vec<_>>(), ["z"]);
        cache.clear_account().await.unwrap();
        assert!(cache.contacts().await.unwrap().is_empty() && cache.cursor().await.unwrap().is_none());
    }
}
