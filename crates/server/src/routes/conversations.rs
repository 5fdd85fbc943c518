//! Conversations (SPEC §7.3, §10): start one, list them, view one. The rules are in
//! [`crate::chat`]; members: [`super::conversation_members`]; messages: [`super::messages`].

use crate::chat::{access, start, view};
use crate::error::{ApiJson, ApiPath, AppResult};
use crate::routes::ActiveSession;
use crate::state::AppState;
use crate::unit_of_work::UnitOfWork;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::Json;
use parley_core::wire::{Conversation, CreateConversationRequest};

pub fn router() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/api/v1/conversations", get(list).post(create))
        .route("/api/v1/conversations/{id}", get(read))
}

#[utoipa::path(post, path = "/api/v1/conversations", request_body = CreateConversationRequest,
    responses((status = 201, body = Conversation), (status = 200, body = Conversation, description = "the existing one-to-one conversation"),
              (status = 403, body = parley_core::wire::ApiError), (status = 404, body = parley_core::wire::ApiError),
              (status = 422, body = parley_core::wire::ApiError)), security(("bearer" = [])))]
pub async fn create(
    State(state): State<AppState>,
    session: ActiveSession,
    ApiJson(req): ApiJson<CreateConversationRequest>,
) -> AppResult<(StatusCode, Json<Conversation>)> {
    let me = &session.account;
    let new = start::NewConversation::parse(me, &req)?;
    let members = access::visible_accounts(&state.db, me, &new.others).await?;
    access::guard_guest_profile(&state.db, me, &members, new.kind).await?;
    if new.kind == crate::conversations::Kind::Direct {
        if let Some(existing) = start::existing_direct(&state.db, &me.id, &members[0].id).await? {
            let answer = view::conversation(&mut *state.db.acquire().await?, me, &existing).await?;
            return Ok((StatusCode::OK, Json(answer)));
        }
    }
    let mut work = UnitOfWork::begin(&state.db).await?;
    let answer = start::start(&mut work, me, &new, &members, state.clock.now_ms()).await?;
    work.commit(&state.events).await?;
    Ok((StatusCode::CREATED, Json(answer)))
}

#[utoipa::path(get, path = "/api/v1/conversations", responses((status = 200, body = [Conversation])), security(("bearer" = [])))]
/// Every conversation of the account, most recent activity first.
pub async fn list(State(state): State<AppState>, session: ActiveSession) -> AppResult<Json<Vec<Conversation>>> {
    Ok(Json(view::list(&state.db, &session.account).await?))
}

#[utoipa::path(get, path = "/api/v1/conversations/{id}", responses((status = 200, body = Conversation),
    (status = 404, body = parley_core::wire::ApiError)), security(("bearer" = [])))]
pub async fn read(
    State(state): State<AppState>,
    session: ActiveSession,
    ApiPath(id): ApiPath<String>,
) -> AppResult<Json<Conversation>> {
    let (row, _) = access::joined(&state.db, &session.account, &id).await?;
    Ok(Json(view::conversation(&mut *state.db.acquire().await?, &session.account, &row).await?))
}
