//! The database: one `sqlx::AnyPool` over a SQLite file (default) or PostgreSQL, with the same
//! portable migrations run at start-up. Portable SQL means: TEXT ids (UUIDs), BIGINT instants
//! (Unix ms) and flags (0/1), `$n` placeholders in order, `RETURNING`, partial indexes.

use anyhow::Context;
use sqlx::any::AnyPoolOptions;
use sqlx::AnyPool;
use std::path::{Path, PathBuf};

pub type Db = AnyPool;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn of(url: &str) -> anyhow::Result<Self> {
        if url.starts_with("sqlite:") {
            Ok(Self::Sqlite)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Ok(Self::Postgres)
        } else {
            anyhow::bail!("unsupported database URL (use sqlite://… or postgres://…)")
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            Self::Sqlite => "sqlite",
            Self::Postgres => "postgres",
        }
    }
}

/// The SQLite file of a `sqlite://` URL, if it names one.
pub fn sqlite_path(url: &str) -> Option<PathBuf> {
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next()?;
    (!path.is_empty() && path != ":memory:").then(|| PathBuf::from(path))
}

/// Connects, creating the SQLite file and its folder when needed, and migrates.
pub async fn connect(url: &str) -> anyhow::Result<(Db, Backend)> {
    sqlx::any::install_default_drivers();
    let backend = Backend::of(url)?;
    let url = match backend {
        Backend::Sqlite => {
            if let Some(path) = sqlite_path(url) {
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    crate::private_files::create_dir(dir)?;
                }
                // The file is the server's alone (SQLite gives its -wal and -shm files the same
                // permissions).
                crate::private_files::ensure(&path)?;
            }
            if url.contains('?') {
                url.to_owned()
            } else {
                format!("{url}?mode=rwc")
            }
        }
        Backend::Postgres => url.to_owned(),
    };
    let max = if backend == Backend::Sqlite { 8 } else { 16 };
    let pool = AnyPoolOptions::new()
        .max_connections(max)
        // A SQLite connection lives in this process: a ping before each use is a round trip to
        // its worker thread for nothing. A PostgreSQL connection may have been dropped by the
        // server or the network, so it is still checked.
        .test_before_acquire(backend == Backend::Postgres)
        .after_connect(move |conn, _| {
            Box::pin(async move {
                if backend == Backend::Sqlite {
                    // WAL lets readers run beside the one writer; busy_timeout queues writers.
                    sqlx::query("PRAGMA journal_mode = WAL").execute(&mut *conn).await?;
                    sqlx::query("PRAGMA busy_timeout = 10000").execute(&mut *conn).await?;
                    sqlx::query("PRAGMA foreign_keys = ON").execute(&mut *conn).await?;
                    sqlx::query("PRAGMA synchronous = NORMAL").execute(&mut *conn).await?;
                    // Checkpoints run in the background ([`checkpoints`]), not inside whichever
                    // commit crosses the threshold while every other writer waits behind it.
                    sqlx::query("PRAGMA wal_autocheckpoint = 0").execute(&mut *conn).await?;
                }
                Ok(())
            })
        })
        .connect(&url)
        .await
        .with_context(|| format!("connecting to the {} database", backend.name()))?;
    sqlx::migrate!("./migrations").run(&pool).await.context("running migrations")?;
    crate::guest_search::ensure_index(&pool, backend).await.context("the guests search index")?;
    Ok((pool, backend))
}

/// SQLite only: copies the write-ahead log back into the database file every `period`, off the
/// commit path (`PASSIVE`: it never waits for, or blocks, readers and the writer), until
/// `shutdown`. The last connection to close checkpoints what is left.
pub async fn checkpoints(db: Db, period: std::time::Duration, shutdown: crate::shutdown::Shutdown) {
    loop {
        tokio::select! {
            _ = tokio::time::sleep(period) => {}
            _ = shutdown.wait() => return,
        }
        if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)").execute(&db).await {
            tracing::warn!(error = %e, "WAL checkpoint");
        }
    }
}

/// Queues the busiest writers (message sends, receipts) in the process on SQLite, where one
/// writer at a time holds the file: a writer that finds it taken would otherwise sleep in
/// SQLite's busy handler (1, 2, 5, 10… ms) even when it frees a moment later. Waiting here is
/// first come, first served and wakes at once. PostgreSQL needs no gate (row locks).
#[derive(Clone, Default)]
pub struct WriteGate(Option<std::sync::Arc<tokio::sync::Semaphore>>);

impl WriteGate {
    pub fn for_backend(backend: Backend) -> Self {
        Self((backend == Backend::Sqlite).then(|| std::sync::Arc::new(tokio::sync::Semaphore::new(1))))
    }
    /// Held until dropped: the caller's write transaction runs alone in this process.
    pub async fn enter(&self) -> Option<tokio::sync::SemaphorePermit<'_>> {
        match &self.0 {
            Some(gate) => gate.acquire().await.ok(),
            None => None,
        }
    }
}

/// Reads the code-hashing key, or creates one beside the SQLite file on first use.
pub fn code_key(explicit: Option<&str>, database_url: &str) -> anyhow::Result<Vec<u8>> {
    if let Some(k) = explicit {
        anyhow::ensure!(k.len() >= 16, "PARLEY_CODE_KEY must be at least 16 characters");
        return Ok(k.as_bytes().to_vec());
    }
    let Some(db_file) = sqlite_path(database_url) else {
        anyhow::bail!("set --code-key (PARLEY_CODE_KEY) when the database is not a SQLite file");
    };
    let key_file = db_file.with_extension("code-key");
    read_or_create_key(&key_file)
}

fn read_or_create_key(path: &Path) -> anyhow::Result<Vec<u8>> {
    if let Ok(existing) = std::fs::read_to_string(path) {
        crate::private_files::restrict(path)?;
        return hex::decode(existing.trim()).context("reading the code key file");
    }
    let key: [u8; 32] = rand::random();
    crate::private_files::write(path, hex::encode(key).as_bytes())?;
    Ok(key.to_vec())
}

/// Begins a transaction. On SQLite it takes the write lock at once (`BEGIN IMMEDIATE`): a
/// deferred transaction that reads and then writes fails at its first write, without waiting,
/// when another connection committed since its read ("database is locked") — a 500 for a
/// request that did nothing wrong. Taken at the start, the lock is waited for like any other
/// (`busy_timeout`). PostgreSQL begins as usual (row locks).
pub async fn begin(db: &Db) -> sqlx::Result<sqlx::Transaction<'static, sqlx::Any>> {
    if db.connect_options().database_url.scheme().starts_with("sqlite") {
        db.begin_with("BEGIN IMMEDIATE").await
    } else {
        db.begin().await
    }
}

/// A fresh UUID v7 (time-ordered, so ids sort by creation) as text.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// Bumps and returns the organisation-wide change sequence that orders contact changes
/// (SPEC §11). Run inside the writing transaction: the row lock orders commits by sequence.
pub async fn next_change_seq(conn: &mut sqlx::AnyConnection) -> sqlx::Result<i64> {
    sqlx::query_scalar("UPDATE counters SET value = value + 1 WHERE name = 'change_seq' RETURNING value")
        .fetch_one(conn)
        .await
}

pub async fn current_change_seq(db: &Db) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT value FROM counters WHERE name = 'change_seq'").fetch_one(db).await
}

/// A file-name-friendly, sortable prefix for an id made by [`new_id`]: its UUID v7
/// timestamp as `YYYYMMDDTHHMMSS` (or the id itself if it is not a v7 UUID).
pub fn new_id_instant_prefix(id: &str) -> String {
    let ms = uuid::Uuid::parse_str(id).ok().and_then(|u| u.get_timestamp()).map(|ts| {
        let (s, n) = ts.to_unix();
        s as i64 * 1000 + i64::from(n / 1_000_000)
    });
    match ms {
        Some(ms) => parley_core::time::format_utc(ms).replace(['-', ':'], "").replace(' ', "T").replace("TUTC", ""),
        None => id.to_owned(),
    }
}

/// `term` for a `LIKE … ESCAPE '\\'` pattern: its `%`, `_` and `\\` match themselves.
pub fn escape_like(term: &str) -> String {
    term.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}

#[cfg(test)]
mod migration_tests {
    use sqlx::Executor;

    /// Migration 0008 numbers the messages already stored: a database with history keeps
    /// the unread counters it had when they were counted.
    #[tokio::test]
    async fn stored_unread_counters_are_backfilled_from_existing_history() {
        sqlx::any::install_default_drivers();
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("old.db").display());
        let pool = sqlx::AnyPool::connect(&url).await.expect("pool");
        let all = sqlx::migrate!("./migrations");
        let mut before_0008 = sqlx::migrate!("./migrations");
        before_0008.migrations = all.migrations.iter().filter(|m| m.version < 8).cloned().collect::<Vec<_>>().into();
        before_0008.run(&pool).await.expect("migrations up to 0007");
        pool.execute(
            "PRAGMA foreign_keys = OFF; \
             INSERT INTO conversations (id, organisation_id, kind, created_by, created_at, last_seq) VALUES ('c', 'o', 'group', 'a', 0, 5); \
             INSERT INTO conversation_members (conversation_id, account_id, joined_at, read_seq) VALUES ('c', 'a', 0, 5), ('c', 'b', 0, 2); \
             INSERT INTO messages (id, conversation_id, seq, sender_id, kind, body, created_at) VALUES \
               ('m1', 'c', 1, 'a', 'text', 'x', 0), ('m2', 'c', 2, 'b', 'joined', 'x', 0), ('m3', 'c', 3, 'a', 'text', 'x', 0), \
               ('m4', 'c', 4, 'b', 'left', 'x', 0), ('m5', 'c', 5, 'a', 'text', 'x', 0);",
        )
        .await
        .expect("old history");
        all.run(&pool).await.expect("migration 0008");
        let numbers: Vec<i64> = sqlx::query_scalar("SELECT countable_no FROM messages ORDER BY seq")
            .fetch_all(&pool)
            .await
            .expect("numbers");
        assert_eq!(numbers, vec![1, 1, 2, 2, 3]);
        let countable: i64 =
            sqlx::query_scalar("SELECT countable FROM conversations").fetch_one(&pool).await.expect("c");
        assert_eq!(countable, 3);
        let bases: Vec<i64> = sqlx::query_scalar("SELECT read_countable FROM conversation_members ORDER BY account_id")
            .fetch_all(&pool)
            .await
            .expect("bases");
        assert_eq!(bases, vec![3, 1], "b read up to its arrival: two messages unread, as counted before");
    }
}

#[cfg(test)]
mod like_tests {
    #[test]
    fn like_wildcards_are_taken_literally() {
        assert_eq!(super::escape_like("50%_a\\"), "50\\%\\_a\\\\");
    }
}

#[cfg(test)]
mod file_permission_tests {
    use std::os::unix::fs::PermissionsExt;

    fn mode(p: &std::path::Path) -> u32 {
        std::fs::metadata(p).expect("metadata").permissions().mode() & 0o777
    }

    #[tokio::test]
    async fn the_database_its_journal_and_the_code_key_are_the_servers_alone() {
        let root = tempfile::tempdir().expect("temp dir");
        let file = root.path().join("data/parley.db");
        let url = format!("sqlite://{}", file.display());
        let (db, _) = super::connect(&url).await.expect("database");
        sqlx::query("UPDATE counters SET value = value + 1 WHERE name = 'change_seq'")
            .execute(&db)
            .await
            .expect("write");
        assert_eq!(mode(&root.path().join("data")), 0o700);
        assert_eq!(mode(&file), 0o600);
        let wal = file.with_extension("db-wal");
        if wal.exists() {
            assert_eq!(mode(&wal), 0o600, "the journal inherits the file's permissions");
        }
        super::code_key(None, &url).expect("key");
        assert_eq!(mode(&file.with_extension("code-key")), 0o600);
    }
}

#[cfg(test)]
mod transaction_tests {
    /// A transaction that reads, while another connection commits a write, then writes itself:
    /// both succeed (with a deferred `BEGIN` on SQLite the first one's write fails at once,
    /// "database is locked").
    #[tokio::test]
    async fn a_transaction_that_reads_then_writes_never_fails_on_a_concurrent_commit() {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}", dir.path().join("t.db").display());
        let (db, _) = super::connect(&url).await.expect("database");
        let mut first = super::begin(&db).await.expect("begin");
        let _: i64 = sqlx::query_scalar("SELECT value FROM counters WHERE name = 'change_seq'")
            .fetch_one(&mut *first)
            .await
            .expect("read");
        let other = db.clone();
        let second = tokio::spawn(async move {
            let mut tx = super::begin(&other).await?;
            sqlx::query("UPDATE counters SET value = value + 1 WHERE name = 'change_seq'").execute(&mut *tx).await?;
            tx.commit().await
        });
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        sqlx::query("UPDATE counters SET value = value + 10 WHERE name = 'change_seq'")
            .execute(&mut *first)
            .await
            .expect("the first one writes");
        first.commit().await.expect("and commits");
        second.await.expect("task").expect("the second one waited its turn");
        let value: i64 = sqlx::query_scalar("SELECT value FROM counters WHERE name = 'change_seq'")
            .fetch_one(&db)
            .await
            .expect("read");
        assert_eq!(value % 100, 11, "both writes landed: {value}");
    }
}
