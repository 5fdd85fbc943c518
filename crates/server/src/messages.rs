//! Messages (SPEC §10): numbered per conversation under the conversation row's lock, stored
//! once per sender and client id (idempotent sending), read back in pages by number.

use crate::db::{new_id, Db};
use crate::events::Event;
use crate::unit_of_work::UnitOfWork;
use parley_core::wire::{Message, MessageKind, Receipt};

#[derive(Debug, Clone, sqlx::FromRow)]
struct MessageRow {
    id: String,
    conversation_id: String,
    seq: i64,
    client_id: Option<String>,
    sender_id: Option<String>,
    first_name: Option<String>,
    last_name: Option<String>,
    sender_kind: Option<String>,
    sender_status: Option<String>,
    kind: String,
    body: String,
    created_at: i64,
}

/// The system account's name, shown as the sender of welcome messages.
pub const SYSTEM_SENDER: &str = "Parley";
/// How a deleted guest's messages are signed (SPEC §8).
pub const FORMER_GUEST: &str = "Former guest";

const SELECT: &str = "SELECT m.id, m.conversation_id, m.seq, m.client_id, m.sender_id, a.first_name, a.last_name, \
    a.kind AS sender_kind, a.status AS sender_status, \
    m.kind, m.body, m.created_at FROM messages m LEFT JOIN accounts a ON a.id = m.sender_id";

fn kind_str(kind: MessageKind) -> &'static str {
    match kind {
        MessageKind::Text => "text",
        MessageKind::Joined => "joined",
        MessageKind::Left => "left",
        MessageKind::Welcome => "welcome",
    }
}

fn kind_of(s: &str) -> MessageKind {
    match s {
        "joined" => MessageKind::Joined,
        "left" => MessageKind::Left,
        "welcome" => MessageKind::Welcome,
        _ => MessageKind::Text,
    }
}

impl From<MessageRow> for Message {
    fn from(r: MessageRow) -> Self {
        let deleted_guest = r.sender_kind.as_deref() == Some("guest") && r.sender_status.as_deref() == Some("deleted");
        let sender_name = match (&r.sender_id, r.first_name, r.last_name) {
            (None, _, _) => SYSTEM_SENDER.to_owned(),
            // SPEC §8: a deleted guest's messages stay, shown as from a former guest.
            (Some(_), _, _) if deleted_guest => FORMER_GUEST.to_owned(),
            (Some(_), Some(f), Some(l)) => format!("{f} {l}"),
            (Some(_), _, _) => "Deleted user".to_owned(),
        };
        Message {
            id: r.id,
            conversation_id: r.conversation_id,
            seq: r.seq,
            client_id: r.client_id,
            sender_id: r.sender_id,
            sender_name,
            kind: kind_of(&r.kind),
            body: r.body,
            created_at: r.created_at,
        }
    }
}

/// What to write: a text from a member, or a notice the server writes.
pub struct NewMessage<'a> {
    pub conversation_id: &'a str,
    pub sender_id: Option<&'a str>,
    pub client_id: Option<&'a str>,
    pub kind: MessageKind,
    pub body: &'a str,
    pub now_ms: i64,
}

/// Appends a message inside the caller's transaction and returns its number. The `UPDATE …
/// RETURNING` takes the conversation row's write lock, so numbers are gap-free and in commit
/// order on both SQLite and PostgreSQL. The sender has read what they wrote.
pub async fn append(conn: &mut sqlx::AnyConnection, m: &NewMessage<'_>) -> sqlx::Result<(String, i64)> {
    let counts = i64::from(counts_as_unread(m.kind));
    let (seq, countable): (i64, i64) = sqlx::query_as(
        "UPDATE conversations SET last_seq = last_seq + 1, countable = countable + $1 WHERE id = $2 \
         RETURNING last_seq, countable",
    )
    .bind(counts)
    .bind(m.conversation_id)
    .fetch_one(&mut *conn)
    .await?;
    let id = new_id();
    sqlx::query(
        "INSERT INTO messages (id, conversation_id, seq, sender_id, client_id, kind, body, created_at, countable_no) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(&id)
    .bind(m.conversation_id)
    .bind(seq)
    .bind(m.sender_id)
    .bind(m.client_id)
    .bind(kind_str(m.kind))
    .bind(m.body)
    .bind(m.now_ms)
    .bind(countable)
    .execute(&mut *conn)
    .await?;
    if let (Some(sender), MessageKind::Text) = (m.sender_id, m.kind) {
        sqlx::query(
            "UPDATE conversation_members SET delivered_seq = $1, read_seq = $2, read_countable = $3 \
             WHERE conversation_id = $4 AND account_id = $5",
        )
        .bind(seq)
        .bind(seq)
        .bind(countable)
        .bind(m.conversation_id)
        .bind(sender)
        .execute(&mut *conn)
        .await?;
    }
    Ok((id, seq))
}

/// Writes "… joined the conversation." or "… left the conversation." as `who` (the one notice
/// of arrivals and departures, SPEC §10) and returns the message id, to publish after commit.
pub async fn arrival_or_departure(
    conn: &mut sqlx::AnyConnection,
    conversation_id: &str,
    who_id: &str,
    who_name: &str,
    kind: MessageKind,
    now_ms: i64,
) -> sqlx::Result<String> {
    let body = match kind {
        MessageKind::Left => format!("{who_name} left the conversation."),
        _ => format!("{who_name} joined the conversation."),
    };
    let new = NewMessage { conversation_id, sender_id: Some(who_id), client_id: None, kind, body: &body, now_ms };
    Ok(append(conn, &new).await?.0)
}

pub async fn by_id(conn: &mut sqlx::AnyConnection, id: &str) -> sqlx::Result<Option<Message>> {
    let row: Option<MessageRow> =
        sqlx::query_as(&format!("{SELECT} WHERE m.id = $1")).bind(id).fetch_optional(conn).await?;
    Ok(row.map(Message::from))
}

/// The message a sender already stored under `client_id`, if any.
pub async fn by_client_id(db: &Db, sender_id: &str, client_id: &str) -> sqlx::Result<Option<Message>> {
    let row: Option<MessageRow> = sqlx::query_as(&format!("{SELECT} WHERE m.sender_id = $1 AND m.client_id = $2"))
        .bind(sender_id)
        .bind(client_id)
        .fetch_optional(db)
        .await?;
    Ok(row.map(Message::from))
}

/// The newest message of every open conversation `account_id` is in, in one query.
pub async fn newest_of_conversations_of(db: &Db, account_id: &str) -> sqlx::Result<Vec<Message>> {
    let rows: Vec<MessageRow> = sqlx::query_as(&format!(
        "{SELECT} JOIN conversations c ON c.id = m.conversation_id AND m.seq = c.last_seq \
         JOIN conversation_members mine ON mine.conversation_id = c.id \
         WHERE mine.account_id = $1 AND c.closed_at IS NULL"
    ))
    .bind(account_id)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(Message::from).collect())
}

/// Up to `limit` messages numbered below `before`, oldest first; and whether older ones exist.
pub async fn before<'e, E: sqlx::Executor<'e, Database = sqlx::Any>>(
    db: E,
    conversation_id: &str,
    before: i64,
    limit: i64,
) -> sqlx::Result<(Vec<Message>, bool)> {
    let mut rows: Vec<MessageRow> =
        sqlx::query_as(&format!("{SELECT} WHERE m.conversation_id = $1 AND m.seq < $2 ORDER BY m.seq DESC LIMIT $3"))
            .bind(conversation_id)
            .bind(before)
            .bind(limit + 1)
            .fetch_all(db)
            .await?;
    let more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    rows.reverse();
    Ok((rows.into_iter().map(Message::from).collect(), more))
}

/// Up to `limit` messages numbered above `after`, oldest first; and whether newer ones exist.
pub async fn after(db: &Db, conversation_id: &str, after: i64, limit: i64) -> sqlx::Result<(Vec<Message>, bool)> {
    let mut rows: Vec<MessageRow> =
        sqlx::query_as(&format!("{SELECT} WHERE m.conversation_id = $1 AND m.seq > $2 ORDER BY m.seq LIMIT $3"))
            .bind(conversation_id)
            .bind(after)
            .bind(limit + 1)
            .fetch_all(db)
            .await?;
    let more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    Ok((rows.into_iter().map(Message::from).collect(), more))
}

/// Whether a message of this kind counts as unread for the others (arrival and departure
/// notices do not; the sender has read what they wrote).
fn counts_as_unread(kind: MessageKind) -> bool {
    !matches!(kind, MessageKind::Joined | MessageKind::Left)
}

/// Moves a member's positions forward (never back, never past `last_seq`, the newest message
/// the caller saw) in one statement and returns the receipt as it now stands, or None when
/// the account is not a member. Moving the read position also moves the member's unread
/// counter base to the running count of the message read up to.
pub async fn advance_receipt(
    db: &Db,
    conversation_id: &str,
    account_id: &str,
    last_seq: i64,
    delivered: Option<i64>,
    read: Option<i64>,
) -> sqlx::Result<Option<Receipt>> {
    let read = read.unwrap_or(0).clamp(0, last_seq);
    let delivered = delivered.unwrap_or(0).clamp(0, last_seq).max(read);
    let row: Option<(i64, i64)> = sqlx::query_as(
        "UPDATE conversation_members SET \
         delivered_seq = CASE WHEN delivered_seq < $1 THEN $2 ELSE delivered_seq END, \
         read_countable = CASE WHEN read_seq < $3 THEN COALESCE((SELECT m.countable_no FROM messages m \
             WHERE m.conversation_id = $4 AND m.seq = $5), read_countable) ELSE read_countable END, \
         read_seq = CASE WHEN read_seq < $6 THEN $7 ELSE read_seq END \
         WHERE conversation_id = $8 AND account_id = $9 RETURNING delivered_seq, read_seq",
    )
    .bind(delivered)
    .bind(delivered)
    .bind(read)
    .bind(conversation_id)
    .bind(read)
    .bind(read)
    .bind(read)
    .bind(conversation_id)
    .bind(account_id)
    .fetch_optional(db)
    .await?;
    Ok(row.map(|(delivered_seq, read_seq)| Receipt { account_id: account_id.to_owned(), delivered_seq, read_seq }))
}

/// Queues a message written in `work` (a notice the server wrote: arrivals, departures, the
/// welcome) for the sockets of the conversation's members, read as the history will show it;
/// published when `work` commits.
pub async fn announce(work: &mut UnitOfWork, conversation_id: &str, message_id: &str) -> sqlx::Result<()> {
    if let Some(message) = by_id(work, message_id).await? {
        let recipient_ids = crate::conversations::recipients(work, conversation_id).await?;
        work.publish(Event::Message { recipient_ids, message });
    }
    Ok(())
}
