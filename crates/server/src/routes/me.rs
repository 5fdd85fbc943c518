//! The logged-in account, and the first-login steps (confirm names, accept the terms).

use crate::accounts;
use crate::db::next_change_seq;
use crate::error::{ApiJson, AppError, AppResult};
use crate::events::Event;
use crate::messages;
use crate::notices;
use crate::routes::AnySession;
use crate::state::AppState;
use crate::unit_of_work::UnitOfWork;
use crate::welcome;
use axum::extract::State;
use axum::routing::{get, post};
use axum::Json;
use parley_core::role::AccountStatus;
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
    let now = state.clock.now_ms();
    let mut work = UnitOfWork::begin(&state.db).await?;
    let seq = next_change_seq(&mut work).await?;
    sqlx::query(
        "UPDATE accounts SET first_name = $1, last_name = $2, status = $3, \
         terms_accepted_at = COALESCE(terms_accepted_at, $4), updated_at = $5, change_seq = $6 WHERE id = $7",
    )
    .bind(first.as_str())
    .bind(last.as_str())
    .bind(AccountStatus::Active.as_str())
    .bind(now)
    .bind(now)
    .bind(seq)
    .bind(&session.account.id)
    .execute(&mut *work)
    .await?;
    // The confirmed names are what the guests search finds (as a guest, and as an inviter).
    crate::guest_search::refresh(&mut work, crate::guest_search::SearchKey::Guest, &session.account.id).await?;
    crate::guest_search::refresh(&mut work, crate::guest_search::SearchKey::Inviter, &session.account.id).await?;
    let (pending, written) = if session.account.status() == AccountStatus::Pending {
        let (pending, inviter) =
            accept_invitation(&mut work, &session.account, first.as_str(), last.as_str(), now).await?;
        let written =
            welcome::on_activation(&mut work, &session.account, first.as_str(), last.as_str(), inviter.as_deref(), now)
                .await?;
        (pending, written)
    } else {
        (Vec::new(), Vec::new())
    };
    let account =
        accounts::by_id(&mut *work, &session.account.id).await?.ok_or_else(|| AppError::new(ErrorCode::NotFound))?;
    work.publish(Event::ContactsChanged { organisation_id: session.account.organisation_id.clone(), seq });
    notices::announce(&mut work, pending);
    for w in &written {
        messages::announce(&mut work, &w.conversation_id, &w.message_id).await?;
    }
    work.commit(&state.events).await?;
    Ok(Json(account.to_me()))
}

/// A guest's first login ends their invitation; the inviter is told (SPEC §7.6). Returns the
/// notice to publish and the inviter's name.
async fn accept_invitation(
    tx: &mut sqlx::AnyConnection,
    guest: &crate::accounts::AccountRow,
    first: &str,
    last: &str,
    now: i64,
) -> sqlx::Result<(Vec<notices::Pending>, Option<String>)> {
    let inviter: Option<String> = sqlx::query_scalar(
        "UPDATE invitations SET status = 'accepted' WHERE guest_id = $1 AND status = 'pending' RETURNING inviter_id",
    )
    .bind(&guest.id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(inviter) = inviter else { return Ok((Vec::new(), None)) };
    let name: Option<(String, String)> = sqlx::query_as("SELECT first_name, last_name FROM accounts WHERE id = $1")
        .bind(&inviter)
        .fetch_optional(&mut *tx)
        .await?;
    let body = format!("Your guest {first} {last} has activated their account.");
    let notice = notices::create(tx, &guest.organisation_id, &inviter, "guest_activated", &body, now).await?;
    Ok((vec![notice], name.map(|(f, l)| format!("{f} {l}"))))
}
