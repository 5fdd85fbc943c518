//! Sharing a group (SPEC §10.1): its owner invites members personally or through department
//! queues (first to accept joins), sees and cancels them, hands ownership over or closes the
//! group; invitees list, accept and decline. Each way an invitation ends is here.

use crate::accounts::{self, AccountRow};
use crate::conversations::{self, ConversationRow};
use crate::db::new_id;
use crate::error::{ApiJson, AppError, AppResult};
use crate::events::Event;
use crate::messages;
use crate::routes::conversations::{group_with_right, member_of, view, GroupRight};
use crate::routes::ActiveSession;
use crate::sharing::{self, Ending, InvitationRow};
use crate::state::AppState;
use crate::unit_of_work::UnitOfWork;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{delete, get, post, put};
use axum::Json;
use parley_core::role::AccountKind;
use parley_core::wire::{Conversation, ConversationInvitation, MessageKind, ShareConversationRequest};
use parley_core::ErrorCode;
use serde::Deserialize;

pub fn router() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/api/v1/conversations/{id}/invitations", get(list_sent).post(share))
        .route("/api/v1/conversations/{id}/owner", put(hand_over))
        .route("/api/v1/conversations/{id}/close", post(close))
        .route("/api/v1/conversation-invitations", get(list_incoming))
        .route("/api/v1/conversation-invitations/{id}", delete(cancel))
        .route("/api/v1/conversation-invitations/{id}/accept", post(accept))
        .route("/api/v1/conversation-invitations/{id}/decline", post(decline))
}

/// The group's name, or its members' first names, as an invitee (not yet in it) reads it.
async fn title_of(state: &AppState, row: &ConversationRow) -> AppResult<(String, u32)> {
    let members = conversations::members(&state.db, &row.id).await?;
    let count = u32::try_from(members.len()).unwrap_or(u32::MAX);
    if let Some(name) = &row.name {
        return Ok((name.clone(), count));
    }
    let mut names = Vec::new();
    for m in members.iter().take(4) {
        if let Some(a) = accounts::by_id(&state.db, &m.account_id).await? {
            names.push(a.first_name);
        }
    }
    Ok((names.join(", "), count))
}

async fn wire(state: &AppState, rows: Vec<InvitationRow>) -> AppResult<Vec<ConversationInvitation>> {
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let Some(conversation) = conversations::by_id(&state.db, &r.conversation_id).await? else { continue };
        let (title, count) = title_of(state, &conversation).await?;
        let invitee = match &r.invitee_id {
            Some(id) => accounts::by_id(&state.db, id).await?.map(|a| a.to_contact()),
            None => None,
        };
        out.push(r.to_wire(title, count, invitee));
    }
    Ok(out)
}

#[utoipa::path(post, path = "/api/v1/conversations/{id}/invitations", request_body = ShareConversationRequest,
    responses((status = 201, body = [ConversationInvitation]), (status = 403, body = parley_core::wire::ApiError),
              (status = 409, body = parley_core::wire::ApiError)), security(("bearer" = [])))]
pub async fn share(
    State(state): State<AppState>,
    session: ActiveSession,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<ShareConversationRequest>,
) -> AppResult<(StatusCode, Json<Vec<ConversationInvitation>>)> {
    let me = &session.account;
    let (_, members) = group_with_right(&state, me, &id, GroupRight::Owner).await?;
    let (mut people, mut queues) = (req.account_ids, req.department_ids);
    people.sort();
    people.dedup();
    queues.sort();
    queues.dedup();
    if people.is_empty() && queues.is_empty() {
        return Err(AppError::with_message(ErrorCode::InvalidRequest, "Choose at least one member or department."));
    }
    // Members only (guests come in by a guest invitation or an external key), whom the owner
    // sees (SPEC §5), not already in it.
    let mut invitees = Vec::new();
    for account_id in &people {
        let target = accounts::by_id(&state.db, account_id).await?;
        match target {
            Some(t) if t.organisation_id == me.organisation_id && me.sees(&state.db, &t).await? => {
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
                invitees.push(t);
            }
            _ => return Err(AppError::with_message(ErrorCode::NotFound, "No such contact.")),
        }
    }
    for department_id in &queues {
        let known: Option<String> =
            sqlx::query_scalar("SELECT id FROM departments WHERE id = $1 AND organisation_id = $2")
                .bind(department_id)
                .bind(&me.organisation_id)
                .fetch_optional(&state.db)
                .await?;
        if known.is_none() {
            return Err(AppError::with_message(ErrorCode::NotFound, "No such department."));
        }
    }
    let now = state.clock.now_ms();
    let mut work = UnitOfWork::begin(&state.db).await?;
    let mut created = Vec::new();
    let targets: Vec<(Option<String>, Option<String>)> = invitees
        .iter()
        .map(|t| (Some(t.id.clone()), Some(t.department_id.clone())))
        .chain(queues.iter().map(|d| (None, Some(d.clone()))))
        .collect();
    for (invitee, department) in &targets {
        let invitation_id = new_id();
        let inserted = sqlx::query(
            "INSERT INTO conversation_invitations (id, conversation_id, inviter_id, invitee_id, department_id, status, created_at) \
             VALUES ($1, $2, $3, $4, $5, 'active', $6)",
        )
        .bind(&invitation_id)
        .bind(&id)
        .bind(&me.id)
        .bind(invitee)
        .bind(department)
        .bind(now)
        .execute(&mut *work)
        .await;
        match inserted {
            Ok(_) => created.push(invitation_id),
            // SPEC §10.1: never two active invitations for the same person and conversation.
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                let who = match invitee {
                    Some(person) => invitees
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
    sharing::announce(&mut work, &targets, &[&me.id]).await?;
    work.commit(&state.events).await?;
    let mut rows = Vec::new();
    for invitation_id in &created {
        rows.extend(sharing::by_id(&state.db, invitation_id).await?);
    }
    Ok((StatusCode::CREATED, Json(wire(&state, rows).await?)))
}

#[utoipa::path(get, path = "/api/v1/conversations/{id}/invitations",
    responses((status = 200, body = [ConversationInvitation]), (status = 404, body = parley_core::wire::ApiError)), security(("bearer" = [])))]
pub async fn list_sent(
    State(state): State<AppState>,
    session: ActiveSession,
    Path(id): Path<String>,
) -> AppResult<Json<Vec<ConversationInvitation>>> {
    member_of(&state, &session.account, &id).await?;
    Ok(Json(wire(&state, sharing::active_for_conversation(&state.db, &id).await?).await?))
}

#[utoipa::path(get, path = "/api/v1/conversation-invitations",
    responses((status = 200, body = [ConversationInvitation])), security(("bearer" = [])))]
pub async fn list_incoming(
    State(state): State<AppState>,
    session: ActiveSession,
) -> AppResult<Json<Vec<ConversationInvitation>>> {
    let me = &session.account;
    Ok(Json(wire(&state, sharing::incoming(&state.db, &me.id, &me.department_id).await?).await?))
}

/// An active invitation `me` may answer (to them, or in their department's queue).
async fn addressed_to(state: &AppState, me: &AccountRow, id: &str) -> AppResult<InvitationRow> {
    sharing::incoming(&state.db, &me.id, &me.department_id)
        .await?
        .into_iter()
        .find(|i| i.id == id)
        .ok_or_else(|| AppError::with_message(ErrorCode::NotFound, "This invitation is no longer open."))
}

#[utoipa::path(post, path = "/api/v1/conversation-invitations/{id}/accept",
    responses((status = 200, body = Conversation), (status = 404, body = parley_core::wire::ApiError)), security(("bearer" = [])))]
pub async fn accept(
    State(state): State<AppState>,
    session: ActiveSession,
    Path(id): Path<String>,
) -> AppResult<Json<Conversation>> {
    let me = &session.account;
    let invitation = addressed_to(&state, me, &id).await?;
    let now = state.clock.now_ms();
    let mut work = UnitOfWork::begin(&state.db).await?;
    // First to accept a queue invitation wins; the others find it gone.
    if !sharing::end(&mut work, &id, Ending::Accepted, Some(&me.id), now).await? {
        return Err(AppError::with_message(ErrorCode::NotFound, "This invitation is no longer open."));
    }
    let conversation_id = invitation.conversation_id.clone();
    conversations::add_member(&mut work, &conversation_id, &me.id, false, now).await?;
    let name = format!("{} {}", me.first_name, me.last_name);
    let message_id =
        messages::arrival_or_departure(&mut work, &conversation_id, &me.id, &name, MessageKind::Joined, now).await?;
    let seq = conversations::touch_members(&mut work, &conversation_id).await?;
    work.publish(Event::ContactsChanged { organisation_id: me.organisation_id.clone(), seq });
    let targets = [(invitation.invitee_id.clone(), invitation.department_id.clone())];
    sharing::announce(&mut work, &targets, &[&invitation.inviter_id]).await?;
    let member_ids = conversations::member_ids(&mut *work, &conversation_id).await?;
    work.publish(Event::ConversationChanged {
        recipient_ids: member_ids.into(),
        conversation_id: conversation_id.clone(),
    });
    messages::announce(&mut work, &conversation_id, &message_id).await?;
    let row =
        conversations::by_id(&mut *work, &conversation_id).await?.ok_or_else(|| AppError::new(ErrorCode::NotFound))?;
    let answer = view(&mut work, me, &row).await?;
    work.commit(&state.events).await?;
    Ok(Json(answer))
}

#[utoipa::path(post, path = "/api/v1/conversation-invitations/{id}/decline",
    responses((status = 204), (status = 404, body = parley_core::wire::ApiError)), security(("bearer" = [])))]
pub async fn decline(
    State(state): State<AppState>,
    session: ActiveSession,
    Path(id): Path<String>,
) -> AppResult<StatusCode> {
    let me = &session.account;
    let invitation = addressed_to(&state, me, &id).await?;
    let mut work = UnitOfWork::begin(&state.db).await?;
    if invitation.invitee_id.as_deref() == Some(me.id.as_str()) {
        sharing::end(&mut work, &id, Ending::Declined, None, state.clock.now_ms()).await?;
        sharing::announce(&mut work, &[], &[&me.id, &invitation.inviter_id]).await?;
    } else {
        // A queue stays open for the rest of the department; only this member stops seeing it.
        sqlx::query("INSERT INTO conversation_invitation_dismissals (invitation_id, account_id) VALUES ($1, $2)")
            .bind(&id)
            .bind(&me.id)
            .execute(&mut *work)
            .await?;
        sharing::announce(&mut work, &[], &[&me.id]).await?;
    }
    work.commit(&state.events).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(delete, path = "/api/v1/conversation-invitations/{id}",
    responses((status = 204), (status = 403, body = parley_core::wire::ApiError), (status = 404, body = parley_core::wire::ApiError)),
    security(("bearer" = [])))]
pub async fn cancel(
    State(state): State<AppState>,
    session: ActiveSession,
    Path(id): Path<String>,
) -> AppResult<StatusCode> {
    let me = &session.account;
    let invitation = sharing::by_id(&state.db, &id)
        .await?
        .filter(|i| i.status == "active")
        .ok_or_else(|| AppError::with_message(ErrorCode::NotFound, "This invitation is no longer open."))?;
    group_with_right(&state, me, &invitation.conversation_id, GroupRight::Owner).await?;
    let mut work = UnitOfWork::begin(&state.db).await?;
    sharing::end(&mut work, &id, Ending::Cancelled, None, state.clock.now_ms()).await?;
    let targets = [(invitation.invitee_id, invitation.department_id)];
    sharing::announce(&mut work, &targets, &[&me.id]).await?;
    work.commit(&state.events).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct HandOverRequest {
    pub account_id: String,
}

/// The owner hands the group to another member; the owner's invitations are withdrawn.
#[utoipa::path(put, path = "/api/v1/conversations/{id}/owner", request_body = HandOverRequest,
    responses((status = 200, body = Conversation), (status = 403, body = parley_core::wire::ApiError)), security(("bearer" = [])))]
pub async fn hand_over(
    State(state): State<AppState>,
    session: ActiveSession,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<HandOverRequest>,
) -> AppResult<Json<Conversation>> {
    let me = &session.account;
    let (_, members) = group_with_right(&state, me, &id, GroupRight::Owner).await?;
    if req.account_id == me.id || !members.iter().any(|m| m.account_id == req.account_id) {
        return Err(AppError::with_message(
            ErrorCode::InvalidRequest,
            "Hand the conversation to one of its other members.",
        ));
    }
    let mut work = UnitOfWork::begin(&state.db).await?;
    transfer(&mut work, &id, &req.account_id).await?;
    let ended = sharing::end_all(&mut work, &id, Ending::Withdrawn, state.clock.now_ms()).await?;
    sharing::announce(&mut work, &ended, &[&me.id]).await?;
    let member_ids: Vec<String> = members.into_iter().map(|m| m.account_id).collect();
    work.publish(Event::ConversationChanged { recipient_ids: member_ids.into(), conversation_id: id.clone() });
    let row = conversations::by_id(&mut *work, &id).await?.ok_or_else(|| AppError::new(ErrorCode::NotFound))?;
    let answer = view(&mut work, me, &row).await?;
    work.commit(&state.events).await?;
    Ok(Json(answer))
}

/// Makes `account_id` the owner (and an admin).
pub(crate) async fn transfer(conn: &mut sqlx::AnyConnection, id: &str, account_id: &str) -> sqlx::Result<()> {
    sqlx::query("UPDATE conversations SET owner_id = $1 WHERE id = $2")
        .bind(account_id)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("UPDATE conversation_members SET is_admin = 1 WHERE conversation_id = $1 AND account_id = $2")
        .bind(id)
        .bind(account_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// The owner closes the group: it disappears for everyone, with its open invitations.
#[utoipa::path(post, path = "/api/v1/conversations/{id}/close",
    responses((status = 204), (status = 403, body = parley_core::wire::ApiError)), security(("bearer" = [])))]
pub async fn close(
    State(state): State<AppState>,
    session: ActiveSession,
    Path(id): Path<String>,
) -> AppResult<StatusCode> {
    let me = &session.account;
    let (_, members) = group_with_right(&state, me, &id, GroupRight::Owner).await?;
    let now = state.clock.now_ms();
    let mut work = UnitOfWork::begin(&state.db).await?;
    let seq = conversations::touch_members(&mut work, &id).await?;
    sqlx::query("UPDATE conversations SET closed_at = $1 WHERE id = $2")
        .bind(now)
        .bind(&id)
        .execute(&mut *work)
        .await?;
    let ended = sharing::end_all(&mut work, &id, Ending::Closed, now).await?;
    work.publish(Event::ContactsChanged { organisation_id: me.organisation_id.clone(), seq });
    sharing::announce(&mut work, &ended, &[&me.id]).await?;
    let member_ids: Vec<String> = members.into_iter().map(|m| m.account_id).collect();
    work.publish(Event::ConversationChanged { recipient_ids: member_ids.into(), conversation_id: id });
    work.commit(&state.events).await?;
    Ok(StatusCode::NO_CONTENT)
}
