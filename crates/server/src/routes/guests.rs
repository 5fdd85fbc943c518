//! The guests list and what admins do with it (SPEC §7.6, §8): list, incorporate, delete, and
//! for pending invitations resend, amend and cancel. Every guest acted on must be in the
//! admin's scope (checked here); a batch is all or nothing, one unit of work
//! ([`crate::guest_actions`] does the changes).

use crate::accounts::AccountRow;
use crate::error::{ApiJson, ApiPath, ApiQuery, AppError, AppResult};
use crate::guest_actions::{self, Leaving};
use crate::guests::{self, Scope};
use crate::invitation_messages::{send_again, Tone};
use crate::routes::ActiveSession;
use crate::settings;
use crate::state::AppState;
use crate::unit_of_work::UnitOfWork;
use axum::extract::State;
use axum::routing::{get, post, put};
use axum::Json;
use parley_core::admin::{
    AmendGuestRequest, GuestRow, GuestSelection, GuestsChanged, GuestsPage, GuestsQuery, BATCH_MAX,
};
use parley_core::invitation::check_contact;
use parley_core::role::AccountStatus;
use parley_core::wire::ApiError;
use parley_core::ErrorCode;

pub fn router() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/api/v1/admin/guests", get(list))
        .route("/api/v1/admin/guests/incorporate", post(incorporate))
        .route("/api/v1/admin/guests/delete", post(delete))
        .route("/api/v1/admin/guests/{id}", put(amend))
        .route("/api/v1/admin/guests/{id}/resend", post(resend))
        .route("/api/v1/admin/guests/{id}/cancel", post(cancel))
}

#[utoipa::path(get, path = "/api/v1/admin/guests", params(GuestsQuery),
    responses((status = 200, body = GuestsPage), (status = 403, body = ApiError)), security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    session: ActiveSession,
    ApiQuery(q): ApiQuery<GuestsQuery>,
) -> AppResult<Json<GuestsPage>> {
    let scope = crate::guests::scope_of(&state.db, &session.account).await?;
    Ok(Json(guests::page(&state.db, state.backend, &session.account.organisation_id, &scope, &q).await?))
}

/// The selected guests, each in the admin's scope, without duplicates.
pub(crate) async fn selection(state: &AppState, admin: &AccountRow, sel: &GuestSelection) -> AppResult<Vec<GuestRow>> {
    if sel.guest_ids.is_empty() {
        return Err(AppError::with_message(ErrorCode::InvalidRequest, "Select at least one guest."));
    }
    if sel.guest_ids.len() > BATCH_MAX {
        return Err(AppError::with_message(
            ErrorCode::InvalidRequest,
            format!("Select at most {BATCH_MAX} guests at a time."),
        ));
    }
    let scope = crate::guests::scope_of(&state.db, admin).await?;
    if !sel.guest_ids.iter().all(|id| plausible_id(id)) {
        return Err(AppError::with_message(ErrorCode::NotFound, "No such guest."));
    }
    let mut ids = sel.guest_ids.clone();
    ids.sort();
    ids.dedup();
    let mut out = Vec::with_capacity(ids.len());
    for id in &ids {
        out.push(guests::in_scope(&state.db, &admin.organisation_id, &scope, id).await?);
    }
    Ok(out)
}

#[utoipa::path(post, path = "/api/v1/admin/guests/incorporate", request_body = GuestSelection,
    responses((status = 200, body = GuestsChanged), (status = 403, body = ApiError), (status = 404, body = ApiError),
               (status = 409, body = ApiError, description = "a guest changed meanwhile")),
    security(("bearer" = [])))]
pub async fn incorporate(
    State(state): State<AppState>,
    session: ActiveSession,
    ApiJson(sel): ApiJson<GuestSelection>,
) -> AppResult<Json<GuestsChanged>> {
    let admin = &session.account;
    let chosen = selection(&state, admin, &sel).await?;
    let now = state.clock.now_ms();
    let mut work = UnitOfWork::begin(&state.db).await?;
    guest_actions::incorporate(&mut work, admin, &chosen, now).await?;
    work.commit(&state.events).await?;
    for g in &chosen {
        tracing::info!(admin = %admin.id, guest = %g.id, "guest incorporated");
    }
    Ok(Json(GuestsChanged { count: chosen.len() as u32 }))
}

#[utoipa::path(post, path = "/api/v1/admin/guests/delete", request_body = GuestSelection,
    responses((status = 200, body = GuestsChanged), (status = 403, body = ApiError), (status = 404, body = ApiError),
               (status = 409, body = ApiError, description = "a guest changed meanwhile")),
    security(("bearer" = [])))]
pub async fn delete(
    State(state): State<AppState>,
    session: ActiveSession,
    ApiJson(sel): ApiJson<GuestSelection>,
) -> AppResult<Json<GuestsChanged>> {
    let chosen = selection(&state, &session.account, &sel).await?;
    remove(&state, &session.account, &chosen, Leaving::Deleted).await?;
    Ok(Json(GuestsChanged { count: chosen.len() as u32 }))
}

/// Deletes guests or cancels pending invitations in one unit of work.
async fn remove(state: &AppState, admin: &AccountRow, chosen: &[GuestRow], how: Leaving) -> AppResult<()> {
    let mut work = UnitOfWork::begin(&state.db).await?;
    guest_actions::remove(&mut work, admin, chosen, how, state.clock.now_ms()).await?;
    work.commit(&state.events).await?;
    for g in chosen {
        tracing::info!(admin = %admin.id, guest = %g.id, status = how.invitation_status(), "guest removed");
    }
    Ok(())
}

/// Whether an id from a request can be an account id at all (no control characters, which
/// PostgreSQL refuses in text), so junk answers 404 rather than a database error.
pub fn plausible_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 64 && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

/// A guest of the admin's scope whose invitation is still pending.
async fn pending_guest(state: &AppState, admin: &AccountRow, id: &str) -> AppResult<GuestRow> {
    let scope = crate::guests::scope_of(&state.db, admin).await?;
    if !plausible_id(id) {
        return Err(AppError::with_message(ErrorCode::NotFound, "No such guest."));
    }
    let guest = guests::in_scope(&state.db, &admin.organisation_id, &scope, id).await?;
    if guest.status != AccountStatus::Pending {
        return Err(AppError::with_message(ErrorCode::Conflict, "This guest has already activated their account."));
    }
    // A new code for a guest whose access ended would only be refused at login.
    if guest.access == parley_core::guest_access::GuestAccess::Ended {
        return Err(AppError::with_message(
            ErrorCode::Conflict,
            "This guest's access has ended. Its sponsor can extend it first.",
        ));
    }
    Ok(guest)
}

#[utoipa::path(post, path = "/api/v1/admin/guests/{id}/cancel",
    responses((status = 200), (status = 403, body = ApiError), (status = 404, body = ApiError), (status = 409, body = ApiError)),
    security(("bearer" = [])))]
pub async fn cancel(
    State(state): State<AppState>,
    session: ActiveSession,
    ApiPath(id): ApiPath<String>,
) -> AppResult<Json<serde_json::Value>> {
    let guest = pending_guest(&state, &session.account, &id).await?;
    remove(&state, &session.account, std::slice::from_ref(&guest), Leaving::Cancelled).await?;
    Ok(Json(serde_json::json!({})))
}

#[utoipa::path(post, path = "/api/v1/admin/guests/{id}/resend",
    responses((status = 200, body = GuestRow), (status = 403, body = ApiError), (status = 404, body = ApiError), (status = 409, body = ApiError)),
    security(("bearer" = [])))]
pub async fn resend(
    State(state): State<AppState>,
    session: ActiveSession,
    ApiPath(id): ApiPath<String>,
) -> AppResult<Json<GuestRow>> {
    let guest = pending_guest(&state, &session.account, &id).await?;
    let settings = settings::load(&state.db, &session.account.organisation_id).await?;
    let mut tx = crate::db::begin(&state.db).await?;
    send_again(&mut tx, &state, &guest.id, &settings, Tone::First).await?;
    // The answer is read before the commit: nothing can fail after the resend was saved.
    let answer = guests::in_scope(&mut *tx, &session.account.organisation_id, &Scope::Organisation, &id).await?;
    tx.commit().await?;
    state.outbox_wake.notify_one();
    Ok(Json(answer))
}

#[utoipa::path(put, path = "/api/v1/admin/guests/{id}", request_body = AmendGuestRequest,
    responses((status = 200, body = GuestRow), (status = 403, body = ApiError), (status = 404, body = ApiError),
              (status = 409, body = ApiError), (status = 422, body = ApiError)),
    security(("bearer" = [])))]
pub async fn amend(
    State(state): State<AppState>,
    session: ActiveSession,
    ApiPath(id): ApiPath<String>,
    ApiJson(req): ApiJson<AmendGuestRequest>,
) -> AppResult<Json<GuestRow>> {
    let guest = pending_guest(&state, &session.account, &id).await?;
    let settings = settings::load(&state.db, &session.account.organisation_id).await?;
    let mut errors = Vec::new();
    let valid = check_contact(&req.first_name, &req.last_name, &req.email, &req.phone, &settings, &mut errors);
    let Some(valid) = valid.filter(|_| errors.is_empty()) else {
        return Err(AppError(errors.into_iter().next().unwrap_or_else(|| ApiError::new(ErrorCode::InvalidRequest))));
    };
    // Another live account holding the number or address (anywhere on this server).
    let clash: Option<(String, String)> = sqlx::query_as(
        "SELECT id, CASE WHEN phone = $1 THEN 'phone' ELSE 'email' END FROM accounts \
         WHERE (phone = $1 OR email = $2) AND status <> 'deleted' AND id <> $3",
    )
    .bind(valid.phone.as_str())
    .bind(valid.email.canonical())
    .bind(&guest.id)
    .fetch_optional(&state.db)
    .await?;
    if let Some((_, field)) = clash {
        return Err(AppError::on_field(ErrorCode::ContactExists, &field));
    }
    let now = state.clock.now_ms();
    let mut work = UnitOfWork::begin(&state.db).await?;
    guest_actions::amend(&mut work, &state, &guest, &valid, &settings, now).await?;
    work.commit(&state.events).await?;
    state.outbox_wake.notify_one();
    tracing::info!(admin = %session.account.id, guest = %guest.id, "pending guest amended");
    let scope = Scope::Organisation;
    Ok(Json(guests::in_scope(&state.db, &session.account.organisation_id, &scope, &id).await?))
}
