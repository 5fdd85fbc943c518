//! External keys (SPEC §10.1): a group's owner makes, lists, revokes and e-mails keys; whoever
//! holds one previews and redeems it, throttled per client address. The rules are in
//! [`crate::chat::keys`].

use crate::chat::access::{self, GroupRight};
use crate::chat::keys;
use crate::conversations::ConversationRow;
use crate::error::{ApiJson, ApiPath, AppError, AppResult};
use crate::routes::{ActiveSession, ClientAddress};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::Json;
use parley_core::activation::THROTTLE_WINDOW_MS;
use parley_core::sharing::{KeyCode, KeyDetails};
use parley_core::wire::{
    ConversationKey, CreateKeyRequest, KeyCreated, KeyPreview, KeyRedeemed, RedeemKeyRequest, SendKeyRequest,
};
use parley_core::{EmailAddress, ErrorCode};

pub fn router() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/api/v1/conversations/{id}/keys", get(list).post(create))
        .route("/api/v1/conversations/{id}/keys/{key_id}/email", post(email))
        .route("/api/v1/conversations/{id}/keys/{key_id}/revoke", post(revoke))
        .route("/api/v1/keys/redeem", post(redeem))
        .route("/api/v1/keys/{code}", get(preview))
}

/// Redemption attempts per client address per window: a guesser's odds stay negligible.
const REDEEM_PER_ADDRESS: u32 = 20;

/// The group `me` owns (keys are the owner's, like invitations).
async fn owned(state: &AppState, session: &ActiveSession, id: &str) -> AppResult<ConversationRow> {
    Ok(access::group_with_right(&state.db, &session.account, id, GroupRight::ExternalKeys).await?.0)
}

async fn throttle(state: &AppState, addr: std::net::IpAddr) -> AppResult<()> {
    let key = format!("key-redeem:{addr}");
    if crate::throttle::allow(&state.db, &key, REDEEM_PER_ADDRESS, THROTTLE_WINDOW_MS, state.clock.now_ms()).await? {
        Ok(())
    } else {
        Err(AppError::new(ErrorCode::Throttled))
    }
}

#[utoipa::path(post, path = "/api/v1/conversations/{id}/keys", request_body = CreateKeyRequest,
    responses((status = 201, body = KeyCreated), (status = 403, body = parley_core::wire::ApiError),
              (status = 422, body = parley_core::wire::ApiError)), security(("bearer" = [])))]
pub async fn create(
    State(state): State<AppState>,
    session: ActiveSession,
    ApiPath(id): ApiPath<String>,
    ApiJson(req): ApiJson<CreateKeyRequest>,
) -> AppResult<(StatusCode, Json<KeyCreated>)> {
    owned(&state, &session, &id).await?;
    let details = KeyDetails::parse(&req.person_name, &req.description, &req.comments, req.valid_days)
        .map_err(keys::first_error)?;
    let created =
        keys::create(&state, &session.account, &id, &details, (req.conversation_bound, req.access_days)).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

#[utoipa::path(get, path = "/api/v1/conversations/{id}/keys",
    responses((status = 200, body = [ConversationKey]), (status = 403, body = parley_core::wire::ApiError)), security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    session: ActiveSession,
    ApiPath(id): ApiPath<String>,
) -> AppResult<Json<Vec<ConversationKey>>> {
    owned(&state, &session, &id).await?;
    Ok(Json(keys::list(&state, &id).await?))
}

#[utoipa::path(post, path = "/api/v1/conversations/{id}/keys/{key_id}/revoke",
    responses((status = 204), (status = 403, body = parley_core::wire::ApiError)), security(("bearer" = [])))]
pub async fn revoke(
    State(state): State<AppState>,
    session: ActiveSession,
    ApiPath((id, key_id)): ApiPath<(String, String)>,
) -> AppResult<StatusCode> {
    owned(&state, &session, &id).await?;
    keys::revoke(&state, &id, &key_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// *Send by e-mail*: the link and the code, through the outbox.
#[utoipa::path(post, path = "/api/v1/conversations/{id}/keys/{key_id}/email", request_body = SendKeyRequest,
    responses((status = 202), (status = 422, body = parley_core::wire::ApiError)), security(("bearer" = [])))]
pub async fn email(
    State(state): State<AppState>,
    session: ActiveSession,
    ApiPath((id, key_id)): ApiPath<(String, String)>,
    ApiJson(req): ApiJson<SendKeyRequest>,
) -> AppResult<StatusCode> {
    let conversation = owned(&state, &session, &id).await?;
    let to = EmailAddress::parse(&req.email).map_err(|_| AppError::on_field(ErrorCode::InvalidFormat, "email"))?;
    let code = KeyCode::parse(&req.code).map_err(|c| AppError::on_field(c, "code"))?;
    keys::email(&state, &session.account, &conversation, &key_id, &code, &to).await?;
    Ok(StatusCode::ACCEPTED)
}

#[utoipa::path(get, path = "/api/v1/keys/{code}",
    responses((status = 200, body = KeyPreview), (status = 404, body = parley_core::wire::ApiError), (status = 429, body = parley_core::wire::ApiError)))]
pub async fn preview(
    State(state): State<AppState>,
    ClientAddress(addr): ClientAddress,
    ApiPath(code): ApiPath<String>,
) -> AppResult<Json<KeyPreview>> {
    throttle(&state, addr).await?;
    Ok(Json(keys::preview(&state, &code).await?))
}

#[utoipa::path(post, path = "/api/v1/keys/redeem", request_body = RedeemKeyRequest,
    responses((status = 201, body = KeyRedeemed), (status = 404, body = parley_core::wire::ApiError),
              (status = 409, body = parley_core::wire::ApiError), (status = 422, body = parley_core::wire::ApiError),
              (status = 429, body = parley_core::wire::ApiError)))]
pub async fn redeem(
    State(state): State<AppState>,
    ClientAddress(addr): ClientAddress,
    ApiJson(req): ApiJson<RedeemKeyRequest>,
) -> AppResult<(StatusCode, Json<KeyRedeemed>)> {
    throttle(&state, addr).await?;
    Ok((StatusCode::CREATED, Json(keys::redeem(&state, req).await?)))
}
