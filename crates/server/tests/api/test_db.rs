//! A fresh database per test: a SQLite file in a temporary folder by default, or a fresh
//! PostgreSQL database when `PARLEY_TEST_DATABASE=postgres`, dropped again when the test ends.

use parley_server::configuration::CommonSettings;
use sqlx::{Connection, Executor};
use std::path::PathBuf;
use tempfile::TempDir;

/// The server every fresh PostgreSQL database is created on (trust authentication).
const POSTGRES_ADMIN_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

pub const CODE_KEY: &str = "test-key-0123456789";

fn postgres_admin_url() -> String {
    std::env::var("PARLEY_TEST_POSTGRES_URL").unwrap_or_else(|_| POSTGRES_ADMIN_URL.to_owned())
}

pub fn wants_postgres() -> bool {
    std::env::var("PARLEY_TEST_DATABASE").is_ok_and(|v| v.eq_ignore_ascii_case("postgres"))
}

/// Everything a test's server keeps on disk or in PostgreSQL; removed when dropped.
pub struct TestEnv {
    pub settings: CommonSettings,
    pub outbox_dir: PathBuf,
    // Field order is drop order: the PostgreSQL database goes first, then the folder.
    _postgres: Option<PostgresDatabase>,
    _dir: TempDir,
}

impl TestEnv {
    pub async fn new() -> Self {
        let dir = tempfile::tempdir().expect("creating a temporary folder");
        let outbox_dir = dir.path().join("outbox");
        let (url, postgres) = if wants_postgres() {
            let db = PostgresDatabase::create().await;
            (db.url.clone(), Some(db))
        } else {
            (format!("sqlite://{}", dir.path().join("parley.db").display()), None)
        };
        let settings = CommonSettings {
            database_url: Some(url),
            code_key: Some(parley_core::secret::Secret::new(CODE_KEY.into())),
            ..CommonSettings::throwaway(dir.path())
        };
        Self { settings, outbox_dir, _postgres: postgres, _dir: dir }
    }
}

/// A PostgreSQL database made for one test, dropped (with its connections) on drop.
pub struct PostgresDatabase {
    name: String,
    url: String,
}

impl PostgresDatabase {
    async fn create() -> Self {
        let admin = postgres_admin_url();
        let name = format!("parley_test_{}", uuid::Uuid::new_v4().simple());
        let mut conn = sqlx::PgConnection::connect(&admin)
            .await
            .unwrap_or_else(|e| panic!("PARLEY_TEST_DATABASE=postgres needs PostgreSQL at {admin}: {e}"));
        conn.execute(format!(r#"CREATE DATABASE "{name}""#).as_str()).await.expect("creating the test database");
        let _ = conn.close().await;
        let base = admin.rsplit_once('/').map_or(admin.as_str(), |(base, _)| base);
        Self { url: format!("{base}/{name}"), name }
    }
}

impl Drop for PostgresDatabase {
    /// Best effort: a separate thread with its own runtime, so it works whether or not the
    /// test's runtime is still running; `WITH (FORCE)` ends the server's open connections.
    fn drop(&mut self) {
        let name = self.name.clone();
        let admin = postgres_admin_url();
        let dropper = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread().enable_all().build() else { return };
            rt.block_on(async move {
                if let Ok(mut conn) = sqlx::PgConnection::connect(&admin).await {
                    let _ = conn.execute(format!(r#"DROP DATABASE IF EXISTS "{name}" WITH (FORCE)"#).as_str()).await;
                    let _ = conn.close().await;
                }
            });
        });
        let _ = dropper.join();
    }
}
