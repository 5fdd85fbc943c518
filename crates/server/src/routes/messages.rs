//! Messages (SPEC §10): send (idempotent by the client's id), page through history, move
//! receipts. Every member's sockets get new messages and receipts at once.

use crate::conversations::{self, Kind};
use crate::error::{ApiJson, AppError, AppResult};
use crate::events::{Event, Recipients};
use crate::messages::{self, NewMessage};
use crate::routes::conversations::{guest_profile_allows, joined};
use crate::routes::ActiveSession;
use crate::state::AppState;
use crate::unit_of_work::UnitOfWork;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::Json;
use parley_core::chat::{ClientMessageId, MessageBody};
use parley_core::role::AccountKind;
use parley_core::wire::{Message, MessageKind, MessagePage, Receipt, ReceiptUpdate, SendMessageRequest};
use parley_core::ErrorCode;
use serde::Deserialize;

pub fn router() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/api/v1/conversations/{id}/messages", get(history).post(send))
        .route("/api/v1/conversations/{id}/receipts", post(receipts))
}

#[utoipa::path(post, path = "/api/v1/conversations/{id}/messages", request_body = SendMessageRequest,
    responses((status = 201, body = Message), (status = 200, body = Message, description = "already stored under this client id"),
              (status = 403, body = parley_core::wire::ApiError), (status = 404, body = parley_core::wire::ApiError),
              (status = 422, body = parley_core::wire::ApiError)), security(("bearer" = [])))]
pub async fn send(
    State(state): State<AppState>,
    session: ActiveSession,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<SendMessageRequest>,
) -> AppResult<(StatusCode, Json<Message>)> {
    let me = &session.account;
    let client_id = ClientMessageId::parse(&req.client_id).map_err(|c| AppError::on_field(c, "client_id"))?;
    // A resend after a lost acknowledgement: the stored message, whatever happened since.
    if let Some(existing) = messages::by_client_id(&state.db, &me.id, client_id.as_str()).await? {
        return already_stored(existing, &id);
    }
    let body = MessageBody::parse(&req.body).map_err(|c| AppError::on_field(c, "body"))?;
    let (row, _) = joined(&state, me, &id).await?;
    let kind = Kind::from_db(&row.kind).unwrap_or(Kind::Group);
    if kind == Kind::System {
        return Err(AppError::with_message(ErrorCode::Forbidden, "This conversation is read-only."));
    }
    // The ALL group's recipients are the organisation's members, never a guest (SPEC §2); any
    // other conversation's are read in one query, whatever its size.
    let recipient_ids = if row.org_wide() {
        Recipients::org_members(&row.organisation_id)
    } else {
        let members = conversations::member_kinds(&state.db, &id).await?;
        // SPEC §6: with a guest in it, the conversation's kind must be on in the guest profile.
        let guest_involved =
            me.kind() == AccountKind::Guest || members.iter().any(|(_, k)| k == AccountKind::Guest.as_str());
        if guest_involved {
            guest_profile_allows(&state, &me.organisation_id, kind).await?;
        }
        members.into_iter().map(|(account_id, _)| account_id).collect()
    };

    let now = state.clock.now_ms();
    let gate = state.writes.enter().await;
    let mut work = UnitOfWork::begin(&state.db).await?;
    let new = NewMessage {
        conversation_id: &id,
        sender_id: Some(&me.id),
        client_id: Some(client_id.as_str()),
        kind: MessageKind::Text,
        body: body.as_str(),
        now_ms: now,
    };
    let (message_id, seq) = match messages::append(&mut work, &new).await {
        Ok(stored) => stored,
        // The same client id raced in on another request: that one is the message.
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
            drop(work);
            drop(gate);
            let existing = messages::by_client_id(&state.db, &me.id, client_id.as_str())
                .await?
                .ok_or_else(|| AppError::new(ErrorCode::Conflict))?;
            return already_stored(existing, &id);
        }
        Err(e) => return Err(e.into()),
    };
    // What was stored, as the history will read it: no need to read it back.
    let message = Message {
        id: message_id,
        conversation_id: id,
        seq,
        client_id: Some(client_id.as_str().to_owned()),
        sender_id: Some(me.id.clone()),
        sender_name: format!("{} {}", me.first_name, me.last_name),
        kind: MessageKind::Text,
        body: body.as_str().to_owned(),
        created_at: now,
    };
    work.publish(Event::Message { recipient_ids, message: message.clone() });
    work.commit(&state.events).await?;
    drop(gate);
    Ok((StatusCode::CREATED, Json(message)))
}

fn already_stored(existing: Message, conversation_id: &str) -> AppResult<(StatusCode, Json<Message>)> {
    if existing.conversation_id == conversation_id {
        Ok((StatusCode::OK, Json(existing)))
    } else {
        Err(AppError::with_message(ErrorCode::Conflict, "This message id was already used in another conversation."))
    }
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct HistoryQuery {
    /// Messages numbered below this (older); the newest page when neither is given.
    before: Option<i64>,
    /// Messages numbered above this (newer), to catch up after being offline.
    after: Option<i64>,
    /// 1 to 200; 50 by default.
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
    Path(id): Path<String>,
    query: Result<Query<HistoryQuery>, axum::extract::rejection::QueryRejection>,
) -> AppResult<Json<MessagePage>> {
    let Query(q) = query.map_err(|e| AppError::with_message(ErrorCode::InvalidRequest, e.body_text()))?;
    let limit = q.limit.unwrap_or(DEFAULT_PAGE);
    if !(1..=MAX_PAGE).contains(&limit) {
        return Err(AppError::with_message(ErrorCode::InvalidRequest, "limit must be between 1 and 200."));
    }
    joined(&state, &session.account, &id).await?;
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
    Path(id): Path<String>,
    ApiJson(req): ApiJson<ReceiptUpdate>,
) -> AppResult<Json<Receipt>> {
    let me = &session.account;
    let (row, mine) = joined(&state, me, &id).await?;
    let before = (mine.delivered_seq, mine.read_seq);
    // Who hears of it is read first, so nothing is read after the write. In the ALL group only
    // the reader's own devices: every member's receipt told to every member would grow with
    // the square of the organisation.
    let recipient_ids: Recipients = if row.org_wide() {
        vec![me.id.clone()].into()
    } else {
        conversations::member_ids(&state.db, &id).await?.into()
    };
    let gate = state.writes.enter().await;
    let receipt = messages::advance_receipt(&state.db, &id, &me.id, row.last_seq, req.delivered_seq, req.read_seq)
        .await?
        .ok_or_else(|| AppError::new(ErrorCode::NotFound))?;
    drop(gate);
    if before != (receipt.delivered_seq, receipt.read_seq) {
        state.events.publish(Event::Receipt { recipient_ids, conversation_id: id, receipt: receipt.clone() });
    }
    Ok(Json(receipt))
}
