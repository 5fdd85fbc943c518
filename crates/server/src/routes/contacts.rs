//! `GET /api/v1/contacts?cursor=…`: delta sync of Contacts (SPEC §11), filtered through the
//! visibility rule (SPEC §5) for the viewer.
//!
//! Every change to an account stamps it with the next value of one change sequence. A delta
//! is every account stamped after the cursor: visible ones are sent, the rest are listed as
//! removed (deleted, or no longer visible). A cursor the server does not know (or none)
//! gets a full list.

use crate::accounts::{AccountRow, SELECT_ACCOUNT};
use crate::db::current_change_seq;
use crate::error::{ApiQuery, AppResult};
use crate::routes::ActiveSession;
use crate::state::AppState;
use axum::extract::State;
use axum::routing::get;
use axum::Json;
use parley_core::visibility::sees_in_contacts;
use parley_core::wire::ContactsDelta;
use serde::Deserialize;

pub fn router() -> axum::Router<AppState> {
    axum::Router::new().route("/api/v1/contacts", get(contacts))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct CursorQuery {
    /// The `cursor` of the previous answer; absent for a full list.
    pub cursor: Option<String>,
}

const CURSOR_PREFIX: &str = "c1.";

pub fn encode_cursor(seq: i64) -> String {
    format!("{CURSOR_PREFIX}{seq}")
}

fn decode_cursor(s: &str, current: i64) -> Option<i64> {
    let seq: i64 = s.strip_prefix(CURSOR_PREFIX)?.parse().ok()?;
    (0..=current).contains(&seq).then_some(seq)
}

#[utoipa::path(get, path = "/api/v1/contacts", params(CursorQuery),
    responses((status = 200, body = ContactsDelta), (status = 401, body = parley_core::wire::ApiError), (status = 403, body = parley_core::wire::ApiError)),
    security(("bearer" = [])))]
pub async fn contacts(
    State(state): State<AppState>,
    session: ActiveSession,
    ApiQuery(q): ApiQuery<CursorQuery>,
) -> AppResult<Json<ContactsDelta>> {
    let viewer = &session.account;
    let current = current_change_seq(&state.db).await?;
    // A viewer whose own scope changed after the cursor (incorporated) gets a full list.
    let since = q.cursor.as_deref().and_then(|c| decode_cursor(c, current)).filter(|&seq| viewer.scope_seq <= seq);
    let rows: Vec<AccountRow> = match since {
        Some(seq) => sqlx::query_as(&format!(
            "{SELECT_ACCOUNT} WHERE a.organisation_id = $1 AND a.change_seq > $2 AND a.change_seq <= $3 ORDER BY a.change_seq"
        ))
        .bind(&viewer.organisation_id)
        .bind(seq)
        .bind(current)
        .fetch_all(&state.db)
        .await?,
        None => sqlx::query_as(&format!(
            "{SELECT_ACCOUNT} WHERE a.organisation_id = $1 AND a.status <> 'deleted' AND a.change_seq <= $2 \
             ORDER BY a.last_name, a.first_name"
        ))
        .bind(&viewer.organisation_id)
        .bind(current)
        .fetch_all(&state.db)
        .await?,
    };
    let mut delta = ContactsDelta {
        contacts: Vec::new(),
        removed: Vec::new(),
        cursor: encode_cursor(current),
        full_resync: since.is_none(),
    };
    let shared = crate::conversations::shared_with(&state.db, &viewer.id).await?;
    for row in rows.iter().filter(|r| r.id != viewer.id) {
        if sees_in_contacts(viewer.party(), row.party(), viewer.ties_to(row, &shared)) {
            delta.contacts.push(row.to_contact());
        } else if since.is_some() {
            delta.removed.push(row.id.clone());
        }
    }
    Ok(Json(delta))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursor_roundtrip_and_unknown_cursors() {
        assert_eq!(decode_cursor(&encode_cursor(5), 10), Some(5));
        assert_eq!(decode_cursor(&encode_cursor(11), 10), None, "from the future: unknown");
        assert_eq!(decode_cursor("garbage", 10), None);
        assert_eq!(decode_cursor("c1.-3", 10), None);
    }
}
