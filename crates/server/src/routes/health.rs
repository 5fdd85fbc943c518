//! `GET /health`: liveness plus a database round trip.

use crate::error::AppResult;
use crate::state::AppState;
use axum::extract::State;
use axum::routing::get;
use axum::Json;
use parley_core::wire::Health;

pub fn router() -> axum::Router<AppState> {
    axum::Router::new().route("/health", get(health))
}

#[utoipa::path(get, path = "/health", responses((status = 200, body = Health)))]
pub async fn health(State(state): State<AppState>) -> AppResult<Json<Health>> {
    sqlx::query("SELECT 1").execute(&state.db).await?;
    Ok(Json(Health {
        status: "ok".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        database: state.backend.name().into(),
    }))
}
