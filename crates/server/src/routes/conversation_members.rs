//! Running a group (SPEC §10): its admins add and remove members, promote other admins and
//! rename it; anyone may leave. The rules are in [`crate::chat::membership`].

use crate::accounts;
use crate::chat::access::{self, GroupRight};
use crate::chat::membership;
use crate::conversations::Kind;
use crate::error::{ApiJson, ApiPath, AppError, AppResult};
use crate::routes::ActiveSession;
use crate::state::AppState;
use crate::unit_of_work::UnitOfWork;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{delete, patch, post, put};
use axum::Json;
use parley_core::wire::{AddMembersRequest, Conversation, RenameConversationRequest};
use parley_core::ErrorCode;

pub fn router() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/api/v1/conversations/{id}", patch(rename))
        .route("/api/v1/conversations/{id}/members", post(add))
        .route("/api/v1/conversations/{id}/members/{account_id}", delete(remove))
        .route("/api/v1/conversations/{id}/members/{account_id}/admin", put(promote))
}

#[utoipa::path(post, path = "/api/v1/conversations/{id}/members", request_body = AddMembersRequest,
    responses((status = 200, body = Conversation), (status = 403, body = parley_core::wire::ApiError),
              (status = 404, body = parley_core::wire::ApiError)), security(("bearer" = [])))]
pub async fn add(
    State(state): State<AppState>,
    session: ActiveSession,
    ApiPath(id): ApiPath<String>,
    ApiJson(req): ApiJson<AddMembersRequest>,
) -> AppResult<Json<Conversation>> {
    let me = &session.account;
    let (_, members, _) = access::group_with_right(&state.db, me, &id, GroupRight::AddMembers).await?;
    let ids = membership::newcomer_ids(&members, req.account_ids)?;
    // Only people the admin sees may be added (SPEC §5); a guest only as the profile allows.
    let newcomers = access::visible_accounts(&state.db, me, &ids).await?;
    access::guard_guest_profile(&state.db, me, &newcomers, Kind::Group).await?;
    let mut work = UnitOfWork::begin(&state.db).await?;
    let answer = membership::add(&mut work, me, &id, &newcomers, state.clock.now_ms()).await?;
    work.commit(&state.events).await?;
    Ok(Json(answer))
}

/// An admin removes someone from a group, or anyone leaves it.
#[utoipa::path(delete, path = "/api/v1/conversations/{id}/members/{account_id}",
    responses((status = 204), (status = 403, body = parley_core::wire::ApiError), (status = 404, body = parley_core::wire::ApiError)),
    security(("bearer" = [])))]
pub async fn remove(
    State(state): State<AppState>,
    session: ActiveSession,
    ApiPath((id, account_id)): ApiPath<(String, String)>,
) -> AppResult<StatusCode> {
    let me = &session.account;
    let (row, members) = access::member_of(&state.db, me, &id).await?;
    access::refuse_org_wide(&row)?;
    let is_admin = members.iter().any(|m| m.account_id == me.id && m.admin());
    let actions = access::actions_of(me, &row, is_admin);
    if !(actions.remove_members || (account_id == me.id && actions.leave)) {
        return Err(AppError::new(ErrorCode::Forbidden));
    }
    if !members.iter().any(|m| m.account_id == account_id) {
        return Err(AppError::new(ErrorCode::NotFound));
    }
    let leaving = accounts::by_id(&state.db, &account_id).await?.ok_or_else(|| AppError::new(ErrorCode::NotFound))?;
    let mut work = UnitOfWork::begin(&state.db).await?;
    membership::remove(&mut work, &row, &members, &leaving, state.clock.now_ms()).await?;
    work.commit(&state.events).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(put, path = "/api/v1/conversations/{id}/members/{account_id}/admin",
    responses((status = 200, body = Conversation), (status = 403, body = parley_core::wire::ApiError),
              (status = 404, body = parley_core::wire::ApiError)), security(("bearer" = [])))]
pub async fn promote(
    State(state): State<AppState>,
    session: ActiveSession,
    ApiPath((id, account_id)): ApiPath<(String, String)>,
) -> AppResult<Json<Conversation>> {
    let me = &session.account;
    let (row, members, actions) = access::group_with_right(&state.db, me, &id, GroupRight::MakeAdmins).await?;
    access::member_to_act_on(&members, &account_id, &actions, |m| m.make_admin)?;
    let mut work = UnitOfWork::begin(&state.db).await?;
    let answer = membership::promote(&mut work, me, &row, &members, &account_id).await?;
    work.commit(&state.events).await?;
    Ok(Json(answer))
}

#[utoipa::path(patch, path = "/api/v1/conversations/{id}", request_body = RenameConversationRequest,
    responses((status = 200, body = Conversation), (status = 403, body = parley_core::wire::ApiError),
              (status = 422, body = parley_core::wire::ApiError)), security(("bearer" = [])))]
pub async fn rename(
    State(state): State<AppState>,
    session: ActiveSession,
    ApiPath(id): ApiPath<String>,
    ApiJson(req): ApiJson<RenameConversationRequest>,
) -> AppResult<Json<Conversation>> {
    let me = &session.account;
    let (_, members, _) = access::group_with_right(&state.db, me, &id, GroupRight::Rename).await?;
    let name = membership::parse_name(&req.name)?;
    let mut work = UnitOfWork::begin(&state.db).await?;
    let answer = membership::rename(&mut work, me, &id, &members, name).await?;
    work.commit(&state.events).await?;
    Ok(Json(answer))
}
