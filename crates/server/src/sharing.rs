//! Conversation invitations (SPEC §10.1): stored, listed, ended. An invitation is *active*
//! until it is accepted, declined, cancelled, withdrawn (its owner left or handed over) or its
//! conversation closed; the database keeps at most one active per person (or department
//! queue) and conversation.

use crate::db::Db;
use crate::events::Event;
use crate::unit_of_work::UnitOfWork;
use parley_core::wire::{ConversationInvitation, Department};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct InvitationRow {
    pub id: String,
    pub conversation_id: String,
    pub inviter_id: String,
    pub invitee_id: Option<String>,
    pub department_id: Option<String>,
    pub status: String,
    pub created_at: i64,
    pub conversation_name: Option<String>,
    pub inviter_first: String,
    pub inviter_last: String,
    pub department_name: Option<String>,
    pub department_parent: Option<String>,
}

const SELECT: &str = "SELECT i.id, i.conversation_id, i.inviter_id, i.invitee_id, i.department_id, i.status, \
    i.created_at, c.name AS conversation_name, a.first_name AS inviter_first, a.last_name AS inviter_last, \
    d.name AS department_name, d.parent_id AS department_parent \
    FROM conversation_invitations i JOIN conversations c ON c.id = i.conversation_id \
    JOIN accounts a ON a.id = i.inviter_id LEFT JOIN departments d ON d.id = i.department_id";

/// Why an active invitation ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    Accepted,
    Declined,
    Cancelled,
    /// Its owner left the conversation or handed ownership over.
    Withdrawn,
    /// The conversation was closed.
    Closed,
}

impl Ending {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Accepted => "accepted",
            Self::Declined => "declined",
            Self::Cancelled => "cancelled",
            Self::Withdrawn => "withdrawn",
            Self::Closed => "closed",
        }
    }
}

pub async fn by_id<'e, E: sqlx::Executor<'e, Database = sqlx::Any>>(
    db: E,
    id: &str,
) -> sqlx::Result<Option<InvitationRow>> {
    sqlx::query_as(&format!("{SELECT} WHERE i.id = $1")).bind(id).fetch_optional(db).await
}

/// The active invitations of one conversation, oldest first.
pub async fn active_for_conversation(db: &Db, conversation_id: &str) -> sqlx::Result<Vec<InvitationRow>> {
    sqlx::query_as(&format!(
        "{SELECT} WHERE i.conversation_id = $1 AND i.status = 'active' ORDER BY i.created_at, i.id"
    ))
    .bind(conversation_id)
    .fetch_all(db)
    .await
}

/// What an account may accept: invitations to it, and — for a member, never a guest (a queue
/// is for the department's members, SPEC §5) — those in its main department's queue that it
/// has not declined. Newest first.
pub async fn incoming(db: &Db, account_id: &str, department_id: &str) -> sqlx::Result<Vec<InvitationRow>> {
    sqlx::query_as(&format!(
        "{SELECT} WHERE i.status = 'active' AND (i.invitee_id = $1 OR (i.invitee_id IS NULL AND i.department_id = $2 \
         AND EXISTS (SELECT 1 FROM accounts viewer WHERE viewer.id = $3 AND viewer.kind = 'member') \
         AND NOT EXISTS (SELECT 1 FROM conversation_invitation_dismissals x WHERE x.invitation_id = i.id AND x.account_id = $4) \
         AND NOT EXISTS (SELECT 1 FROM conversation_members m WHERE m.conversation_id = i.conversation_id AND m.account_id = $5))) \
         ORDER BY i.created_at DESC, i.id"
    ))
    .bind(account_id)
    .bind(department_id)
    .bind(account_id)
    .bind(account_id)
    .bind(account_id)
    .fetch_all(db)
    .await
}

/// Ends one invitation if it is still active; false when something else ended it first.
pub async fn end(
    conn: &mut sqlx::AnyConnection,
    id: &str,
    ending: Ending,
    by: Option<&str>,
    now: i64,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE conversation_invitations SET status = $1, ended_at = $2, accepted_by = $3 WHERE id = $4 AND status = 'active'",
    )
    .bind(ending.as_str())
    .bind(now)
    .bind(by)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Ends every active invitation (and external key) of a conversation; answers the
/// invitations ended.
pub async fn end_all(
    conn: &mut sqlx::AnyConnection,
    conversation_id: &str,
    ending: Ending,
    now: i64,
) -> sqlx::Result<Vec<(Option<String>, Option<String>)>> {
    let ended: Vec<(Option<String>, Option<String>)> = sqlx::query_as(
        "SELECT invitee_id, department_id FROM conversation_invitations WHERE conversation_id = $1 AND status = 'active'",
    )
    .bind(conversation_id)
    .fetch_all(&mut *conn)
    .await?;
    sqlx::query(
        "UPDATE conversation_invitations SET status = $1, ended_at = $2 WHERE conversation_id = $3 AND status = 'active'",
    )
    .bind(ending.as_str())
    .bind(now)
    .bind(conversation_id)
    .execute(&mut *conn)
    .await?;
    // External keys are invitations too: they end with them.
    sqlx::query("UPDATE conversation_keys SET status = 'revoked' WHERE conversation_id = $1 AND status = 'active'")
        .bind(conversation_id)
        .execute(&mut *conn)
        .await?;
    Ok(ended)
}

/// Who hears of a change to invitations into `conversation_id`: each invitee, every active
/// member of each department queue who is not in the conversation already (it is not listed
/// to them), and `also` (the owner).
pub async fn audience(
    conn: &mut sqlx::AnyConnection,
    conversation_id: &str,
    targets: &[(Option<String>, Option<String>)],
    also: &[&str],
) -> sqlx::Result<Vec<String>> {
    let mut ids: Vec<String> = also.iter().map(|s| (*s).to_owned()).collect();
    for (invitee, department) in targets {
        match (invitee, department) {
            (Some(person), _) => ids.push(person.clone()),
            (None, Some(dept)) => {
                let members: Vec<String> = sqlx::query_scalar(
                    "SELECT id FROM accounts WHERE department_id = $1 AND kind = 'member' AND status <> 'deleted' \
                     AND id NOT IN (SELECT account_id FROM conversation_members WHERE conversation_id = $2)",
                )
                .bind(dept)
                .bind(conversation_id)
                .fetch_all(&mut *conn)
                .await?;
                ids.extend(members);
            }
            (None, None) => {}
        }
    }
    ids.sort();
    ids.dedup();
    Ok(ids)
}

/// Tells `targets` (and `also`) that their invitations into `conversation_id` changed, after
/// `work` commits.
pub async fn announce(
    work: &mut UnitOfWork,
    conversation_id: &str,
    targets: &[(Option<String>, Option<String>)],
    also: &[&str],
) -> sqlx::Result<()> {
    let recipients = audience(work, conversation_id, targets, also).await?;
    if !recipients.is_empty() {
        work.publish(Event::InvitationsChanged { recipient_ids: recipients.into() });
    }
    Ok(())
}

impl InvitationRow {
    /// The wire view; `title` and `member_count` come from the conversation as the caller
    /// computed them, `invitee` from the accounts table.
    pub fn to_wire(
        &self,
        title: String,
        member_count: u32,
        invitee: Option<parley_core::wire::Contact>,
    ) -> ConversationInvitation {
        ConversationInvitation {
            id: self.id.clone(),
            conversation_id: self.conversation_id.clone(),
            conversation_title: title,
            member_count,
            inviter_name: format!("{} {}", self.inviter_first, self.inviter_last),
            invitee,
            department: match (&self.department_id, &self.department_name) {
                (Some(id), Some(name)) if self.invitee_id.is_none() => {
                    Some(Department { id: id.clone(), name: name.clone(), parent_id: self.department_parent.clone() })
                }
                _ => None,
            },
            created_at: self.created_at,
        }
    }
}
