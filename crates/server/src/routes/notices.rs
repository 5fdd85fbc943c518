//! The logged-in account's in-app notices.

use crate::error::AppResult;
use crate::notices;
use crate::routes::ActiveSession;
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::Json;
use parley_core::wire::Notice;

pub fn router() -> axum::Router<AppState> {
    axum::Router::new().route("/api/v1/notices", get(list)).route("/api/v1/notices/read", post(read_all))
}

#[utoipa::path(get, path = "/api/v1/notices", responses((status = 200, body = [Notice])), security(("bearer" = [])))]
pub async fn list(State(state): State<AppState>, session: ActiveSession) -> AppResult<Json<Vec<Notice>>> {
    Ok(Json(notices::list(&state.db, &session.account.id, 100).await?))
}

#[utoipa::path(post, path = "/api/v1/notices/read", responses((status = 204)), security(("bearer" = [])))]
pub async fn read_all(State(state): State<AppState>, session: ActiveSession) -> AppResult<StatusCode> {
    notices::mark_all_read(&state.db, &session.account.id, state.clock.now_ms()).await?;
    Ok(StatusCode::NO_CONTENT)
}
