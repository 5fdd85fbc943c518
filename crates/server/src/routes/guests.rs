//! The guests list and what admins do with it (SPEC §7.6, §8): list, incorporate, delete, and
//! for pending invitations resend, amend and cancel. Every guest acted on must be in the
//! admin's scope; a batch is all or nothing.

use crate::accounts::AccountRow;
use crate::all_group;
use crate::db::next_change_seq;
use crate::error::{ApiJson, ApiQuery, AppError, AppResult};
use crate::events::Event;
use crate::guests::{self, Scope};
use crate::invitation_messages::{send_again, Tone};
use crate::routes::ActiveSession;
use crate::settings;
use crate::state::AppState;
use crate::unit_of_work::UnitOfWork;
use axum::extract::{Path, State};
use axum::routing::{get, post, put};
use axum::Json;
use parley_core::admin::{
    ActivityAction, AmendGuestRequest, GuestRow, GuestSelection, GuestsChanged, GuestsPage, GuestsQuery, BATCH_MAX,
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
    let scope = Scope::of(&state.db, &session.account).await?;
    Ok(Json(guests::page(&state.db, state.backend, &session.account.organisation_id, &scope, &q).await?))
}

/// The selected guests, each in the admin's scope, without duplicates.
async fn selection(state: &AppState, admin: &AccountRow, sel: &GuestSelection) -> AppResult<Vec<GuestRow>> {
    if sel.guest_ids.is_empty() {
        return Err(AppError::with_message(ErrorCode::InvalidRequest, "Select at least one guest."));
    }
    if sel.guest_ids.len() > BATCH_MAX {
        return Err(AppError::with_message(
            ErrorCode::InvalidRequest,
            format!("Select at most {BATCH_MAX} guests at a time."),
        ));
    }
    let scope = Scope::of(&state.db, admin).await?;
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
    let seq = next_change_seq(&mut work).await?;
    let mut notices = Vec::new();
    for g in &chosen {
        // Members of their department, with every member right and member visibility; the
        // new scope makes their own next contacts delta a full list.
        leave_list(&mut work, admin, &g.id, Leaving::Incorporated, (now, seq)).await?;
        // A member now: into the ALL group if it is shown (announced there once active).
        let name = format!("{} {}", g.first_name, g.last_name);
        let announce = (g.status == AccountStatus::Active).then_some(name.as_str());
        if let Some((all, Some(notice))) =
            all_group::join(&mut work, &admin.organisation_id, &g.id, announce, now).await?
        {
            notices.push((all, notice));
        }
    }
    work.publish(Event::ContactsChanged { organisation_id: admin.organisation_id.clone(), seq });
    for g in &chosen {
        work.publish(Event::AccountChanged { account_id: g.id.clone(), member: true });
    }
    work.commit(&state.events).await?;
    for g in &chosen {
        tracing::info!(admin = %admin.id, guest = %g.id, "guest incorporated");
    }
    // Done and committed: a notice that cannot be pushed now is read with the history later.
    for (all, notice) in &notices {
        crate::messages::publish(&state.db, &state.events, all, notice).await;
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

/// How a guest leaves the list: incorporated as a member (SPEC §8), deleted by an admin
/// (SPEC §8), or their pending invitation cancelled (SPEC §7.6; a *Deletion* in the activity
/// report).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Leaving {
    Incorporated,
    Deleted,
    Cancelled,
}

impl Leaving {
    /// What changes on the account.
    fn change(self) -> &'static str {
        match self {
            Self::Incorporated => "kind = 'member', role = 'member', scope_seq = $2",
            Self::Deleted | Self::Cancelled => "status = 'deleted'",
        }
    }
    /// What must still hold for it (a cancellation only while the guest is pending).
    fn still(self) -> &'static str {
        match self {
            Self::Cancelled => "status = 'pending'",
            Self::Incorporated | Self::Deleted => "status <> 'deleted'",
        }
    }
    fn invitation_status(self) -> &'static str {
        match self {
            Self::Incorporated => "incorporated",
            Self::Deleted => "deleted",
            Self::Cancelled => "cancelled",
        }
    }
    fn action(self) -> ActivityAction {
        match self {
            Self::Incorporated => ActivityAction::Incorporation,
            Self::Deleted | Self::Cancelled => ActivityAction::Deletion,
        }
    }
}

/// Deletes guests (SPEC §8): they can no longer log in (sessions revoked and sockets closed at
/// once), they leave contacts and member lists; their messages stay, from a *former guest*.
async fn remove(state: &AppState, admin: &AccountRow, chosen: &[GuestRow], how: Leaving) -> AppResult<()> {
    let now = state.clock.now_ms();
    let mut work = UnitOfWork::begin(&state.db).await?;
    let seq = next_change_seq(&mut work).await?;
    let mut conversations: Vec<String> = Vec::new();
    for g in chosen {
        leave_list(&mut work, admin, &g.id, how, (now, seq)).await?;
        let theirs: Vec<String> =
            sqlx::query_scalar("SELECT conversation_id FROM conversation_members WHERE account_id = $1")
                .bind(&g.id)
                .fetch_all(&mut *work)
                .await?;
        conversations.extend(theirs);
    }
    // Everyone who shared a conversation with them re-evaluates whom they see.
    conversations.sort();
    conversations.dedup();
    let mut last_seq = seq;
    for c in &conversations {
        last_seq = crate::conversations::touch_members(&mut work, c).await?;
    }
    // With the account: its sessions end (its sockets close once this commits).
    for g in chosen {
        crate::sessions::revoke_all(&mut work, &g.id, now).await?;
    }
    work.publish(Event::ContactsChanged { organisation_id: admin.organisation_id.clone(), seq: last_seq });
    for c in conversations {
        let recipients = crate::conversations::member_ids_in(&mut work, &c).await?;
        work.publish(Event::ConversationChanged { recipient_ids: recipients.into(), conversation_id: c });
    }
    work.commit(&state.events).await?;
    for g in chosen {
        tracing::info!(admin = %admin.id, guest = %g.id, status = how.invitation_status(), "guest removed");
    }
    Ok(())
}

/// Takes a guest off the list inside the admin's transaction: the account changes only while
/// it is still as read (another admin may have got there first: then nothing changes, all or
/// nothing), the invitation's status follows, and the activity row is written.
async fn leave_list(
    tx: &mut sqlx::AnyConnection,
    admin: &AccountRow,
    guest_id: &str,
    how: Leaving,
    (now, seq): (i64, i64),
) -> AppResult<()> {
    let changed = sqlx::query(&format!(
        "UPDATE accounts SET {}, updated_at = $1, change_seq = $2 WHERE id = $3 AND kind = 'guest' AND {}",
        how.change(),
        how.still()
    ))
    .bind(now)
    .bind(seq)
    .bind(guest_id)
    .execute(&mut *tx)
    .await?;
    if changed.rows_affected() != 1 {
        return Err(AppError::with_message(ErrorCode::Conflict, "This guest changed meanwhile. Reload the list."));
    }
    sqlx::query("UPDATE invitations SET status = $1 WHERE guest_id = $2")
        .bind(how.invitation_status())
        .bind(guest_id)
        .execute(&mut *tx)
        .await?;
    crate::activity::record(tx, &admin.organisation_id, &admin.id, how.action(), guest_id, now).await?;
    Ok(())
}

/// Whether an id from a request can be an account id at all (no control characters, which
/// PostgreSQL refuses in text), so junk answers 404 rather than a database error.
fn plausible_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 64 && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

/// A guest of the admin's scope whose invitation is still pending.
async fn pending_guest(state: &AppState, admin: &AccountRow, id: &str) -> AppResult<GuestRow> {
    let scope = Scope::of(&state.db, admin).await?;
    if !plausible_id(id) {
        return Err(AppError::with_message(ErrorCode::NotFound, "No such guest."));
    }
    let guest = guests::in_scope(&state.db, &admin.organisation_id, &scope, id).await?;
    if guest.status != AccountStatus::Pending {
        return Err(AppError::with_message(ErrorCode::Conflict, "This guest has already activated their account."));
    }
    Ok(guest)
}

#[utoipa::path(post, path = "/api/v1/admin/guests/{id}/cancel",
    responses((status = 200), (status = 403, body = ApiError), (status = 404, body = ApiError), (status = 409, body = ApiError)),
    security(("bearer" = [])))]
pub async fn cancel(
    State(state): State<AppState>,
    session: ActiveSession,
    Path(id): Path<String>,
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
    Path(id): Path<String>,
) -> AppResult<Json<GuestRow>> {
    let guest = pending_guest(&state, &session.account, &id).await?;
    let settings = settings::load(&state.db, &session.account.organisation_id).await?;
    let mut tx = state.db.begin().await?;
    send_again(&mut tx, &state, &guest.id, &settings, Tone::First).await?;
    tx.commit().await?;
    state.outbox_wake.notify_one();
    let scope = Scope::Organisation;
    Ok(Json(guests::in_scope(&state.db, &session.account.organisation_id, &scope, &id).await?))
}

#[utoipa::path(put, path = "/api/v1/admin/guests/{id}", request_body = AmendGuestRequest,
    responses((status = 200, body = GuestRow), (status = 403, body = ApiError), (status = 404, body = ApiError),
              (status = 409, body = ApiError), (status = 422, body = ApiError)),
    security(("bearer" = [])))]
pub async fn amend(
    State(state): State<AppState>,
    session: ActiveSession,
    Path(id): Path<String>,
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
    let seq = next_change_seq(&mut work).await?;
    let changed = sqlx::query(
        "UPDATE accounts SET first_name = $1, last_name = $2, phone = $3, email = $4, updated_at = $5, change_seq = $6 \
         WHERE id = $7 AND kind = 'guest' AND status = 'pending'",
    )
    .bind(valid.first_name.as_str())
    .bind(valid.last_name.as_str())
    .bind(valid.phone.as_str())
    .bind(valid.email.canonical())
    .bind(now)
    .bind(seq)
    .bind(&guest.id)
    .execute(&mut *work)
    .await
    .map_err(|e| match AppError::from(e) {
        err if err.code() == ErrorCode::Conflict => AppError::new(ErrorCode::ContactExists),
        err => err,
    })?;
    if changed.rows_affected() != 1 {
        return Err(AppError::with_message(ErrorCode::Conflict, "This guest has already activated their account."));
    }
    // The old details may have reached the wrong person: their codes die with them.
    sqlx::query("UPDATE activation_codes SET used_at = $1 WHERE account_id = $2 AND used_at IS NULL")
        .bind(now)
        .bind(&guest.id)
        .execute(&mut *work)
        .await?;
    crate::guest_search::refresh(&mut work, crate::guest_search::SearchKey::Guest, &guest.id).await?;
    // The corrected details get the invitation again, with a new code.
    send_again(&mut work, &state, &guest.id, &settings, Tone::First).await?;
    // …and so does a session opened with them (a first login not finished yet).
    crate::sessions::revoke_all(&mut work, &guest.id, now).await?;
    work.publish(Event::ContactsChanged { organisation_id: session.account.organisation_id.clone(), seq });
    work.commit(&state.events).await?;
    state.outbox_wake.notify_one();
    tracing::info!(admin = %session.account.id, guest = %guest.id, "pending guest amended");
    let scope = Scope::Organisation;
    Ok(Json(guests::in_scope(&state.db, &session.account.organisation_id, &scope, &id).await?))
}
