//! Login by phone number + activation code (SPEC §4; the rules are in [`crate::sign_in`]),
//! *New User* code requests, logout.

use crate::accounts;
use crate::codes::{self, Purpose};
use crate::error::{ApiJson, AppError, AppResult};
use crate::routes::{AnySession, ClientAddress};
use crate::sessions;
use crate::sign_in;
use crate::state::AppState;
use crate::unit_of_work::UnitOfWork;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use axum::Json;
use parley_core::activation::{self as rules, ActivationCode};
use parley_core::wire::{LoginRequest, LoginResponse, RequestCodeRequest, RequestCodeResponse, REQUEST_CODE_ANSWER};
use parley_core::{ErrorCode, PhoneNumber};

pub fn router() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/api/v1/auth/request-code", post(request_code))
        .route("/api/v1/auth/login", post(login))
        .route("/api/v1/auth/logout", post(logout))
}

async fn throttle(state: &AppState, key: String, limit: u32) -> AppResult<()> {
    if crate::throttle::allow(&state.db, &key, limit, rules::THROTTLE_WINDOW_MS, state.clock.now_ms()).await? {
        Ok(())
    } else {
        Err(AppError::new(ErrorCode::Throttled))
    }
}

fn parse_phone(s: &str) -> AppResult<PhoneNumber> {
    PhoneNumber::parse(s).map_err(|_| AppError::on_field(ErrorCode::InvalidFormat, "phone"))
}

/// *New User*: sends a fresh 15-minute code to a known, non-deleted account. The answer is
/// the same, and as fast, whether or not the number has an account: the work is done in the
/// background.
#[utoipa::path(post, path = "/api/v1/auth/request-code", request_body = RequestCodeRequest,
    responses((status = 202, body = RequestCodeResponse), (status = 422, body = parley_core::wire::ApiError), (status = 429, body = parley_core::wire::ApiError)))]
pub async fn request_code(
    State(state): State<AppState>,
    ClientAddress(addr): ClientAddress,
    ApiJson(req): ApiJson<RequestCodeRequest>,
) -> AppResult<(StatusCode, Json<RequestCodeResponse>)> {
    throttle(&state, format!("addr:{addr}"), rules::MAX_REQUESTS_PER_ADDRESS).await?;
    let phone = parse_phone(&req.phone)?;
    throttle(&state, format!("request:{phone}"), rules::MAX_CODE_REQUESTS_PER_NUMBER).await?;
    tokio::spawn(async move {
        if let Err(e) = send_new_user_code(&state, &phone).await {
            tracing::error!(error = %e, "new user code: failed");
        }
    });
    Ok((StatusCode::ACCEPTED, Json(RequestCodeResponse { message: REQUEST_CODE_ANSWER.to_owned() })))
}

async fn send_new_user_code(state: &AppState, phone: &PhoneNumber) -> anyhow::Result<()> {
    let Some(account) = accounts::live_by_phone(&state.db, phone.as_str()).await? else {
        tracing::info!("new user code: no live account for this number; nothing sent");
        return Ok(());
    };
    let now = state.clock.now_ms();
    let mut tx = crate::db::begin(&state.db).await?;
    codes::issue_and_send(&mut tx, &state.code_key, &account, Purpose::NewUser, rules::NEW_USER_VALIDITY_MS, now)
        .await?;
    tx.commit().await?;
    state.outbox_wake.notify_one();
    tracing::info!(account = %account.id, "new user code: queued");
    Ok(())
}

#[utoipa::path(post, path = "/api/v1/auth/login", request_body = LoginRequest,
    responses((status = 200, body = LoginResponse), (status = 401, body = parley_core::wire::ApiError),
              (status = 422, body = parley_core::wire::ApiError), (status = 429, body = parley_core::wire::ApiError)))]
pub async fn login(
    State(state): State<AppState>,
    ClientAddress(addr): ClientAddress,
    ApiJson(req): ApiJson<LoginRequest>,
) -> AppResult<Json<LoginResponse>> {
    throttle(&state, format!("addr:{addr}"), rules::MAX_REQUESTS_PER_ADDRESS).await?;
    let phone = parse_phone(&req.phone)?;
    let code = ActivationCode::parse(&req.code).map_err(|_| AppError::on_field(ErrorCode::InvalidFormat, "code"))?;
    throttle(&state, format!("login:{phone}"), rules::MAX_LOGINS_PER_NUMBER).await?;
    let (token, account) = sign_in::log_in(&state, &phone, &code).await?;
    Ok(Json(LoginResponse { token: token.expose().to_owned(), me: account.to_me() }))
}

#[utoipa::path(post, path = "/api/v1/auth/logout", responses((status = 204), (status = 401, body = parley_core::wire::ApiError)),
    security(("bearer" = [])))]
pub async fn logout(State(state): State<AppState>, session: AnySession) -> AppResult<StatusCode> {
    let mut work = UnitOfWork::begin(&state.db).await?;
    sessions::revoke(&mut work, &session.account.id, &session.session_id, state.clock.now_ms()).await?;
    work.commit(&state.events).await?;
    Ok(StatusCode::NO_CONTENT)
}
