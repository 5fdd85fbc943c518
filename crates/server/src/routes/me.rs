//! The logged-in account, and the first-login steps (confirm names, accept the terms).

use crate::activation;
use crate::error::{ApiJson, AppError, AppResult};
use crate::routes::AnySession;
use crate::state::AppState;
use crate::unit_of_work::UnitOfWork;
use axum::extract::State;
use axum::routing::{get, post};
use axum::Json;
use parley_core::wire::{CompleteFirstLoginRequest, Me};
use parley_core::{ErrorCode, PersonName};

pub fn router() -> axum::Router<AppState> {
    axum::Router::new().route("/api/v1/me", get(me)).route("/api/v1/me/first-login", post(complete_first_login))
}

#[utoipa::path(get, path = "/api/v1/me", responses((status = 200, body = Me), (status = 401, body = parley_core::wire::ApiError)),
    security(("bearer" = [])))]
pub async fn me(session: AnySession) -> Json<Me> {
    Json(session.account.to_me())
}

/// Confirms the names and accepts the terms; the account becomes *Active*. Idempotent for an
/// account that is already active (it may correct its names the same way).
#[utoipa::path(post, path = "/api/v1/me/first-login", request_body = CompleteFirstLoginRequest,
    responses((status = 200, body = Me), (status = 422, body = parley_core::wire::ApiError), (status = 401, body = parley_core::wire::ApiError)),
    security(("bearer" = [])))]
pub async fn complete_first_login(
    State(state): State<AppState>,
    session: AnySession,
    ApiJson(req): ApiJson<CompleteFirstLoginRequest>,
) -> AppResult<Json<Me>> {
    let first =
        PersonName::parse(&req.first_name).map_err(|_| AppError::on_field(ErrorCode::InvalidFormat, "first_name"))?;
    let last =
        PersonName::parse(&req.last_name).map_err(|_| AppError::on_field(ErrorCode::InvalidFormat, "last_name"))?;
    if !req.accept_terms {
        return Err(AppError::on_field(ErrorCode::TermsNotAccepted, "accept_terms"));
    }
    let mut work = UnitOfWork::begin(&state.db).await?;
    let me = activation::complete(&mut work, &session.account, &first, &last, state.clock.now_ms()).await?;
    work.commit(&state.events).await?;
    Ok(Json(me))
}
