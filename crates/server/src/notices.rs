//! In-app notices to people (admins told of a new guest, an inviter told of an activation):
//! stored, then pushed over the WebSocket once the transaction that made them commits.

use crate::db::{new_id, Db};
use crate::events::Event;
use crate::unit_of_work::UnitOfWork;
use parley_core::wire::Notice;

/// A notice written in a transaction, to publish after commit.
pub struct Pending {
    pub recipient_id: String,
    pub notice: Notice,
}

pub async fn create(
    conn: &mut sqlx::AnyConnection,
    organisation_id: &str,
    recipient_id: &str,
    kind: &str,
    body: &str,
    now_ms: i64,
) -> sqlx::Result<Pending> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO admin_notices (id, organisation_id, recipient_id, kind, body, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&id)
    .bind(organisation_id)
    .bind(recipient_id)
    .bind(kind)
    .bind(body)
    .bind(now_ms)
    .execute(conn)
    .await?;
    Ok(Pending {
        recipient_id: recipient_id.to_owned(),
        notice: Notice { id, kind: kind.to_owned(), body: body.to_owned(), created_at: now_ms, read: false },
    })
}

/// Queues the notices written in `work` for its recipients' sockets, after the commit.
pub fn announce(work: &mut UnitOfWork, pending: Vec<Pending>) {
    for p in pending {
        work.publish(Event::Notice { recipient_id: p.recipient_id, notice: p.notice });
    }
}

#[derive(sqlx::FromRow)]
struct Row {
    id: String,
    kind: String,
    body: String,
    created_at: i64,
    read_at: Option<i64>,
}

/// The newest notices of an account.
pub async fn list(db: &Db, recipient_id: &str, limit: i64) -> sqlx::Result<Vec<Notice>> {
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT id, kind, body, created_at, read_at FROM admin_notices WHERE recipient_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2",
    )
    .bind(recipient_id)
    .bind(limit)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Notice { id: r.id, kind: r.kind, body: r.body, created_at: r.created_at, read: r.read_at.is_some() })
        .collect())
}

pub async fn mark_all_read(db: &Db, recipient_id: &str, now_ms: i64) -> sqlx::Result<()> {
    sqlx::query("UPDATE admin_notices SET read_at = $1 WHERE recipient_id = $2 AND read_at IS NULL")
        .bind(now_ms)
        .bind(recipient_id)
        .execute(db)
        .await?;
    Ok(())
}
