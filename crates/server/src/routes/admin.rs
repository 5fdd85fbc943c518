//! Administration endpoints. For now: revoking an account's sessions (SPEC §4, "revocation").

use crate::accounts::{self, AccountRow};
use crate::error::{AppError, AppResult};
use crate::routes::ActiveSession;
use crate::sessions;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::routing::post;
use axum::Json;
use parley_core::role::Role;
use parley_core::ErrorCode;
use serde::Serialize;

pub fn router() -> axum::Router<AppState> {
    axum::Router::new().route("/api/v1/admin/accounts/{id}/revoke-sessions", post(revoke_sessions))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Revoked {
    pub revoked: usize,
}

/// Whether `admin` administers `target`: a company admin administers the whole
/// organisation; a department admin the departments listed for them and their sub-departments.
pub async fn administers(state: &AppState, admin: &AccountRow, target: &AccountRow) -> AppResult<bool> {
    if admin.organisation_id != target.organisation_id {
        return Ok(false);
    }
    match admin.role() {
        Role::CompanyAdmin => Ok(true),
        Role::DepartmentAdmin => {
            let admins =
                accounts::admins_for_department(&state.db, &target.organisation_id, &target.department_id).await?;
            Ok(admins.contains(&admin.id))
        }
        _ => Ok(false),
    }
}

#[utoipa::path(post, path = "/api/v1/admin/accounts/{id}/revoke-sessions",
    responses((status = 200, body = Revoked), (status = 403, body = parley_core::wire::ApiError), (status = 404, body = parley_core::wire::ApiError)),
    security(("bearer" = [])))]
pub async fn revoke_sessions(
    State(state): State<AppState>,
    session: ActiveSession,
    Path(id): Path<String>,
) -> AppResult<Json<Revoked>> {
    if !session.account.role().is_admin() {
        return Err(AppError::new(ErrorCode::Forbidden));
    }
    let target = accounts::by_id(&state.db, &id).await?.ok_or_else(|| AppError::new(ErrorCode::NotFound))?;
    if !administers(&state, &session.account, &target).await? {
        // Another organisation's account is not even said to exist.
        let code = if target.organisation_id == session.account.organisation_id {
            ErrorCode::Forbidden
        } else {
            ErrorCode::NotFound
        };
        return Err(AppError::new(code));
    }
    let revoked = sessions::revoke_all(&state.db, &state.events, &target.id, state.clock.now_ms()).await?;
    tracing::info!(admin = %session.account.id, target = %target.id, revoked, "admin: sessions revoked");
    Ok(Json(Revoked { revoked }))
}
