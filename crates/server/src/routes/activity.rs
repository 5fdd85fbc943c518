//! `GET /api/v1/admin/activity?month=YYYY-MM`: the activity report of a month (SPEC §9), for
//! company admins (the whole organisation) and department admins (their guests).

use crate::error::{ApiQuery, AppError, AppResult};
use crate::routes::ActiveSession;
use crate::state::AppState;
use axum::extract::State;
use axum::routing::get;
use axum::Json;
use parley_core::admin::{ActivityReport, ReportMonth};
use parley_core::ErrorCode;
use serde::Deserialize;

pub fn router() -> axum::Router<AppState> {
    axum::Router::new().route("/api/v1/admin/activity", get(report))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MonthQuery {
    /// `YYYY-MM` (years 2000 to 9999), e.g. `2026-11`.
    #[param(pattern = r"^[2-9][0-9]{3}-(0[1-9]|1[0-2])$")]
    pub month: String,
}

#[utoipa::path(get, path = "/api/v1/admin/activity", params(MonthQuery),
    responses((status = 200, body = ActivityReport), (status = 403, body = parley_core::wire::ApiError),
              (status = 422, body = parley_core::wire::ApiError)), security(("bearer" = [])))]
pub async fn report(
    State(state): State<AppState>,
    session: ActiveSession,
    ApiQuery(q): ApiQuery<MonthQuery>,
) -> AppResult<Json<ActivityReport>> {
    let scope = crate::guests::scope_of(&state.db, &session.account).await?;
    let month = ReportMonth::parse(&q.month).ok_or_else(|| AppError::on_field(ErrorCode::InvalidFormat, "month"))?;
    let org = &session.account.organisation_id;
    let settings = crate::settings::load(&state.db, org).await?;
    Ok(Json(crate::activity::report(&state.db, org, &scope, &settings, month).await?))
}
