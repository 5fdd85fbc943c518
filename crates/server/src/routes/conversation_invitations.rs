//! Sharing a group (SPEC §10.1): its owner invites members personally or through department
//! queues, sees and cancels them, hands ownership over or closes the group; invitees list,
//! accept and decline. The rules are in [`crate::chat::invitations`].

use crate::chat::access::{self, GroupRight};
use crate::chat::{invitations, view};
use crate::error::{ApiJson, ApiPath, AppError, AppResult};
use crate::routes::ActiveSession;
use crate::sharing;
use crate::state::AppState;
use crate::unit_of_work::UnitOfWork;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{delete, get, post, put};
use axum::Json;
use parley_core::wire::{Conversation, ConversationInvitation, ShareConversationRequest};
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

#[utoipa::path(post, path = "/api/v1/conversations/{id}/invitations", request_body = ShareConversationRequest,
    responses((status = 201, body = [ConversationInvitation]), (status = 403, body = parley_core::wire::ApiError),
              (status = 409, body = parley_core::wire::ApiError)), security(("bearer" = [])))]
pub async fn share(
    State(state): State<AppState>,
    session: ActiveSession,
    ApiPath(id): ApiPath<String>,
    ApiJson(req): ApiJson<ShareConversationRequest>,
) -> AppResult<(StatusCode, Json<Vec<ConversationInvitation>>)> {
    let me = &session.account;
    let (_, members, actions) = access::group_with_right(&state.db, me, &id, GroupRight::InviteMembers).await?;
    let invitees =
        invitations::Invitees::check(&state.db, me, &members, &actions, req.account_ids, req.department_ids).await?;
    let mut work = UnitOfWork::begin(&state.db).await?;
    let answer = invitations::share(&mut work, me, &id, &invitees, state.clock.now_ms()).await?;
    work.commit(&state.events).await?;
    Ok((StatusCode::CREATED, Json(answer)))
}

#[utoipa::path(get, path = "/api/v1/conversations/{id}/invitations",
    responses((status = 200, body = [ConversationInvitation]), (status = 404, body = parley_core::wire::ApiError)), security(("bearer" = [])))]
pub async fn list_sent(
    State(state): State<AppState>,
    session: ActiveSession,
    ApiPath(id): ApiPath<String>,
) -> AppResult<Json<Vec<ConversationInvitation>>> {
    access::group_with_right(&state.db, &session.account, &id, GroupRight::SeeInvitations).await?;
    let rows = sharing::active_for_conversation(&state.db, &id).await?;
    Ok(Json(view::invitations(&mut *state.db.acquire().await?, rows).await?))
}

#[utoipa::path(get, path = "/api/v1/conversation-invitations",
    responses((status = 200, body = [ConversationInvitation])), security(("bearer" = [])))]
pub async fn list_incoming(
    State(state): State<AppState>,
    session: ActiveSession,
) -> AppResult<Json<Vec<ConversationInvitation>>> {
    let me = &session.account;
    let rows = sharing::incoming(&state.db, &me.id, &me.department_id).await?;
    Ok(Json(view::invitations(&mut *state.db.acquire().await?, rows).await?))
}

#[utoipa::path(post, path = "/api/v1/conversation-invitations/{id}/accept",
    responses((status = 200, body = Conversation), (status = 404, body = parley_core::wire::ApiError)), security(("bearer" = [])))]
pub async fn accept(
    State(state): State<AppState>,
    session: ActiveSession,
    ApiPath(id): ApiPath<String>,
) -> AppResult<Json<Conversation>> {
    let me = &session.account;
    let invitation = invitations::addressed_to(&state.db, me, &id).await?;
    let mut work = UnitOfWork::begin(&state.db).await?;
    let answer = invitations::accept(&mut work, me, &invitation, state.clock.now_ms()).await?;
    work.commit(&state.events).await?;
    Ok(Json(answer))
}

#[utoipa::path(post, path = "/api/v1/conversation-invitations/{id}/decline",
    responses((status = 204), (status = 404, body = parley_core::wire::ApiError)), security(("bearer" = [])))]
pub async fn decline(
    State(state): State<AppState>,
    session: ActiveSession,
    ApiPath(id): ApiPath<String>,
) -> AppResult<StatusCode> {
    let me = &session.account;
    let invitation = invitations::addressed_to(&state.db, me, &id).await?;
    let mut work = UnitOfWork::begin(&state.db).await?;
    invitations::decline(&mut work, me, &invitation, state.clock.now_ms()).await?;
    work.commit(&state.events).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(delete, path = "/api/v1/conversation-invitations/{id}",
    responses((status = 204), (status = 403, body = parley_core::wire::ApiError), (status = 404, body = parley_core::wire::ApiError)),
    security(("bearer" = [])))]
pub async fn cancel(
    State(state): State<AppState>,
    session: ActiveSession,
    ApiPath(id): ApiPath<String>,
) -> AppResult<StatusCode> {
    let me = &session.account;
    let invitation = sharing::by_id(&state.db, &id)
        .await?
        .filter(|i| i.status == "active")
        .ok_or_else(|| AppError::with_message(ErrorCode::NotFound, "This invitation is no longer open."))?;
    access::group_with_right(&state.db, me, &invitation.conversation_id, GroupRight::InviteMembers).await?;
    let mut work = UnitOfWork::begin(&state.db).await?;
    invitations::cancel(&mut work, me, invitation, state.clock.now_ms()).await?;
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
    ApiPath(id): ApiPath<String>,
    ApiJson(req): ApiJson<HandOverRequest>,
) -> AppResult<Json<Conversation>> {
    let me = &session.account;
    let (_, members, actions) = access::group_with_right(&state.db, me, &id, GroupRight::HandOver).await?;
    if req.account_id != me.id {
        access::member_to_act_on(&members, &req.account_id, &actions, |m| m.make_owner)?;
    }
    let mut work = UnitOfWork::begin(&state.db).await?;
    let answer = invitations::hand_over(&mut work, me, &id, &members, &req.account_id, state.clock.now_ms()).await?;
    work.commit(&state.events).await?;
    Ok(Json(answer))
}

/// The owner closes the group: it disappears for everyone, with its open invitations.
#[utoipa::path(post, path = "/api/v1/conversations/{id}/close",
    responses((status = 204), (status = 403, body = parley_core::wire::ApiError)), security(("bearer" = [])))]
pub async fn close(
    State(state): State<AppState>,
    session: ActiveSession,
    ApiPath(id): ApiPath<String>,
) -> AppResult<StatusCode> {
    let me = &session.account;
    let (_, members, _) = access::group_with_right(&state.db, me, &id, GroupRight::Close).await?;
    let mut work = UnitOfWork::begin(&state.db).await?;
    invitations::close(&mut work, me, &id, &members, state.clock.now_ms()).await?;
    work.commit(&state.events).await?;
    Ok(StatusCode::NO_CONTENT)
}
