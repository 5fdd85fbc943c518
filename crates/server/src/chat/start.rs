//! Starting a conversation (SPEC §7.3, §10): one-to-one or group, with people one sees
//! (SPEC §5) and within the guest profile (SPEC §6). A second one-to-one conversation with
//! the same person is the first one.

use crate::accounts::AccountRow;
use crate::conversations::{self, ConversationRow, Kind};
use crate::db::{new_id, Db};
use crate::error::{AppError, AppResult};
use crate::unit_of_work::UnitOfWork;
use parley_core::wire::{Conversation, ConversationKind, CreateConversationRequest};
use parley_core::ErrorCode;

/// A request to start a conversation, checked: its kind, the others in it (without the
/// starter, each once) and its name.
#[derive(Debug)]
pub struct NewConversation {
    pub kind: Kind,
    pub others: Vec<String>,
    pub name: Option<String>,
}

impl NewConversation {
    pub fn parse(me: &AccountRow, req: &CreateConversationRequest) -> AppResult<Self> {
        let mut others: Vec<String> = req.member_ids.iter().filter(|id| **id != me.id).cloned().collect();
        others.sort();
        others.dedup();
        let kind = match req.kind {
            ConversationKind::Direct if others.len() == 1 => Kind::Direct,
            ConversationKind::Direct => {
                return Err(AppError::with_message(
                    ErrorCode::InvalidRequest,
                    "A one-to-one conversation has exactly one other member.",
                ))
            }
            ConversationKind::Group if (1..conversations::MAX_MEMBERS).contains(&others.len()) => Kind::Group,
            ConversationKind::Group => {
                return Err(AppError::with_message(ErrorCode::InvalidRequest, "Choose at least one member."))
            }
            ConversationKind::System => {
                return Err(AppError::with_message(
                    ErrorCode::InvalidRequest,
                    "Only Parley writes system conversations.",
                ))
            }
        };
        let name = super::membership::parse_name(req.name.as_deref().unwrap_or_default())?;
        Ok(Self { kind, others, name })
    }
}

/// The open one-to-one conversation between `a` and `b`, if there is one.
pub async fn existing_direct(db: &Db, a: &str, b: &str) -> AppResult<Option<ConversationRow>> {
    let id: Option<String> = sqlx::query_scalar(
        "SELECT c.id FROM conversations c JOIN conversation_members ma ON ma.conversation_id = c.id \
         JOIN conversation_members mb ON mb.conversation_id = c.id \
         WHERE c.kind = 'direct' AND c.closed_at IS NULL AND ma.account_id = $1 AND mb.account_id = $2",
    )
    .bind(a)
    .bind(b)
    .fetch_optional(db)
    .await?;
    match id {
        Some(id) => Ok(conversations::by_id(db, &id).await?),
        None => Ok(None),
    }
}

/// Creates the conversation with `me` (its owner and admin when it is a group) and `members`,
/// who were checked by the caller; everyone in it re-evaluates whom they see. Answers the
/// conversation as `me` sees it.
pub async fn start(
    work: &mut UnitOfWork,
    me: &AccountRow,
    new: &NewConversation,
    members: &[AccountRow],
    now: i64,
) -> AppResult<Conversation> {
    let id = new_id();
    let group = new.kind == Kind::Group;
    sqlx::query(
        "INSERT INTO conversations (id, organisation_id, kind, name, created_by, created_at, owner_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&id)
    .bind(&me.organisation_id)
    .bind(new.kind.as_str())
    .bind(&new.name)
    .bind(&me.id)
    .bind(now)
    .bind(group.then_some(&me.id))
    .execute(&mut **work)
    .await?;
    conversations::add_member(work, &id, &me.id, group, now).await?;
    for m in members {
        conversations::add_member(work, &id, &m.id, false, now).await?;
    }
    crate::contact_audience::conversation_ties_changed(work, &id).await?;
    super::view::conversation_by_id(work, me, &id).await
}
