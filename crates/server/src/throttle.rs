//! Sliding-window request limits per key (a phone number, a client address), kept in the
//! database so they hold across every node that shares it: N nodes never grant N times the
//! budget. The per-account failure budget of SPEC §4 lives in the database as well.
//!
//! Each check is one short transaction: it locks the key's row (the one writer on SQLite, the
//! row lock on PostgreSQL), drops the key's hits that left the window, counts the others and
//! records this one if it is within the limit. A refused hit is not recorded, so waiting
//! always helps.

use crate::db::Db;

/// One check in this many also prunes every key's expired hits.
const PRUNE_EVERY: u32 = 256;

/// Records a hit for `key` and tells whether it is within `limit` hits per `window_ms`.
pub async fn allow(db: &Db, key: &str, limit: u32, window_ms: i64, now_ms: i64) -> sqlx::Result<bool> {
    let since = now_ms - window_ms;
    let mut tx = crate::db::begin(db).await?;
    sqlx::query(
        "INSERT INTO throttle_keys (key, touched_at) VALUES ($1, $2) \
         ON CONFLICT (key) DO UPDATE SET touched_at = excluded.touched_at",
    )
    .bind(key)
    .bind(now_ms)
    .execute(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM throttle_hits WHERE key = $1 AND at <= $2")
        .bind(key)
        .bind(since)
        .execute(&mut *tx)
        .await?;
    let hits: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM throttle_hits WHERE key = $1").bind(key).fetch_one(&mut *tx).await?;
    let allowed = hits < i64::from(limit);
    if allowed {
        sqlx::query("INSERT INTO throttle_hits (key, at) VALUES ($1, $2)")
            .bind(key)
            .bind(now_ms)
            .execute(&mut *tx)
            .await?;
    }
    if rand::random::<u32>().is_multiple_of(PRUNE_EVERY) {
        sqlx::query("DELETE FROM throttle_hits WHERE at <= $1").bind(since).execute(&mut *tx).await?;
        sqlx::query("DELETE FROM throttle_keys WHERE touched_at <= $1").bind(since).execute(&mut *tx).await?;
    }
    tx.commit().await?;
    Ok(allowed)
}

#[cfg(test)]
mod tests {
    use super::allow;

    async fn db() -> (crate::db::Db, tempfile::TempDir) {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}", dir.path().join("t.db").display());
        (crate::db::connect(&url).await.expect("database").0, dir)
    }

    #[tokio::test]
    async fn limits_within_window_and_recovers() {
        let (db, _dir) = db().await;
        for i in 0..3 {
            assert!(allow(&db, "k", 3, 1000, i).await.expect("check"));
        }
        assert!(!allow(&db, "k", 3, 1000, 10).await.expect("check"));
        assert!(allow(&db, "other", 3, 1000, 10).await.expect("check"), "keys are independent");
        assert!(allow(&db, "k", 3, 1000, 1000).await.expect("check"), "the oldest hit left the window");
        assert!(!allow(&db, "k", 3, 1000, 1000).await.expect("check"), "the refused hit at 10 was not recorded");
    }

    #[tokio::test]
    async fn two_nodes_on_one_database_share_one_budget() {
        let (a, dir) = db().await;
        let url = format!("sqlite://{}", dir.path().join("t.db").display());
        let (b, _) = crate::db::connect(&url).await.expect("second pool");
        let checks = (0..10).map(|i| {
            let pool = if i % 2 == 0 { a.clone() } else { b.clone() };
            tokio::spawn(async move { allow(&pool, "shared", 4, 60_000, 100 + i).await.expect("check") })
        });
        let mut allowed = 0;
        for c in checks {
            allowed += usize::from(c.await.expect("task"));
        }
        assert_eq!(allowed, 4, "the budget is counted once for both");
    }
}
