//! "Why does X see Y?" (SPEC §11.1), for company and department admins: pick two accounts of
//! the admin's scope and read the visibility rule's answer ([`crate::visibility_check`]).

use crate::accounts::{self, AccountRow};
use crate::error::{ApiQuery, AppError, AppResult};
use crate::guests::{scope_of, Scope};
use crate::routes::guests::plausible_id;
use crate::routes::ActiveSession;
use crate::state::AppState;
use crate::visibility_check;
use axum::extract::State;
use axum::routing::get;
use axum::Json;
use parley_core::visibility::explain::{AccountPick, AccountPickQuery, VisibilityAnswer, VisibilityQuery};
use parley_core::wire::ApiError;
use parley_core::ErrorCode;

pub fn router() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/api/v1/admin/accounts", get(account_picks))
        .route("/api/v1/admin/visibility", get(explain))
}

#[utoipa::path(get, path = "/api/v1/admin/accounts", params(AccountPickQuery),
    responses((status = 200, body = Vec<AccountPick>), (status = 403, body = ApiError)), security(("bearer" = [])))]
pub async fn account_picks(
    State(state): State<AppState>,
    session: ActiveSession,
    ApiQuery(q): ApiQuery<AccountPickQuery>,
) -> AppResult<Json<Vec<AccountPick>>> {
    let scope = scope_of(&state.db, &session.account).await?;
    Ok(Json(visibility_check::picks(&state.db, &session.account.organisation_id, &scope, &q.search).await?))
}

#[utoipa::path(get, path = "/api/v1/admin/visibility", params(VisibilityQuery),
    responses((status = 200, body = VisibilityAnswer), (status = 400, body = ApiError), (status = 403, body = ApiError),
               (status = 404, body = ApiError)), security(("bearer" = [])))]
pub async fn explain(
    State(state): State<AppState>,
    session: ActiveSession,
    ApiQuery(q): ApiQuery<VisibilityQuery>,
) -> AppResult<Json<VisibilityAnswer>> {
    let scope = scope_of(&state.db, &session.account).await?;
    if q.viewer == q.target {
        return Err(AppError::with_message(ErrorCode::InvalidRequest, "Choose two different people.").field("target"));
    }
    let viewer = in_scope(&state, &session.account, &scope, &q.viewer, "viewer").await?;
    let target = in_scope(&state, &session.account, &scope, &q.target, "target").await?;
    Ok(Json(visibility_check::explain(&state.db, &viewer, &target).await?))
}

/// A live or deleted account the admin administers; another organisation's is not said to exist.
async fn in_scope(state: &AppState, admin: &AccountRow, scope: &Scope, id: &str, field: &str) -> AppResult<AccountRow> {
    let not_found = || AppError::with_message(ErrorCode::NotFound, "No such person.").field(field);
    if !plausible_id(id) {
        return Err(not_found());
    }
    let account = accounts::by_id(&state.db, id).await?.filter(|a| a.organisation_id == admin.organisation_id);
    let account = account.ok_or_else(not_found)?;
    if !scope.includes(&account.department_id) {
        return Err(AppError::with_message(
            ErrorCode::Forbidden,
            "This person is outside the departments you administer.",
        )
        .field(field));
    }
    Ok(account)
}
