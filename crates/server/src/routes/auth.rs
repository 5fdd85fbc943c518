//! Login by phone number + activation code (SPEC §4), *New User* code requests, logout.

use crate::accounts::{self, AccountRow};
use crate::codes::{self, Purpose};
use crate::db::new_id;
use crate::error::{ApiJson, AppError, AppResult};
use crate::routes::{AnySession, ClientAddress};
use crate::sessions;
use crate::state::AppState;
use crate::unit_of_work::UnitOfWork;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use axum::Json;
use parley_core::activation::{self as rules, ActivationCode, CodeState};
use parley_core::role::AccountKind;
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
    let mut tx = state.db.begin().await?;
    codes::issue_and_send(&mut tx, &state.code_key, &account, Purpose::NewUser, rules::NEW_USER_VALIDITY_MS, now)
        .await?;
    tx.commit().await?;
    state.outbox_wake.notify_one();
    tracing::info!(account = %account.id, "new user code: queued");
    Ok(())
}

#[derive(sqlx::FromRow)]
struct StoredCode {
    id: String,
    code_hash: String,
    expires_at: i64,
    wrong_tries: i64,
    used_at: Option<i64>,
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

    let Some(account) = accounts::live_by_phone(&state.db, phone.as_str()).await? else {
        return Err(AppError::new(ErrorCode::InvalidCode));
    };
    let now = state.clock.now_ms();
    let failures: Vec<i64> = sqlx::query_scalar("SELECT at FROM login_failures WHERE account_id = $1 AND at > $2")
        .bind(&account.id)
        .bind(now - rules::FAILURE_WINDOW_MS)
        .fetch_all(&state.db)
        .await?;
    if rules::lockout_until(&failures, now).is_some() {
        return Err(AppError::new(ErrorCode::Throttled));
    }

    let stored: Vec<StoredCode> = sqlx::query_as(
        "SELECT id, code_hash, expires_at, wrong_tries, used_at FROM activation_codes \
         WHERE account_id = $1 AND used_at IS NULL AND expires_at > $2 AND wrong_tries < $3 ORDER BY created_at DESC",
    )
    .bind(&account.id)
    .bind(now)
    .bind(i64::from(rules::MAX_TRIES_PER_CODE))
    .fetch_all(&state.db)
    .await?;
    let live: Vec<&StoredCode> = stored
        .iter()
        .filter(|c| rules::code_state(c.used_at.is_some(), c.wrong_tries as u32, c.expires_at, now) == CodeState::Live)
        .collect();

    if let Some(hit) = live.iter().find(|c| code.matches(&state.code_key, &account.id, &c.code_hash)) {
        // SPEC §6: a guest without desktop access is refused here (the right person, so the
        // clear reason may be told); the code stays usable on mobile.
        if account.kind() == AccountKind::Guest
            && !crate::settings::load(&state.db, &account.organisation_id).await?.guest_profile.desktop_access
        {
            return Err(AppError::new(ErrorCode::GuestDesktopAccessOff));
        }
        // Single use, even against a concurrent login with the same code.
        let used = sqlx::query("UPDATE activation_codes SET used_at = $1 WHERE id = $2 AND used_at IS NULL")
            .bind(now)
            .bind(&hit.id)
            .execute(&state.db)
            .await?;
        if used.rows_affected() != 1 {
            return Err(AppError::new(ErrorCode::InvalidCode));
        }
        let token = sessions::create(&state.db, &account.id, now).await?;
        tracing::info!(account = %account.id, "login: session opened");
        return Ok(Json(LoginResponse { token: token.expose().to_owned(), me: account.to_me() }));
    }

    record_failure(&state, &account, &live, failures, now).await?;
    Err(AppError::new(ErrorCode::InvalidCode))
}

/// A wrong code counts against every live code of the account (each was guessed at) and
/// against the account's daily budget; spending that budget tells the account's admins.
async fn record_failure(
    state: &AppState,
    account: &AccountRow,
    live: &[&StoredCode],
    mut failures: Vec<i64>,
    now: i64,
) -> AppResult<()> {
    let mut tx = state.db.begin().await?;
    for c in live {
        sqlx::query("UPDATE activation_codes SET wrong_tries = wrong_tries + 1 WHERE id = $1")
            .bind(&c.id)
            .execute(&mut *tx)
            .await?;
    }
    sqlx::query("INSERT INTO login_failures (id, account_id, at) VALUES ($1, $2, $3)")
        .bind(new_id())
        .bind(&account.id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    failures.push(now);
    if let Some(until) = rules::lockout_until(&failures, now) {
        let body = format!(
            "{} {} ({}) entered too many wrong activation codes; the account refuses codes until {}.",
            account.first_name,
            account.last_name,
            account.phone,
            parley_core::time::format_utc(until)
        );
        for admin in
            accounts::admins_for_department(&state.db, &account.organisation_id, &account.department_id).await?
        {
            sqlx::query(
                "INSERT INTO admin_notices (id, organisation_id, recipient_id, kind, body, created_at) \
                 VALUES ($1, $2, $3, 'account_locked', $4, $5)",
            )
            .bind(new_id())
            .bind(&account.organisation_id)
            .bind(&admin)
            .bind(&body)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        tracing::warn!(account = %account.id, "login: account locked after too many wrong codes");
    }
    tx.commit().await?;
    Ok(())
}

#[utoipa::path(post, path = "/api/v1/auth/logout", responses((status = 204), (status = 401, body = parley_core::wire::ApiError)),
    security(("bearer" = [])))]
pub async fn logout(State(state): State<AppState>, session: AnySession) -> AppResult<StatusCode> {
    let mut work = UnitOfWork::begin(&state.db).await?;
    sessions::revoke(&mut work, &session.account.id, &session.session_id, state.clock.now_ms()).await?;
    work.commit(&state.events).await?;
    Ok(StatusCode::NO_CONTENT)
}
