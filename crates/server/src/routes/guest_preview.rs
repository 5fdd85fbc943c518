//! "Preview as guest" (SPEC §11.1): before sending an invitation, the inviter sees what the
//! guest will see; afterwards the guest's inviter and the admins of its department see what it
//! sees now ([`crate::guest_preview`]).

use crate::accounts;
use crate::error::{ApiJson, ApiPath, AppError, AppResult};
use crate::guest_invitations::{group_for_guest, may_invite};
use crate::guest_preview;
use crate::routes::guests::plausible_id;
use crate::routes::ActiveSession;
use crate::settings;
use crate::state::AppState;
use axum::extract::State;
use axum::routing::{get, post};
use axum::Json;
use parley_core::role::{AccountKind, AccountStatus};
use parley_core::visibility::preview::{GuestPreview, InvitationPreviewRequest};
use parley_core::wire::ApiError;
use parley_core::ErrorCode;

pub fn router() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/api/v1/invitations/preview", post(before_invitation))
        .route("/api/v1/guests/{id}/preview", get(of_guest))
}

#[utoipa::path(post, path = "/api/v1/invitations/preview", request_body = InvitationPreviewRequest,
    responses((status = 200, body = GuestPreview), (status = 403, body = ApiError),
              (status = 404, body = ApiError, description = "The conversation named is none the inviter may invite into.")),
    security(("bearer" = [])))]
pub async fn before_invitation(
    State(state): State<AppState>,
    session: ActiveSession,
    ApiJson(req): ApiJson<InvitationPreviewRequest>,
) -> AppResult<Json<GuestPreview>> {
    let inviter = &session.account;
    let settings = settings::load(&state.db, &inviter.organisation_id).await?;
    if !settings.guest_invitations_enabled || !may_invite(inviter) {
        return Err(AppError::new(ErrorCode::NotAuthorizedToInvite));
    }
    let conversation = match &req.conversation_id {
        Some(id) if !plausible_id(id) => {
            return Err(AppError::with_message(ErrorCode::NotFound, "No such conversation.").field("conversation_id"))
        }
        Some(id) => Some(group_for_guest(&state, inviter, id, &settings).await?),
        None => None,
    };
    Ok(Json(guest_preview::of_invitation(&state.db, inviter, conversation.as_ref()).await?))
}

#[utoipa::path(get, path = "/api/v1/guests/{id}/preview",
    responses((status = 200, body = GuestPreview), (status = 403, body = ApiError), (status = 404, body = ApiError)),
    security(("bearer" = [])))]
pub async fn of_guest(
    State(state): State<AppState>,
    session: ActiveSession,
    ApiPath(id): ApiPath<String>,
) -> AppResult<Json<GuestPreview>> {
    let me = &session.account;
    let no_such_guest = || AppError::with_message(ErrorCode::NotFound, "No such guest.");
    if !plausible_id(&id) {
        return Err(no_such_guest());
    }
    let guest = accounts::by_id(&state.db, &id)
        .await?
        .filter(|g| g.kind() == AccountKind::Guest && g.status() != AccountStatus::Deleted)
        .filter(|g| g.organisation_id == me.organisation_id)
        .ok_or_else(no_such_guest)?;
    let inviter = guest.invited_by.as_deref() == Some(me.id.as_str());
    let scope = if me.role().is_admin() { Some(crate::guests::scope_of(&state.db, me).await?) } else { None };
    let administers = scope.as_ref().is_some_and(|s| s.includes(&guest.department_id));
    if !inviter && !administers {
        // Someone who does not even see the guest is not told it exists.
        return Err(if me.sees(&state.db, &guest).await? {
            AppError::with_message(
                ErrorCode::Forbidden,
                "Only the guest's inviter and its administrators can preview what it sees.",
            )
        } else {
            no_such_guest()
        });
    }
    let asker = guest_preview::Asker { account: me, scope: scope.as_ref() };
    Ok(Json(guest_preview::of_guest(&state.db, &guest, &asker).await?))
}
