//! The minimum conversation model that visibility and invitations need (SPEC §5, §7.3):
//! conversations and their members. Messages arrive with the chat.

use crate::db::{next_change_seq, Db};
use std::collections::HashSet;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Direct,
    Group,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Direct => "direct",
            Self::Group => "group",
        }
    }
    pub fn from_db(s: &str) -> Option<Self> {
        match s {
            "direct" => Some(Self::Direct),
            "group" => Some(Self::Group),
            _ => None,
        }
    }
}

/// Ids of the accounts that share an open conversation with `account_id` (not itself).
pub async fn shared_with(db: &Db, account_id: &str) -> sqlx::Result<HashSet<String>> {
    let ids: Vec<String> = sqlx::query_scalar(
        "SELECT DISTINCT other.account_id FROM conversation_members mine \
         JOIN conversation_members other ON other.conversation_id = mine.conversation_id \
         JOIN conversations c ON c.id = mine.conversation_id \
         WHERE mine.account_id = $1 AND other.account_id <> $2 AND c.closed_at IS NULL",
    )
    .bind(account_id)
    .bind(account_id)
    .fetch_all(db)
    .await?;
    Ok(ids.into_iter().collect())
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ConversationRow {
    pub id: String,
    pub organisation_id: String,
    pub kind: String,
    pub name: Option<String>,
    pub created_by: String,
    pub created_at: i64,
}

pub async fn by_id(db: &Db, id: &str) -> sqlx::Result<Option<ConversationRow>> {
    sqlx::query_as(
        "SELECT id, organisation_id, kind, name, created_by, created_at FROM conversations WHERE id = $1 AND closed_at IS NULL",
    )
    .bind(id)
    .fetch_optional(db)
    .await
}

/// `(account id, is admin)` of every member.
pub async fn members(db: &Db, conversation_id: &str) -> sqlx::Result<Vec<(String, bool)>> {
    let rows: Vec<(String, i64)> = sqlx::query_as(
        "SELECT account_id, is_admin FROM conversation_members WHERE conversation_id = $1 ORDER BY joined_at, account_id",
    )
    .bind(conversation_id)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|(id, admin)| (id, admin != 0)).collect())
}

pub async fn add_member(
    conn: &mut sqlx::AnyConnection,
    conversation_id: &str,
    account_id: &str,
    is_admin: bool,
    now_ms: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO conversation_members (conversation_id, account_id, is_admin, joined_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(conversation_id)
    .bind(account_id)
    .bind(i64::from(is_admin))
    .bind(now_ms)
    .execute(conn)
    .await?;
    Ok(())
}

/// Stamps every member of a conversation with a new change sequence value, so every viewer's
/// next contacts delta re-evaluates their visibility (membership changed who sees whom).
pub async fn touch_members(conn: &mut sqlx::AnyConnection, conversation_id: &str) -> sqlx::Result<i64> {
    let seq = next_change_seq(&mut *conn).await?;
    sqlx::query(
        "UPDATE accounts SET change_seq = $1 WHERE id IN (SELECT account_id FROM conversation_members WHERE conversation_id = $2)",
    )
    .bind(seq)
    .bind(conversation_id)
    .execute(conn)
    .await?;
    Ok(seq)
}
