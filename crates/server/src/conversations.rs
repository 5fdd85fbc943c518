//! Conversations and their members (SPEC §5, §10): who is in which conversation, who
//! administers it, and how far each member has received and read. Messages: [`crate::messages`].

use crate::db::{next_change_seq, Db};
use crate::events::Recipients;
use parley_core::role::{AccountKind, AccountStatus};
use std::collections::HashSet;

/// The most people in one conversation, its creator included (the ALL group excepted).
pub const MAX_MEMBERS: usize = 500;

/// How many members of the ALL group a conversation view lists (its member count says how
/// many there are): it holds the whole organisation, which Contacts already lists.
pub const ORG_WIDE_LISTED: i64 = 100;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Direct,
    Group,
    /// The system account's read-only conversation with one account (welcome message).
    System,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Direct => "direct",
            Self::Group => "group",
            Self::System => "system",
        }
    }
    pub fn from_db(s: &str) -> Option<Self> {
        match s {
            "direct" => Some(Self::Direct),
            "group" => Some(Self::Group),
            "system" => Some(Self::System),
            _ => None,
        }
    }
}

/// Ids of the accounts that share an open conversation with `account_id` (not itself). The
/// ALL group is left out: it only ever holds members, who see each other anyway.
pub async fn shared_with(db: &Db, account_id: &str) -> sqlx::Result<HashSet<String>> {
    let ids: Vec<String> = sqlx::query_scalar(
        "SELECT DISTINCT other.account_id FROM conversation_members mine \
         JOIN conversation_members other ON other.conversation_id = mine.conversation_id \
         JOIN conversations c ON c.id = mine.conversation_id \
         WHERE mine.account_id = $1 AND other.account_id <> $2 AND c.closed_at IS NULL AND c.org_wide = 0",
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
    pub last_seq: i64,
    /// Who shares it (SPEC §10.1); None for system conversations and the ALL group.
    pub owner_id: Option<String>,
    /// 1 for the organisation's ALL group ([`crate::all_group`]).
    pub org_wide: i64,
    /// How many of its messages count as unread (all but arrival and departure notices).
    pub countable: i64,
}

impl ConversationRow {
    /// The ALL group: its members follow the organisation, nobody manages them by hand.
    pub fn org_wide(&self) -> bool {
        self.org_wide != 0
    }
}

/// The columns of a [`ConversationRow`], for queries that add others.
macro_rules! conversation_columns {
    () => {
        "SELECT c.id, c.organisation_id, c.kind, c.name, c.created_by, c.created_at, c.last_seq, c.owner_id, \
         c.org_wide, c.countable"
    };
}
pub const SELECT_CONVERSATION: &str = concat!(conversation_columns!(), " FROM conversations c");

pub async fn by_id<'e, E: sqlx::Executor<'e, Database = sqlx::Any>>(
    db: E,
    id: &str,
) -> sqlx::Result<Option<ConversationRow>> {
    sqlx::query_as(&format!("{SELECT_CONVERSATION} WHERE c.id = $1 AND c.closed_at IS NULL"))
        .bind(id)
        .fetch_optional(db)
        .await
}

/// One member of a conversation with their role in it and their receipt positions.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MemberRow {
    pub account_id: String,
    pub is_admin: i64,
    pub delivered_seq: i64,
    pub read_seq: i64,
    /// The conversation's `countable` at this member's read position: its unread counter is
    /// the difference.
    pub read_countable: i64,
    /// The member's account kind (`member`, `guest`).
    pub member_kind: String,
}

impl MemberRow {
    pub fn unread(&self, conversation: &ConversationRow) -> i64 {
        (conversation.countable - self.read_countable).max(0)
    }
    pub fn admin(&self) -> bool {
        self.is_admin != 0
    }
    pub fn kind(&self) -> AccountKind {
        AccountKind::from_db(&self.member_kind).unwrap_or(AccountKind::Guest)
    }
}

/// Every member, in the order they joined; deleted accounts (e.g. deleted guests) are no
/// longer members: no events reach them and no list shows them.
pub async fn members(db: &Db, conversation_id: &str) -> sqlx::Result<Vec<MemberRow>> {
    sqlx::query_as(
        "SELECT m.account_id, m.is_admin, m.delivered_seq, m.read_seq, m.read_countable, a.kind AS member_kind \
         FROM conversation_members m JOIN accounts a ON a.id = m.account_id \
         WHERE m.conversation_id = $1 AND a.status <> 'deleted' ORDER BY m.joined_at, m.account_id",
    )
    .bind(conversation_id)
    .fetch_all(db)
    .await
}

/// `account_id`'s membership row, if it is a live member: one row, whatever the size.
pub async fn member<'e, E: sqlx::Executor<'e, Database = sqlx::Any>>(
    db: E,
    conversation_id: &str,
    account_id: &str,
) -> sqlx::Result<Option<MemberRow>> {
    sqlx::query_as(
        "SELECT m.account_id, m.is_admin, m.delivered_seq, m.read_seq, m.read_countable, a.kind AS member_kind \
         FROM conversation_members m JOIN accounts a ON a.id = m.account_id \
         WHERE m.conversation_id = $1 AND m.account_id = $2 AND a.status <> 'deleted'",
    )
    .bind(conversation_id)
    .bind(account_id)
    .fetch_optional(db)
    .await
}

/// A conversation row read together with one member's row.
#[derive(sqlx::FromRow)]
struct WithMembership {
    #[sqlx(flatten)]
    conversation: ConversationRow,
    #[sqlx(flatten)]
    member: MemberRow,
}

/// An open conversation and `account_id`'s live membership in it, in one query.
pub async fn with_membership(
    db: &Db,
    conversation_id: &str,
    account_id: &str,
) -> sqlx::Result<Option<(ConversationRow, MemberRow)>> {
    let row: Option<WithMembership> = sqlx::query_as(&format!(
        "{}, m.account_id, m.is_admin, m.delivered_seq, m.read_seq, m.read_countable, a.kind AS member_kind \
         FROM conversations c JOIN conversation_members m ON m.conversation_id = c.id \
         JOIN accounts a ON a.id = m.account_id \
         WHERE c.id = $1 AND c.closed_at IS NULL AND m.account_id = $2 AND a.status <> 'deleted'",
        conversation_columns!()
    ))
    .bind(conversation_id)
    .bind(account_id)
    .fetch_optional(db)
    .await?;
    Ok(row.map(|j| (j.conversation, j.member)))
}

/// Every open conversation `account_id` is a member of, with its membership row: the
/// conversation list in one query.
pub async fn of_account(db: &Db, account_id: &str) -> sqlx::Result<Vec<(ConversationRow, MemberRow)>> {
    let rows: Vec<WithMembership> = sqlx::query_as(concat!(
        conversation_columns!(),
        ", m.account_id, m.is_admin, m.delivered_seq, m.read_seq, m.read_countable, a.kind AS member_kind \
         FROM conversations c JOIN conversation_members m ON m.conversation_id = c.id \
         JOIN accounts a ON a.id = m.account_id WHERE m.account_id = $1 AND c.closed_at IS NULL"
    ))
    .bind(account_id)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|j| (j.conversation, j.member)).collect())
}

/// An open conversation `account_id` is a live member of, with who would hear a message in
/// it: every live member and their kind, or only `account_id` in the ALL group (whose
/// recipients follow the organisation). One query, the send path's only read.
pub async fn for_sending(
    db: &Db,
    conversation_id: &str,
    account_id: &str,
) -> sqlx::Result<Option<(ConversationRow, Vec<(String, AccountKind)>)>> {
    let rows: Vec<ConversationWithMember> = sqlx::query_as(&format!(
        "{}, m.account_id, a.kind AS member_kind \
         FROM conversations c JOIN conversation_members m ON m.conversation_id = c.id \
         JOIN accounts a ON a.id = m.account_id \
         WHERE c.id = $1 AND c.closed_at IS NULL AND a.status <> 'deleted' \
         AND (c.org_wide = 0 OR m.account_id = $2)",
        conversation_columns!()
    ))
    .bind(conversation_id)
    .bind(account_id)
    .fetch_all(db)
    .await?;
    if !rows.iter().any(|r| r.account_id == account_id) {
        return Ok(None);
    }
    let mut rows = rows.into_iter();
    let Some(first) = rows.next() else { return Ok(None) };
    let kind = |k: &str| AccountKind::from_db(k).unwrap_or(AccountKind::Guest);
    let mut members = vec![(first.account_id, kind(&first.member_kind))];
    members.extend(rows.map(|r| (r.account_id, kind(&r.member_kind))));
    Ok(Some((first.conversation, members)))
}

/// A conversation row read with one member's id and account kind.
#[derive(sqlx::FromRow)]
struct ConversationWithMember {
    #[sqlx(flatten)]
    conversation: ConversationRow,
    account_id: String,
    member_kind: String,
}

/// How many live members it has, the viewer included.
pub async fn member_count<'e, E: sqlx::Executor<'e, Database = sqlx::Any>>(
    db: E,
    conversation_id: &str,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM conversation_members m JOIN accounts a ON a.id = m.account_id \
         WHERE m.conversation_id = $1 AND a.status <> 'deleted'",
    )
    .bind(conversation_id)
    .fetch_one(db)
    .await
}

/// The first names of its first `limit` live members (not guests), in the order they joined:
/// the title of an unnamed group as someone outside it reads it, naming nobody they may not
/// see (SPEC §5).
pub async fn first_member_names(
    conn: &mut sqlx::AnyConnection,
    conversation_id: &str,
    limit: i64,
) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar(&format!(
        "SELECT a.first_name FROM conversation_members m JOIN accounts a ON a.id = m.account_id \
         WHERE m.conversation_id = $1 AND a.status <> 'deleted' AND a.kind = 'member' \
         ORDER BY m.joined_at, m.account_id LIMIT {limit}"
    ))
    .bind(conversation_id)
    .fetch_all(conn)
    .await
}

/// The ids of every live member, in the order they joined: on the pool, or in the caller's
/// transaction.
pub async fn member_ids<'e, E: sqlx::Executor<'e, Database = sqlx::Any>>(
    db: E,
    conversation_id: &str,
) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar(
        "SELECT m.account_id FROM conversation_members m JOIN accounts a ON a.id = m.account_id \
         WHERE m.conversation_id = $1 AND a.status <> 'deleted' ORDER BY m.joined_at, m.account_id",
    )
    .bind(conversation_id)
    .fetch_all(db)
    .await
}

/// Where a conversation's events go: its members, or for the ALL group the organisation's
/// members without listing them.
pub async fn recipients(conn: &mut sqlx::AnyConnection, conversation_id: &str) -> sqlx::Result<Recipients> {
    let row: Option<(String, i64)> =
        sqlx::query_as("SELECT organisation_id, org_wide FROM conversations WHERE id = $1")
            .bind(conversation_id)
            .fetch_optional(&mut *conn)
            .await?;
    match row {
        Some((organisation_id, org_wide)) if org_wide != 0 => Ok(Recipients::OrgMembers(organisation_id)),
        _ => Ok(member_ids(conn, conversation_id).await?.into()),
    }
}

pub async fn add_member(
    conn: &mut sqlx::AnyConnection,
    conversation_id: &str,
    account_id: &str,
    is_admin: bool,
    now_ms: i64,
) -> sqlx::Result<()> {
    // A newcomer sees the whole history (SPEC §10) but has not received any of it yet.
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

/// When who sees whom hangs on this conversation — a guest is in it (SPEC §5: members see
/// every member anyway) — stamps every member with a new change sequence value, so their next
/// contacts deltas re-evaluate each other, and answers that value with the members, the
/// people to tell ([`crate::contact_audience::ContactChange::tie`]). Without a guest, nothing.
pub async fn touch_members_if_tied(
    conn: &mut sqlx::AnyConnection,
    conversation_id: &str,
) -> sqlx::Result<Option<(i64, Vec<String>)>> {
    let members: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT m.account_id, a.kind, a.status FROM conversation_members m JOIN accounts a ON a.id = m.account_id \
         WHERE m.conversation_id = $1",
    )
    .bind(conversation_id)
    .fetch_all(&mut *conn)
    .await?;
    let live_guest = |(_, kind, status): &(String, String, String)| {
        kind == AccountKind::Guest.as_str() && status != AccountStatus::Deleted.as_str()
    };
    if !members.iter().any(live_guest) {
        return Ok(None);
    }
    let seq = next_change_seq(&mut *conn).await?;
    sqlx::query(
        "UPDATE accounts SET change_seq = $1 WHERE id IN (SELECT account_id FROM conversation_members WHERE conversation_id = $2)",
    )
    .bind(seq)
    .bind(conversation_id)
    .execute(conn)
    .await?;
    Ok(Some((seq, members.into_iter().map(|(id, _, _)| id).collect())))
}
