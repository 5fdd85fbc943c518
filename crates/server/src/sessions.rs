//! Sessions: opaque tokens handed out at login, stored only as hashes.

use crate::accounts::{AccountRow, SELECT_ACCOUNT};
use crate::db::{new_id, Db};
use crate::events::Event;
use crate::unit_of_work::UnitOfWork;
use parley_core::session::SessionToken;

pub async fn create(db: &Db, account_id: &str, now_ms: i64) -> sqlx::Result<SessionToken> {
    let token = SessionToken::generate();
    sqlx::query("INSERT INTO sessions (id, account_id, token_hash, created_at) VALUES ($1, $2, $3, $4)")
        .bind(new_id())
        .bind(account_id)
        .bind(token.hash())
        .bind(now_ms)
        .execute(db)
        .await?;
    Ok(token)
}

/// A live session and its account, read together.
#[derive(Debug, sqlx::FromRow)]
pub struct LiveSession {
    pub session_id: String,
    #[sqlx(flatten)]
    pub account: AccountRow,
}

/// The live session of a token with its account, in one query (every request runs it).
pub async fn find(db: &Db, token: &SessionToken) -> sqlx::Result<Option<LiveSession>> {
    sqlx::query_as(&format!(
        "SELECT s.id AS session_id, a.* FROM sessions s JOIN ({SELECT_ACCOUNT}) a ON a.id = s.account_id \
         WHERE s.token_hash = $1 AND s.revoked_at IS NULL"
    ))
    .bind(token.hash())
    .fetch_optional(db)
    .await
}

/// Revokes one session in the unit of work; its sockets close once the work commits.
pub async fn revoke(work: &mut UnitOfWork, account_id: &str, session_id: &str, now_ms: i64) -> sqlx::Result<()> {
    sqlx::query("UPDATE sessions SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
        .bind(now_ms)
        .bind(session_id)
        .execute(&mut **work)
        .await?;
    work.publish(Event::SessionsRevoked {
        account_id: account_id.to_owned(),
        session_ids: vec![session_id.to_owned()],
    });
    Ok(())
}

/// Revokes every live session of an account in the unit of work; their sockets close once the
/// work commits. Returns how many.
pub async fn revoke_all(work: &mut UnitOfWork, account_id: &str, now_ms: i64) -> sqlx::Result<usize> {
    let ids: Vec<String> = sqlx::query_scalar(
        "UPDATE sessions SET revoked_at = $1 WHERE account_id = $2 AND revoked_at IS NULL RETURNING id",
    )
    .bind(now_ms)
    .bind(account_id)
    .fetch_all(&mut **work)
    .await?;
    let n = ids.len();
    if n > 0 {
        work.publish(Event::SessionsRevoked { account_id: account_id.to_owned(), session_ids: ids });
    }
    Ok(n)
}
