//! Logging in with a phone number and an activation code (SPEC §4). A number with an account
//! and one without take the same steps — the same queries, one keyed hash, one write on a
//! wrong code — and get the same answers, so neither the answer nor its timing tells whether
//! a number has an account. Wrong codes count against the number: after 20 in 24 hours it
//! refuses codes for an hour and the account's admins are told at once.

use crate::accounts::{self, AccountRow};
use crate::db::new_id;
use crate::error::{AppError, AppResult};
use crate::notices;
use crate::sessions;
use crate::state::AppState;
use crate::unit_of_work::UnitOfWork;
use parley_core::activation::{self as rules, ActivationCode};
use parley_core::guest_access::GuestAccess;
use parley_core::role::AccountKind;
use parley_core::session::SessionToken;
use parley_core::{ErrorCode, PhoneNumber};

#[derive(sqlx::FromRow)]
struct LiveCode {
    id: String,
    code_hash: String,
}

/// Stands in for the account of a number that has none, so its login costs the same.
const NOBODY: &str = "";

/// Checks `code` for `phone` and opens a session for the account on a match.
pub async fn log_in(
    state: &AppState,
    phone: &PhoneNumber,
    code: &ActivationCode,
) -> AppResult<(SessionToken, AccountRow)> {
    let account = accounts::live_by_phone(&state.db, phone.as_str()).await?;
    let account_id = account.as_ref().map_or(NOBODY, |a| a.id.as_str());
    let now = state.clock.now_ms();
    let failures: Vec<i64> = sqlx::query_scalar("SELECT at FROM login_failures_by_number WHERE phone = $1 AND at > $2")
        .bind(phone.as_str())
        .bind(now - rules::FAILURE_WINDOW_MS)
        .fetch_all(&state.db)
        .await?;
    if rules::lockout_until(&failures, now).is_some() {
        return Err(AppError::new(ErrorCode::Throttled));
    }
    let live: Vec<LiveCode> = sqlx::query_as(
        "SELECT id, code_hash FROM activation_codes \
         WHERE account_id = $1 AND used_at IS NULL AND expires_at > $2 AND wrong_tries < $3 ORDER BY created_at DESC",
    )
    .bind(account_id)
    .bind(now)
    .bind(i64::from(rules::MAX_TRIES_PER_CODE))
    .fetch_all(&state.db)
    .await?;
    // One keyed hash at least, whether or not there is a code to compare it with.
    let hit = match live.is_empty() {
        true => {
            let _ = code.keyed_hash(&state.code_key, account_id);
            None
        }
        false => live.iter().find(|c| code.matches(&state.code_key, account_id, &c.code_hash)),
    };
    match (account, hit) {
        (Some(account), Some(hit)) => open_session(state, account, &hit.id, now).await,
        (account, _) => {
            record_failure(state, phone, account.as_ref(), failures, now).await?;
            Err(AppError::new(ErrorCode::InvalidCode))
        }
    }
}

async fn open_session(
    state: &AppState,
    account: AccountRow,
    code_id: &str,
    now: i64,
) -> AppResult<(SessionToken, AccountRow)> {
    // SPEC §6: a guest without desktop access is refused here (the right person, so the clear
    // reason may be told); the code stays usable on mobile.
    if account.kind() == AccountKind::Guest
        && !crate::settings::load(&state.db, &account.organisation_id).await?.guest_profile.desktop_access
    {
        return Err(AppError::new(ErrorCode::GuestDesktopAccessOff));
    }
    // SPEC §11.1: a guest without a sponsor is suspended until someone takes them over; the
    // code stays usable once they are.
    match account.access(now) {
        GuestAccess::Ended => return Err(AppError::new(ErrorCode::GuestAccessEnded)),
        access if !parley_core::guest_access::may_sign_in(access) => {
            return Err(AppError::new(ErrorCode::GuestSuspended));
        }
        _ => {}
    }
    // Single use, even against a concurrent login with the same code.
    let used = sqlx::query("UPDATE activation_codes SET used_at = $1 WHERE id = $2 AND used_at IS NULL")
        .bind(now)
        .bind(code_id)
        .execute(&state.db)
        .await?;
    if used.rows_affected() != 1 {
        return Err(AppError::new(ErrorCode::InvalidCode));
    }
    let token = sessions::create(&state.db, &account.id, now).await?;
    tracing::info!(account = %account.id, "login: session opened");
    Ok((token, account))
}

/// A wrong code counts against every live code of the account (each was guessed at) and
/// against the number's daily budget; spending that budget tells the account's admins, pushed
/// to their sockets as the lockout begins.
async fn record_failure(
    state: &AppState,
    phone: &PhoneNumber,
    account: Option<&AccountRow>,
    mut failures: Vec<i64>,
    now: i64,
) -> AppResult<()> {
    let mut work = UnitOfWork::begin(&state.db).await?;
    sqlx::query(
        "UPDATE activation_codes SET wrong_tries = wrong_tries + 1 \
         WHERE account_id = $1 AND used_at IS NULL AND expires_at > $2 AND wrong_tries < $3",
    )
    .bind(account.map_or(NOBODY, |a| a.id.as_str()))
    .bind(now)
    .bind(i64::from(rules::MAX_TRIES_PER_CODE))
    .execute(&mut *work)
    .await?;
    sqlx::query("INSERT INTO login_failures_by_number (id, phone, at) VALUES ($1, $2, $3)")
        .bind(new_id())
        .bind(phone.as_str())
        .bind(now)
        .execute(&mut *work)
        .await?;
    failures.push(now);
    if let (Some(account), Some(until)) = (account, rules::lockout_until(&failures, now)) {
        tell_admins_of_lockout(&mut work, account, until, now).await?;
    }
    work.commit(&state.events).await?;
    Ok(())
}

async fn tell_admins_of_lockout(work: &mut UnitOfWork, account: &AccountRow, until: i64, now: i64) -> AppResult<()> {
    let body = format!(
        "{} {} ({}) entered too many wrong activation codes; the account refuses codes until {}.",
        account.first_name,
        account.last_name,
        account.phone,
        parley_core::time::format_utc(until)
    );
    let admins = accounts::admins_for_department(work, &account.organisation_id, &account.department_id).await?;
    let mut pending = Vec::with_capacity(admins.len());
    for admin in admins {
        pending.push(notices::create(work, &account.organisation_id, &admin, "account_locked", &body, now).await?);
    }
    notices::announce(work, pending);
    tracing::warn!(account = %account.id, "login: account locked after too many wrong codes");
    Ok(())
}
