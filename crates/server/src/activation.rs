//! An account's first-login steps (SPEC §4, §7.6): confirmed names and accepted terms make it
//! *Active*; a guest's first login ends their invitation and tells the inviter — or, when the
//! organisation asks for it, asks the guest's sponsor "Is this your guest?" and leaves the guest
//! awaiting that answer (SPEC §11.1, `server::confirmations`); the welcome message and arrival
//! notices are written. One unit of work, answered before its commit.

use crate::accounts::{self, AccountRow};
use crate::db::next_change_seq;
use crate::error::{AppError, AppResult};
use crate::messages;
use crate::notices;
use crate::unit_of_work::UnitOfWork;
use crate::welcome;
use parley_core::guest_access::asks_confirmation;
use parley_core::role::AccountStatus;
use parley_core::wire::Me;
use parley_core::{ErrorCode, PersonName};

/// Completes `account`'s first login with its confirmed names (or, already active, corrects
/// them) and answers the account as it now is.
pub async fn complete(
    work: &mut UnitOfWork,
    account: &AccountRow,
    first: &PersonName,
    last: &PersonName,
    now: i64,
) -> AppResult<Me> {
    let seq = next_change_seq(work).await?;
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
    .bind(&account.id)
    .execute(&mut **work)
    .await?;
    // The confirmed names are what the guests search finds (as a guest, and as an inviter).
    crate::guest_search::refresh(work, crate::guest_search::SearchKey::Guest, &account.id).await?;
    crate::guest_search::refresh(work, crate::guest_search::SearchKey::Inviter, &account.id).await?;
    let (pending, written) = if account.status() == AccountStatus::Pending {
        let (pending, inviter) = accept_invitation(work, account, first.as_str(), last.as_str(), now).await?;
        let written =
            welcome::on_activation(work, account, first.as_str(), last.as_str(), inviter.as_deref(), now).await?;
        (pending, written)
    } else {
        (Vec::new(), Vec::new())
    };
    let updated = accounts::by_id(&mut **work, &account.id).await?.ok_or_else(|| AppError::new(ErrorCode::NotFound))?;
    let mut contacts = crate::contact_audience::ContactChange::default();
    contacts.account(work, &account.id).await?;
    contacts.publish(work, seq);
    notices::announce(work, pending);
    for w in &written {
        messages::announce(work, &w.conversation_id, &w.message_id).await?;
    }
    Ok(updated.to_me())
}

/// A guest's first login ends their invitation; the inviter is told (SPEC §7.6). Returns the
/// notice to publish and the inviter's name.
async fn accept_invitation(
    conn: &mut sqlx::AnyConnection,
    guest: &AccountRow,
    first: &str,
    last: &str,
    now: i64,
) -> sqlx::Result<(Vec<notices::Pending>, Option<String>)> {
    let inviter: Option<String> = sqlx::query_scalar(
        "UPDATE invitations SET status = 'accepted' WHERE guest_id = $1 AND status = 'pending' RETURNING inviter_id",
    )
    .bind(&guest.id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(inviter) = inviter else { return Ok((Vec::new(), None)) };
    let name: Option<(String, String)> = sqlx::query_as("SELECT first_name, last_name FROM accounts WHERE id = $1")
        .bind(&inviter)
        .fetch_optional(&mut *conn)
        .await?;
    let asks = crate::settings::load(&mut *conn, &guest.organisation_id).await?.confirm_guest_activation;
    let notice = match (asks_confirmation(guest.kind(), asks), guest.sponsor_id.as_deref()) {
        (true, Some(sponsor)) => crate::confirmations::ask(conn, guest, first, last, sponsor, now).await?,
        _ => {
            let body = format!("Your guest {first} {last} has activated their account.");
            notices::create(conn, &guest.organisation_id, &inviter, "guest_activated", &body, now).await?
        }
    };
    Ok((vec![notice], name.map(|(f, l)| format!("{f} {l}"))))
}
