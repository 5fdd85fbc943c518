//! Messages (SPEC §10): send (idempotent by the client's id), page through history, move
//! receipts. The rules are in [`crate::chat::sending`].

use crate::chat::access;
use crate::chat::sending::{self, Sent};
use crate::error::{ApiJson, ApiPath, AppError, AppResult};
use crate::messages;
use crate::routes::ActiveSession;
use crate::state::AppState;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::Json;
use parley_core::chat::{ClientMessageId, MessageBody};
use parley_core::wire::{Message, MessagePage, Receipt, ReceiptUpdate, SendMessageRequest};
use parley_core::ErrorCode;
use serde::Deserialize;

pub fn router() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/api/v1/conversations/{id}/messages", get(history).post(send))
        .route("/api/v1/conversations/{id}/receipts", post(receipts))
}

#[utoipa::path(post, path = "/api/v1/conversations/{id}/messages", request_body = SendMessageRequest,
    responses((status = 201, body = Message), (status = 200, body = Message, description = "already stored under this client id"),
              (status = 409, body = parley_core::wire::ApiError, description = "this client id was used in another conversation"),
              (status = 403, body = parley_core::wire::ApiError), (status = 404, body = parley_core::wire::ApiError),
              (status = 422, body = parley_core::wire::ApiError)), security(("bearer" = [])))]
pub async fn send(
    State(state): State<AppState>,
    session: ActiveSession,
    ApiPath(id): ApiPath<String>,
    ApiJson(req): ApiJson<SendMessageRequest>,
) -> AppResult<(StatusCode, Json<Message>)> {
    let me = &session.account;
    let client_id = ClientMessageId::parse(&req.client_id).map_err(|c| AppError::on_field(c, "client_id"))?;
    let body = MessageBody::parse(&req.body).map_err(|c| AppError::on_field(c, "body"));
    let sent = sending::send(&state, me, &id, &client_id, body).await?;
    Ok(match sent {
        Sent::New(message) => (StatusCode::CREATED, Json(message)),
        Sent::AlreadyStored(message) => (StatusCode::OK, Json(message)),
    })
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct HistoryQuery {
    /// Messages numbered below this (older); the newest page when neither is given.
    #[param(minimum = 0)]
    before: Option<i64>,
    /// Messages numbered above this (newer), to catch up after being offline.
    #[param(minimum = 0)]
    after: Option<i64>,
    /// 1 to 200; 50 by default.
    #[param(minimum = 1, maximum = 200)]
    limit: Option<i64>,
}

const DEFAULT_PAGE: i64 = 50;
const MAX_PAGE: i64 = 200;

#[utoipa::path(get, path = "/api/v1/conversations/{id}/messages", params(HistoryQuery),
    responses((status = 200, body = MessagePage), (status = 404, body = parley_core::wire::ApiError),
              (status = 400, body = parley_core::wire::ApiError)), security(("bearer" = [])))]
pub async fn history(
    State(state): State<AppState>,
    session: ActiveSession,
    ApiPath(id): ApiPath<String>,
    query: Result<Query<HistoryQuery>, axum::extract::rejection::QueryRejection>,
) -> AppResult<Json<MessagePage>> {
    let Query(q) = query.map_err(|e| AppError::with_message(ErrorCode::InvalidRequest, e.body_text()))?;
    let limit = q.limit.unwrap_or(DEFAULT_PAGE);
    if !(1..=MAX_PAGE).contains(&limit) {
        return Err(AppError::with_message(ErrorCode::InvalidRequest, "limit must be between 1 and 200."));
    }
    access::joined(&state.db, &session.account, &id).await?;
    let (messages, has_more) = match (q.before, q.after) {
        (Some(_), Some(_)) => {
            return Err(AppError::with_message(ErrorCode::InvalidRequest, "Give before or after, not both."))
        }
        (_, Some(after)) => messages::after(&state.db, &id, after, limit).await?,
        (before, None) => messages::before(&state.db, &id, before.unwrap_or(i64::MAX), limit).await?,
    };
    Ok(Json(MessagePage { messages, has_more }))
}

#[utoipa::path(post, path = "/api/v1/conversations/{id}/receipts", request_body = ReceiptUpdate,
    responses((status = 200, body = Receipt), (status = 404, body = parley_core::wire::ApiError)), security(("bearer" = [])))]
pub async fn receipts(
    State(state): State<AppState>,
    session: ActiveSession,
    ApiPath(id): ApiPath<String>,
    ApiJson(req): ApiJson<ReceiptUpdate>,
) -> AppResult<Json<Receipt>> {
    let (row, mine) = access::joined(&state.db, &session.account, &id).await?;
    Ok(Json(sending::receipt(&state, &session.account, &row, &mine, &req).await?))
}
