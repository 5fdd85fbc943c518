//! "Is this your guest?" (SPEC §11.1): the questions put to the signed-in sponsor, and their
//! answers. Only the guest's sponsor may answer; anyone else is not told the question exists.

use crate::accounts::{self, AccountRow};
use crate::error::{ApiPath, AppError, AppResult};
use crate::routes::ActiveSession;
use crate::state::AppState;
use crate::unit_of_work::UnitOfWork;
use axum::extract::State;
use axum::routing::{get, post};
use axum::Json;
use parley_core::guest_access::may_answer_confirmation;
use parley_core::role::AccountKind;
use parley_core::wire::{ApiError, GuestConfirmation};
use parley_core::ErrorCode;

pub fn router() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/api/v1/guest-confirmations", get(list))
        .route("/api/v1/guest-confirmations/{id}/confirm", post(confirm))
        .route("/api/v1/guest-confirmations/{id}/reject", post(reject))
}

#[utoipa::path(get, path = "/api/v1/guest-confirmations",
    responses((status = 200, body = [GuestConfirmation])), security(("bearer" = [])))]
pub async fn list(State(state): State<AppState>, session: ActiveSession) -> AppResult<Json<Vec<GuestConfirmation>>> {
    Ok(Json(crate::confirmations::pending_for(&state.db, &session.account).await?))
}

/// The guest `id` whose activation `sponsor` may answer for.
async fn asked_about(state: &AppState, sponsor: &AccountRow, id: &str) -> AppResult<AccountRow> {
    let no_such = || AppError::with_message(ErrorCode::NotFound, "No such guest.");
    if !crate::routes::guests::plausible_id(id) {
        return Err(no_such());
    }
    let guest = accounts::by_id(&state.db, id)
        .await?
        .filter(|g| {
            g.organisation_id == sponsor.organisation_id
                && g.kind() == AccountKind::Guest
                && g.sponsor_id.as_deref() == Some(sponsor.id.as_str())
        })
        .ok_or_else(no_such)?;
    if !may_answer_confirmation(true, guest.confirmation_asked_at.is_some(), guest.status()) {
        return Err(AppError::with_message(ErrorCode::Conflict, "This guest's activation was already answered."));
    }
    Ok(guest)
}

#[utoipa::path(post, path = "/api/v1/guest-confirmations/{id}/confirm",
    responses((status = 200), (status = 404, body = ApiError), (status = 409, body = ApiError)), security(("bearer" = [])))]
pub async fn confirm(
    State(state): State<AppState>,
    session: ActiveSession,
    ApiPath(id): ApiPath<String>,
) -> AppResult<Json<serde_json::Value>> {
    let guest = asked_about(&state, &session.account, &id).await?;
    let mut work = UnitOfWork::begin(&state.db).await?;
    crate::confirmations::confirm(&mut work, &session.account, &guest, state.clock.now_ms()).await?;
    work.commit(&state.events).await?;
    tracing::info!(sponsor = %session.account.id, guest = %guest.id, "guest activation confirmed");
    Ok(Json(serde_json::json!({})))
}

#[utoipa::path(post, path = "/api/v1/guest-confirmations/{id}/reject",
    responses((status = 200), (status = 404, body = ApiError), (status = 409, body = ApiError)), security(("bearer" = [])))]
pub async fn reject(
    State(state): State<AppState>,
    session: ActiveSession,
    ApiPath(id): ApiPath<String>,
) -> AppResult<Json<serde_json::Value>> {
    let guest = asked_about(&state, &session.account, &id).await?;
    let mut work = UnitOfWork::begin(&state.db).await?;
    crate::confirmations::reject(&mut work, &session.account, &guest, state.clock.now_ms()).await?;
    work.commit(&state.events).await?;
    Ok(Json(serde_json::json!({})))
}
