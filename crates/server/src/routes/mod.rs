//! HTTP routes, one `router()` per area, and the session extractors they share.

pub mod activity;
pub mod admin;
pub mod auth;
pub mod confirmations;
pub mod contacts;
pub mod conversation_invitations;
pub mod conversation_keys;
pub mod conversation_members;
pub mod conversations;
pub mod download;
pub mod guest_lifecycle;
pub mod guest_preview;
pub mod guests;
pub mod health;
pub mod invitations;
pub mod me;
pub mod messages;
pub mod notices;
pub mod openapi;
pub mod settings;
pub mod visibility;
pub mod ws;

use crate::accounts::AccountRow;
use crate::error::AppError;
use crate::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use parley_core::guest_access::GuestAccess;
use parley_core::role::AccountStatus;
use parley_core::session::SessionToken;
use parley_core::ErrorCode;

pub fn router(state: AppState) -> axum::Router {
    axum::Router::new()
        .merge(health::router())
        .merge(download::router())
        .merge(openapi::router())
        .merge(auth::router())
        .merge(me::router())
        .merge(contacts::router())
        .merge(conversations::router())
        .merge(conversation_members::router())
        .merge(conversation_invitations::router())
        .merge(conversation_keys::router())
        .merge(messages::router())
        .merge(admin::router())
        .merge(guests::router())
        .merge(guest_lifecycle::router())
        .merge(confirmations::router())
        .merge(guest_preview::router())
        .merge(activity::router())
        .merge(invitations::router())
        .merge(notices::router())
        .merge(settings::router())
        .merge(visibility::router())
        .merge(ws::router())
        // Every refusal is the JSON error, also for paths and methods nobody serves.
        .fallback(crate::error::no_route)
        .method_not_allowed_fallback(crate::error::wrong_method)
        .with_state(state)
}

/// Where a request comes from, for the per-address throttles: the peer's address or, behind a
/// load balancer the node is told to trust (`--trust-forwarded-for`), the address the balancer
/// appended last to `X-Forwarded-For`.
pub struct ClientAddress(pub std::net::IpAddr);

impl FromRequestParts<AppState> for ClientAddress {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let forwarded = state
            .trust_forwarded_for
            .then(|| parts.headers.get_all("x-forwarded-for").iter().next_back())
            .flatten()
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit(',').next())
            .and_then(|ip| ip.trim().parse().ok());
        let peer = parts.extensions.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|c| c.0.ip());
        forwarded.or(peer).map(Self).ok_or_else(|| AppError::new(ErrorCode::Internal))
    }
}

/// A request with a live session, whatever the account's activation status.
pub struct AnySession {
    pub session_id: String,
    pub account: AccountRow,
}

/// A request with a live session of an account that finished its first-login steps.
pub struct ActiveSession {
    pub session_id: String,
    pub account: AccountRow,
}

fn bearer(parts: &Parts) -> Option<SessionToken> {
    let value = parts.headers.get(axum::http::header::AUTHORIZATION)?.to_str().ok()?;
    let token = value.strip_prefix("Bearer ").or_else(|| value.strip_prefix("bearer "))?.trim();
    (!token.is_empty() && token.len() <= 128).then(|| SessionToken::from_secret(token.to_owned()))
}

impl FromRequestParts<AppState> for AnySession {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let token = bearer(parts).ok_or_else(|| AppError::new(ErrorCode::Unauthorized))?;
        let crate::sessions::LiveSession { session_id, account } = crate::sessions::find(&state.db, &token)
            .await?
            .filter(|s| s.account.status() != AccountStatus::Deleted)
            .ok_or_else(|| AppError::new(ErrorCode::Unauthorized))?;
        Ok(Self { session_id, account })
    }
}

impl FromRequestParts<AppState> for ActiveSession {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let s = AnySession::from_request_parts(parts, state).await?;
        if s.account.status() != AccountStatus::Active {
            return Err(AppError::new(ErrorCode::FirstLoginRequired));
        }
        // SPEC §11.1: an unconfirmed guest sees only its waiting screen (its own account).
        match s.account.access(state.clock.now_ms()) {
            GuestAccess::Open => Ok(Self { session_id: s.session_id, account: s.account }),
            GuestAccess::Ended => Err(AppError::new(ErrorCode::GuestAccessEnded)),
            GuestAccess::AwaitingConfirmation => Err(AppError::new(ErrorCode::AwaitingConfirmation)),
            GuestAccess::Suspended => Err(AppError::new(ErrorCode::GuestSuspended)),
        }
    }
}
