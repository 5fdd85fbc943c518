//! Organisation settings (SPEC §3) and the per-member right *may invite guests*, for company
//! admins. Changes apply to the next request: every rule reads the settings when it runs; the
//! ALL group is shown or hidden in the same transaction as the save.

use crate::accounts;
use crate::error::{ApiJson, ApiPath, AppError, AppResult};
use crate::routes::ActiveSession;
use crate::settings;
use crate::sponsors::Departure;
use crate::state::AppState;
use crate::unit_of_work::UnitOfWork;
use axum::extract::State;
use axum::routing::{get, put};
use axum::Json;
use parley_core::role::{AccountKind, Role};
use parley_core::settings::OrganisationSettings;
use parley_core::ErrorCode;
use serde::{Deserialize, Serialize};

pub fn router() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/api/v1/admin/settings", get(read).put(write))
        .route("/api/v1/admin/accounts/{id}/may-invite", put(set_may_invite))
}

fn company_admin(session: &ActiveSession) -> AppResult<()> {
    if session.account.role() == Role::CompanyAdmin {
        Ok(())
    } else {
        Err(AppError::new(ErrorCode::Forbidden))
    }
}

#[utoipa::path(get, path = "/api/v1/admin/settings", responses((status = 200, body = OrganisationSettings),
    (status = 403, body = parley_core::wire::ApiError)), security(("bearer" = [])))]
pub async fn read(State(state): State<AppState>, session: ActiveSession) -> AppResult<Json<OrganisationSettings>> {
    company_admin(&session)?;
    Ok(Json(settings::load(&state.db, &session.account.organisation_id).await?))
}

#[utoipa::path(put, path = "/api/v1/admin/settings", request_body = OrganisationSettings,
    responses((status = 200, body = OrganisationSettings), (status = 403, body = parley_core::wire::ApiError),
              (status = 422, body = parley_core::wire::ApiError)), security(("bearer" = [])))]
pub async fn write(
    State(state): State<AppState>,
    session: ActiveSession,
    ApiJson(new): ApiJson<OrganisationSettings>,
) -> AppResult<Json<OrganisationSettings>> {
    company_admin(&session)?;
    let new = new.normalised().map_err(AppError)?;
    let mut work = UnitOfWork::begin(&state.db).await?;
    settings::change(&mut work, &session.account, &new, state.clock.now_ms()).await?;
    work.commit(&state.events).await?;
    tracing::info!(admin = %session.account.id, "organisation settings saved");
    Ok(Json(new))
}

#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct MayInvite {
    pub may_invite: bool,
}

#[utoipa::path(put, path = "/api/v1/admin/accounts/{id}/may-invite", request_body = MayInvite,
    responses((status = 200, body = MayInvite), (status = 403, body = parley_core::wire::ApiError),
              (status = 404, body = parley_core::wire::ApiError)), security(("bearer" = [])))]
pub async fn set_may_invite(
    State(state): State<AppState>,
    session: ActiveSession,
    ApiPath(id): ApiPath<String>,
    ApiJson(body): ApiJson<MayInvite>,
) -> AppResult<Json<MayInvite>> {
    company_admin(&session)?;
    let target = accounts::by_id(&state.db, &id)
        .await?
        .filter(|a| a.organisation_id == session.account.organisation_id)
        .ok_or_else(|| AppError::new(ErrorCode::NotFound))?;
    if target.kind() != AccountKind::Member {
        return Err(AppError::new(ErrorCode::FeatureNotForGuests));
    }
    let mut work = UnitOfWork::begin(&state.db).await?;
    accounts::set_may_invite_guests(&mut work, &target, body.may_invite).await?;
    // Withdrawing the right from a member who is not an admin takes their guests (SPEC §11.1).
    let after = parley_core::sponsor::Candidate { may_invite_guests: body.may_invite, ..target.candidate() };
    if parley_core::sponsor::loses_guests(&target.candidate(), &after) {
        let now = state.clock.now_ms();
        crate::sponsors::suspend_guests_of(&mut work, &target, &session.account, Departure::RightWithdrawn, now)
            .await?;
    }
    work.commit(&state.events).await?;
    Ok(Json(body))
}
