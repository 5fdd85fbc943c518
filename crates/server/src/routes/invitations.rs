//! External user invitations (SPEC §7): the form's options, and sending. The route checks the
//! form with the core's rule; [`crate::guest_invitations`] does the rest in one unit of work.

use crate::error::{ApiJson, AppError, AppResult};
use crate::guest_invitations::{group_for_guest, may_invite, provision, refuse_existing_contact};
use crate::routes::ActiveSession;
use crate::settings;
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::Json;
use parley_core::invitation::{check_invitation, InvitationRequest, DETAILS_MAX_CHARS};
use parley_core::wire::{InvitationCreated, InvitationOptions};
use parley_core::ErrorCode;

pub fn router() -> axum::Router<AppState> {
    axum::Router::new().route("/api/v1/invitations/options", get(options)).route("/api/v1/invitations", post(invite))
}

#[utoipa::path(get, path = "/api/v1/invitations/options",
    responses((status = 200, body = InvitationOptions), (status = 401, body = parley_core::wire::ApiError)), security(("bearer" = [])))]
pub async fn options(State(state): State<AppState>, session: ActiveSession) -> AppResult<Json<InvitationOptions>> {
    let settings = settings::load(&state.db, &session.account.organisation_id).await?;
    Ok(Json(InvitationOptions {
        may_invite: settings.guest_invitations_enabled && may_invite(&session.account),
        settings,
        details_max_chars: DETAILS_MAX_CHARS as u32,
    }))
}

#[utoipa::path(post, path = "/api/v1/invitations", request_body = InvitationRequest,
    responses((status = 201, body = InvitationCreated), (status = 403, body = parley_core::wire::ApiError),
              (status = 404, body = parley_core::wire::ApiError, description = "The conversation named is none the inviter is in."),
              (status = 409, body = parley_core::wire::ApiError), (status = 422, body = parley_core::wire::ApiError)),
    security(("bearer" = [])))]
pub async fn invite(
    State(state): State<AppState>,
    session: ActiveSession,
    ApiJson(req): ApiJson<InvitationRequest>,
) -> AppResult<(StatusCode, Json<InvitationCreated>)> {
    let inviter = &session.account;
    let settings = settings::load(&state.db, &inviter.organisation_id).await?;
    let valid = check_invitation(&req, &settings, may_invite(inviter)).map_err(|errors| {
        AppError(
            errors.into_iter().next().unwrap_or_else(|| parley_core::wire::ApiError::new(ErrorCode::InvalidRequest)),
        )
    })?;
    let conversation = match &req.conversation_id {
        Some(id) => Some(group_for_guest(&state, inviter, id, &settings).await?.id),
        None => None,
    };
    refuse_existing_contact(&state, &valid).await?;
    let created = provision(&state, inviter, &valid, &settings, conversation.as_deref(), None).await?;
    Ok((StatusCode::CREATED, Json(created)))
}
