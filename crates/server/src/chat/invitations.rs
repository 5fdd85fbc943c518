//! Sharing a group (SPEC §10.1): its owner invites members personally or through department
//! queues (first to accept joins), cancels them, hands ownership over or closes the group;
//! invitees accept and decline. Each way an invitation ends is here, each inside the caller's
//! unit of work; [`crate::sharing`] stores and lists them.

use crate::accounts::AccountRow;
use crate::conversations::{self, MemberRow};
use crate::db::{new_id, Db};
use crate::error::{AppError, AppResult};
use crate::events::Event;
use crate::messages;
use crate::sharing::{self, Ending, InvitationRow};
use crate::unit_of_work::UnitOfWork;
use parley_core::group_rights::GroupActions;
use parley_core::role::AccountKind;
use parley_core::wire::{Conversation, ConversationInvitation, MessageKind};
use parley_core::ErrorCode;

/// Whom an invitation goes to: a person (with their department) or a department queue.
type Target = (Option<String>, Option<String>);

/// The people and department queues an owner invites, checked: members only (guests come in by
/// a guest invitation or an external key), each one the owner sees (SPEC §5) and not already in
/// the group; departments of the owner's organisation.
pub struct Invitees {
    people: Vec<AccountRow>,
    queues: Vec<String>,
}

impl Invitees {
    pub async fn check(
        db: &Db,
        me: &AccountRow,
        members: &[MemberRow],
        actions: &GroupActions,
        mut people: Vec<String>,
        mut queues: Vec<String>,
    ) -> AppResult<Self> {
        people.sort();
        people.dedup();
        queues.sort();
        queues.dedup();
        if people.is_empty() && queues.is_empty() {
            return Err(AppError::with_message(ErrorCode::InvalidRequest, "Choose at least one member or department."));
        }
        // A department queue reaches people who may not see the one sharing (SPEC §5).
        if !queues.is_empty() && !actions.invite_queues {
            return Err(AppError::with_message(
                ErrorCode::Forbidden,
                "Only the owner of this conversation can invite a department.",
            ));
        }
        let people = super::access::visible_accounts(db, me, &people).await?;
        for t in &people {
            if t.organisation_id != me.organisation_id {
                return Err(AppError::with_message(ErrorCode::NotFound, "No such contact."));
            }
            if t.kind() != AccountKind::Member {
                return Err(AppError::with_message(
                    ErrorCode::InvalidRequest,
                    "Guests join through a guest invitation or an external key.",
                ));
            }
            if members.iter().any(|m| m.account_id == t.id) {
                return Err(AppError::with_message(
                    ErrorCode::Conflict,
                    format!("{} {} is already in this conversation.", t.first_name, t.last_name),
                ));
            }
        }
        for department_id in &queues {
            let known: Option<String> =
                sqlx::query_scalar("SELECT id FROM departments WHERE id = $1 AND organisation_id = $2")
                    .bind(department_id)
                    .bind(&me.organisation_id)
                    .fetch_optional(db)
                    .await?;
            if known.is_none() {
                return Err(AppError::with_message(ErrorCode::NotFound, "No such department."));
            }
        }
        Ok(Self { people, queues })
    }

    fn targets(&self) -> Vec<Target> {
        self.people
            .iter()
            .map(|t| (Some(t.id.clone()), Some(t.department_id.clone())))
            .chain(self.queues.iter().map(|d| (None, Some(d.clone()))))
            .collect()
    }
}

/// Invites `invitees` into the group; never two active invitations for the same person (or
/// queue) and conversation (SPEC §10.1). Answers the new invitations as the owner reads them.
pub async fn share(
    work: &mut UnitOfWork,
    me: &AccountRow,
    conversation_id: &str,
    invitees: &Invitees,
    now: i64,
) -> AppResult<Vec<ConversationInvitation>> {
    let targets = invitees.targets();
    let mut created = Vec::with_capacity(targets.len());
    for (invitee, department) in &targets {
        let invitation_id = new_id();
        let inserted = sqlx::query(
            "INSERT INTO conversation_invitations (id, conversation_id, inviter_id, invitee_id, department_id, status, created_at) \
             VALUES ($1, $2, $3, $4, $5, 'active', $6)",
        )
        .bind(&invitation_id)
        .bind(conversation_id)
        .bind(&me.id)
        .bind(invitee)
        .bind(department)
        .bind(now)
        .execute(&mut **work)
        .await;
        match inserted {
            Ok(_) => created.push(invitation_id),
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                let who = match invitee {
                    Some(person) => invitees
                        .people
                        .iter()
                        .find(|t| &t.id == person)
                        .map(|t| format!("{} {}", t.first_name, t.last_name))
                        .unwrap_or_default(),
                    None => "This department".to_owned(),
                };
                return Err(AppError::with_message(
                    ErrorCode::Conflict,
                    format!("{who} already has an invitation to this conversation."),
                ));
            }
            Err(e) => return Err(e.into()),
        }
    }
    sharing::announce(work, conversation_id, &targets, &[&me.id]).await?;
    let mut rows = Vec::with_capacity(created.len());
    for invitation_id in &created {
        rows.extend(sharing::by_id(&mut **work, invitation_id).await?);
    }
    super::view::invitations(work, rows).await
}

/// An active invitation `me` may answer (to them, or in their department's queue).
pub async fn addressed_to(db: &Db, me: &AccountRow, id: &str) -> AppResult<InvitationRow> {
    sharing::incoming(db, &me.id, &me.department_id).await?.into_iter().find(|i| i.id == id).ok_or_else(no_longer_open)
}

fn no_longer_open() -> AppError {
    AppError::with_message(ErrorCode::NotFound, "This invitation is no longer open.")
}

/// `me` accepts and joins, with an arrival notice; the first to accept a queue invitation
/// wins, the others find it gone.
pub async fn accept(
    work: &mut UnitOfWork,
    me: &AccountRow,
    invitation: &InvitationRow,
    now: i64,
) -> AppResult<Conversation> {
    if !sharing::end(work, &invitation.id, Ending::Accepted, Some(&me.id), now).await? {
        return Err(no_longer_open());
    }
    let conversation_id = invitation.conversation_id.as_str();
    conversations::add_member(work, conversation_id, &me.id, false, now).await?;
    let name = format!("{} {}", me.first_name, me.last_name);
    let message_id =
        messages::arrival_or_departure(work, conversation_id, &me.id, &name, MessageKind::Joined, now).await?;
    crate::contact_audience::conversation_ties_changed(work, conversation_id).await?;
    let targets = [(invitation.invitee_id.clone(), invitation.department_id.clone())];
    // `me` is in the conversation now, out of a queue's audience: told as well.
    sharing::announce(work, conversation_id, &targets, &[&invitation.inviter_id, &me.id]).await?;
    let member_ids = conversations::member_ids(&mut **work, conversation_id).await?;
    work.publish(Event::ConversationChanged {
        recipient_ids: member_ids.into(),
        conversation_id: conversation_id.to_owned(),
    });
    messages::announce(work, conversation_id, &message_id).await?;
    super::view::conversation_by_id(work, me, conversation_id).await
}

/// `me` declines: a personal invitation ends; a queue stays open for the rest of the
/// department, only `me` stops seeing it.
pub async fn decline(work: &mut UnitOfWork, me: &AccountRow, invitation: &InvitationRow, now: i64) -> AppResult<()> {
    if invitation.invitee_id.as_deref() == Some(me.id.as_str()) {
        sharing::end(work, &invitation.id, Ending::Declined, None, now).await?;
        sharing::announce(work, &invitation.conversation_id, &[], &[&me.id, &invitation.inviter_id]).await?;
    } else {
        sqlx::query("INSERT INTO conversation_invitation_dismissals (invitation_id, account_id) VALUES ($1, $2)")
            .bind(&invitation.id)
            .bind(&me.id)
            .execute(&mut **work)
            .await?;
        sharing::announce(work, &invitation.conversation_id, &[], &[&me.id]).await?;
    }
    Ok(())
}

/// The owner `me` cancels an active invitation.
pub async fn cancel(work: &mut UnitOfWork, me: &AccountRow, invitation: InvitationRow, now: i64) -> AppResult<()> {
    sharing::end(work, &invitation.id, Ending::Cancelled, None, now).await?;
    let targets = [(invitation.invitee_id, invitation.department_id)];
    sharing::announce(work, &invitation.conversation_id, &targets, &[&me.id]).await?;
    Ok(())
}

/// The owner `me` hands the group to another of its `members`; the owner's invitations are
/// withdrawn.
pub async fn hand_over(
    work: &mut UnitOfWork,
    me: &AccountRow,
    conversation_id: &str,
    members: &[MemberRow],
    heir_id: &str,
    now: i64,
) -> AppResult<Conversation> {
    if heir_id == me.id || !members.iter().any(|m| m.account_id == heir_id) {
        return Err(AppError::with_message(
            ErrorCode::InvalidRequest,
            "Hand the conversation to one of its other members.",
        ));
    }
    super::membership::make_owner(work, conversation_id, heir_id).await?;
    let ended = sharing::end_all(work, conversation_id, Ending::Withdrawn, now).await?;
    sharing::announce(work, conversation_id, &ended, &[&me.id]).await?;
    work.publish(super::membership::changed(members, conversation_id));
    super::view::conversation_by_id(work, me, conversation_id).await
}

/// The owner `me` closes the group: it disappears for everyone, with its open invitations.
pub async fn close(
    work: &mut UnitOfWork,
    me: &AccountRow,
    conversation_id: &str,
    members: &[MemberRow],
    now: i64,
) -> AppResult<()> {
    crate::contact_audience::conversation_ties_changed(work, conversation_id).await?;
    sqlx::query("UPDATE conversations SET closed_at = $1 WHERE id = $2")
        .bind(now)
        .bind(conversation_id)
        .execute(&mut **work)
        .await?;
    let ended = sharing::end_all(work, conversation_id, Ending::Closed, now).await?;
    sharing::announce(work, conversation_id, &ended, &[&me.id]).await?;
    work.publish(super::membership::changed(members, conversation_id));
    // Guests whose access was bound to this conversation lose it now (SPEC §11.1).
    crate::guest_ends::conversation_closed(work, conversation_id, now).await?;
    Ok(())
}
