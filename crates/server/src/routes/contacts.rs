//! `GET /api/v1/contacts?cursor=…` (or `?page=…`): delta sync of Contacts (SPEC §11), a whole
//! list in pages; the rules are in [`crate::contact_sync`].

use crate::contact_sync;
use crate::error::{ApiQuery, AppResult};
use crate::routes::ActiveSession;
use crate::state::AppState;
use axum::extract::State;
use axum::routing::get;
use axum::Json;
use parley_core::wire::ContactsDelta;
use serde::Deserialize;

pub fn router() -> axum::Router<AppState> {
    axum::Router::new().route("/api/v1/contacts", get(contacts))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct CursorQuery {
    /// The `cursor` of the previous answer; absent for a full list.
    pub cursor: Option<String>,
    /// The `page.next` of the previous page of a full list, for the page after it (the cursor
    /// is then not read).
    pub page: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/contacts", params(CursorQuery),
    responses((status = 200, body = ContactsDelta), (status = 400, body = parley_core::wire::ApiError), (status = 401, body = parley_core::wire::ApiError), (status = 403, body = parley_core::wire::ApiError)),
    security(("bearer" = [])))]
pub async fn contacts(
    State(state): State<AppState>,
    session: ActiveSession,
    ApiQuery(q): ApiQuery<CursorQuery>,
) -> AppResult<Json<ContactsDelta>> {
    Ok(Json(
        contact_sync::delta(&state.db, state.backend, &session.account, q.cursor.as_deref(), q.page.as_deref()).await?,
    ))
}
