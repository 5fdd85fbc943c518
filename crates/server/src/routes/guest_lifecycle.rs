//! A guest's lifecycle beyond the admin list (SPEC §11.1): admins give guests a sponsor
//! (themselves, or another member who may sponsor), an authorised member takes a suspended
//! guest over, and a guest's sponsor (or an admin) extends its access. `core::sponsor` and
//! `core::guest_access` decide who may; the services are `crate::sponsors` and
//! `crate::guest_ends`.

use crate::accounts::AccountRow;
use crate::error::{ApiJson, ApiPath, AppError, AppResult};
use crate::routes::guests::{plausible_id, selection};
use crate::routes::ActiveSession;
use crate::settings;
use crate::sponsors::Taking;
use crate::state::AppState;
use crate::unit_of_work::UnitOfWork;
use axum::extract::State;
use axum::routing::post;
use axum::Json;
use parley_core::admin::{GuestSelection, GuestsChanged, SponsorChange};
use parley_core::role::{AccountKind, AccountStatus};
use parley_core::sponsor::{sponsor_actions, Standing};
use parley_core::wire::ApiError;
use parley_core::ErrorCode;

pub fn router() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/api/v1/admin/guests/sponsor", post(change_sponsor))
        .route("/api/v1/guests/{id}/take-over", post(take_over))
        .route("/api/v1/guests/{id}/access", post(extend_access))
}

fn no_such_guest() -> AppError {
    AppError::with_message(ErrorCode::NotFound, "No such guest.")
}

/// The live guest `id` of the asker's organisation; "No such guest." otherwise (what the asker
/// may do about it is decided after).
async fn live_guest(state: &AppState, asker: &AccountRow, id: &str) -> AppResult<AccountRow> {
    if !plausible_id(id) {
        return Err(no_such_guest());
    }
    crate::accounts::by_id(&state.db, id)
        .await?
        .filter(|g| {
            g.organisation_id == asker.organisation_id
                && g.kind() == AccountKind::Guest
                && g.status() != AccountStatus::Deleted
        })
        .ok_or_else(no_such_guest)
}

#[utoipa::path(post, path = "/api/v1/admin/guests/sponsor", request_body = SponsorChange,
    responses((status = 200, body = GuestsChanged), (status = 403, body = ApiError), (status = 404, body = ApiError),
              (status = 409, body = ApiError), (status = 422, body = ApiError, description = "the sponsor may not sponsor guests")),
    security(("bearer" = [])))]
/// An admin gives the selected guests (each in their scope) a sponsor: themselves (a take-over)
/// or another member who may sponsor guests (a reassignment) — `core::sponsor` decides.
pub async fn change_sponsor(
    State(state): State<AppState>,
    session: ActiveSession,
    ApiJson(req): ApiJson<SponsorChange>,
) -> AppResult<Json<GuestsChanged>> {
    let admin = &session.account;
    let chosen = selection(&state, admin, &GuestSelection { guest_ids: req.guest_ids }).await?;
    let sponsor = match plausible_id(&req.sponsor_id) {
        true => crate::accounts::by_id(&state.db, &req.sponsor_id).await?,
        false => None,
    }
    .filter(|s| s.organisation_id == admin.organisation_id)
    .ok_or_else(|| AppError::on_field(ErrorCode::SponsorNotAllowed, "sponsor_id"))?;
    // A department admin hands guests only to people of the departments they administer.
    if !crate::guests::scope_of(&state.db, admin).await?.includes(&sponsor.department_id) {
        let message = "Choose a sponsor in the departments you administer.";
        return Err(AppError(ApiError::with_message(ErrorCode::SponsorNotAllowed, message).field("sponsor_id")));
    }
    for g in &chosen {
        let actions = sponsor_actions(&Standing {
            asker: admin.candidate(),
            administers_guest: true,
            sees_guest: false,
            is_sponsor: g.sponsor_id.as_deref() == Some(admin.id.as_str()),
            guest_has_sponsor: g.sponsor_id.is_some(),
        });
        let allowed = if sponsor.id == admin.id { actions.take_over || actions.reassign } else { actions.reassign };
        if !allowed {
            return Err(AppError::new(ErrorCode::Forbidden));
        }
    }
    let ids: Vec<String> = chosen.iter().map(|g| g.id.clone()).collect();
    let mut work = UnitOfWork::begin(&state.db).await?;
    crate::sponsors::take_over(&mut work, admin, &sponsor, &ids, Taking::Any, state.clock.now_ms()).await?;
    work.commit(&state.events).await?;
    tracing::info!(admin = %admin.id, sponsor = %sponsor.id, guests = ids.len(), "guests given a sponsor");
    Ok(Json(GuestsChanged { count: ids.len() as u32 }))
}

#[utoipa::path(post, path = "/api/v1/guests/{id}/take-over",
    responses((status = 200, body = GuestsChanged), (status = 403, body = ApiError), (status = 404, body = ApiError),
              (status = 409, body = ApiError)),
    security(("bearer" = [])))]
/// The asker becomes a guest's sponsor: an authorised member who sees a suspended guest, or an
/// admin of the guest (`core::sponsor::sponsor_actions`). A guest the asker neither sees nor
/// administers is not said to exist.
pub async fn take_over(
    State(state): State<AppState>,
    session: ActiveSession,
    ApiPath(id): ApiPath<String>,
) -> AppResult<Json<GuestsChanged>> {
    let asker = &session.account;
    let guest = live_guest(&state, asker, &id).await?;
    let administers_guest = crate::routes::admin::administers(&state, asker, &guest).await?;
    let sees_guest = asker.sees(&state.db, &guest).await?;
    if !administers_guest && !sees_guest {
        return Err(no_such_guest());
    }
    let actions = sponsor_actions(&Standing {
        asker: asker.candidate(),
        administers_guest,
        sees_guest,
        is_sponsor: guest.sponsor_id.as_deref() == Some(asker.id.as_str()),
        guest_has_sponsor: guest.sponsor_id.is_some(),
    });
    if !actions.take_over {
        return Err(AppError::new(ErrorCode::Forbidden));
    }
    let mut work = UnitOfWork::begin(&state.db).await?;
    // A member takes over only a guest still without a sponsor; an admin of the guest, any.
    let taking = if administers_guest { Taking::Any } else { Taking::OnlyUnsponsored };
    let now = state.clock.now_ms();
    crate::sponsors::take_over(&mut work, asker, asker, std::slice::from_ref(&guest.id), taking, now).await?;
    work.commit(&state.events).await?;
    tracing::info!(sponsor = %asker.id, guest = %guest.id, "guest taken over");
    Ok(Json(GuestsChanged { count: 1 }))
}

/// The new end of an extended access.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct AccessExtended {
    pub access_ends_at: i64,
}

#[utoipa::path(post, path = "/api/v1/guests/{id}/access", request_body = parley_core::wire::ExtendAccessRequest,
    responses((status = 200, body = AccessExtended), (status = 403, body = ApiError), (status = 404, body = ApiError),
              (status = 422, body = ApiError, description = "longer than the organisation allows")),
    security(("bearer" = [])))]
/// The guest's sponsor, or an admin of the guest, extends its access (SPEC §11.1) by `days`
/// from now, within the organisation's maximum (`core::guest_access`). A guest the asker
/// neither sees nor administers is not said to exist.
pub async fn extend_access(
    State(state): State<AppState>,
    session: ActiveSession,
    ApiPath(id): ApiPath<String>,
    ApiJson(req): ApiJson<parley_core::wire::ExtendAccessRequest>,
) -> AppResult<Json<AccessExtended>> {
    let asker = &session.account;
    let guest = live_guest(&state, asker, &id).await?;
    let administers_guest = crate::routes::admin::administers(&state, asker, &guest).await?;
    let is_sponsor = guest.sponsor_id.as_deref() == Some(asker.id.as_str());
    if !parley_core::guest_access::may_extend(is_sponsor, administers_guest, guest.status()) {
        return Err(match asker.sees(&state.db, &guest).await? {
            true => AppError::new(ErrorCode::Forbidden),
            false => no_such_guest(),
        });
    }
    let settings = settings::load(&state.db, &asker.organisation_id).await?;
    let mut work = UnitOfWork::begin(&state.db).await?;
    let access_ends_at =
        crate::guest_ends::extend(&mut work, asker, &guest, req.days, &settings, state.clock.now_ms()).await?;
    work.commit(&state.events).await?;
    tracing::info!(by = %asker.id, guest = %guest.id, access_ends_at, "guest access extended");
    Ok(Json(AccessExtended { access_ends_at }))
}
