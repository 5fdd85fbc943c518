//! "Is this your guest?" (SPEC §11.1): in an organisation that asks for it, a guest's first
//! login asks its sponsor (the inviter, unless an admin handed the guest on) to confirm that the
//! person who activated is the person invited — a forwarded message is not enough. Until the
//! answer the guest sees only a waiting screen (`core::guest_access`); *Confirm* opens Parley to
//! it, *Not my guest* deletes its access and tells the admins. Each answer is a report row.

use crate::accounts::{self, AccountRow};
use crate::db::Db;
use crate::error::{AppError, AppResult};
use crate::events::Event;
use crate::guest_actions::{self, Leaving};
use crate::notices;
use crate::unit_of_work::UnitOfWork;
use parley_core::admin::ActivityAction;
use parley_core::time::format_utc;
use parley_core::wire::GuestConfirmation;
use parley_core::{ErrorCode, PhoneNumber};

/// Marks `guest` as awaiting its sponsor's answer and writes the sponsor's notice (published
/// by the caller with the rest of the activation).
pub async fn ask(
    conn: &mut sqlx::AnyConnection,
    guest: &AccountRow,
    first: &str,
    last: &str,
    sponsor_id: &str,
    now: i64,
) -> sqlx::Result<notices::Pending> {
    sqlx::query("UPDATE accounts SET confirmation_asked_at = $1 WHERE id = $2")
        .bind(now)
        .bind(&guest.id)
        .execute(&mut *conn)
        .await?;
    let asked = Asked { first, last, phone: &guest.phone, email: guest.email.as_deref(), at: now };
    notices::create(conn, &guest.organisation_id, sponsor_id, "guest_confirmation", &asked.question(), now).await
}

/// The question as its notice says it.
struct Asked<'a> {
    first: &'a str,
    last: &'a str,
    phone: &'a str,
    email: Option<&'a str>,
    at: i64,
}

impl Asked<'_> {
    fn question(&self) -> String {
        format!(
            "Is this your guest? {} {}, {}, {}, activated on {}. Confirm it, or say Not my guest, in Contacts.",
            self.first,
            self.last,
            PhoneNumber::display(self.phone),
            self.email.unwrap_or("no e-mail address"),
            format_utc(self.at)
        )
    }
}

/// A guest still awaiting its answer got a new sponsor: the question goes to them now (the
/// earlier sponsor's notice leads nowhere any more).
pub async fn ask_new_sponsor(
    conn: &mut sqlx::AnyConnection,
    organisation_id: &str,
    guest_id: &str,
    sponsor_id: &str,
    now: i64,
) -> sqlx::Result<Option<notices::Pending>> {
    let row: Option<Row> = sqlx::query_as(
        "SELECT id, first_name, last_name, phone, email, confirmation_asked_at FROM accounts \
         WHERE id = $1 AND confirmation_asked_at IS NOT NULL",
    )
    .bind(guest_id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(r) = row else { return Ok(None) };
    let asked = Asked {
        first: &r.first_name,
        last: &r.last_name,
        phone: &r.phone,
        email: r.email.as_deref(),
        at: r.confirmation_asked_at,
    };
    let notice =
        notices::create(conn, organisation_id, sponsor_id, "guest_confirmation", &asked.question(), now).await?;
    Ok(Some(notice))
}

#[derive(sqlx::FromRow)]
struct Row {
    id: String,
    first_name: String,
    last_name: String,
    phone: String,
    email: Option<String>,
    confirmation_asked_at: i64,
}

/// The guests `sponsor` is asked about, oldest question first.
pub async fn pending_for(db: &Db, sponsor: &AccountRow) -> sqlx::Result<Vec<GuestConfirmation>> {
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT id, first_name, last_name, phone, email, confirmation_asked_at FROM accounts \
         WHERE sponsor_id = $1 AND kind = 'guest' AND status <> 'deleted' AND confirmation_asked_at IS NOT NULL \
         ORDER BY confirmation_asked_at, id",
    )
    .bind(&sponsor.id)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| GuestConfirmation {
            guest_id: r.id,
            first_name: r.first_name,
            last_name: r.last_name,
            phone_display: PhoneNumber::display(&r.phone),
            email: r.email,
            activated_at: r.confirmation_asked_at,
        })
        .collect())
}

/// The sponsor confirms: the guest may use Parley (its next `me` says so).
pub async fn confirm(work: &mut UnitOfWork, sponsor: &AccountRow, guest: &AccountRow, now: i64) -> AppResult<()> {
    claim_answer(work, sponsor, guest, now).await?;
    crate::activity::record(work, &sponsor.organisation_id, &sponsor.id, ActivityAction::Confirmation, &guest.id, now)
        .await?;
    work.publish(Event::AccountChanged { account_id: guest.id.clone(), member: false });
    Ok(())
}

/// *Not my guest*: the guest's access is deleted as an admin's deletion would (sessions ended,
/// gone from Contacts, messages kept from a *former guest*) and the admins are told.
pub async fn reject(work: &mut UnitOfWork, sponsor: &AccountRow, guest: &AccountRow, now: i64) -> AppResult<()> {
    let asked_at = guest.confirmation_asked_at.ok_or_else(already_answered)?;
    claim_answer(work, sponsor, guest, now).await?;
    guest_actions::remove_ids(work, sponsor, std::slice::from_ref(&guest.id), Leaving::NotMyGuest, now)
        .await
        .map_err(|e| if e.code() == ErrorCode::Conflict { already_answered() } else { e })?;
    let body = format!(
        "{} said that {} ({}, {}), who activated on {}, is not their guest. The guest's access was deleted.",
        accounts::name_or_phone(&sponsor.first_name, &sponsor.last_name, &sponsor.phone),
        accounts::name_or_phone(&guest.first_name, &guest.last_name, &guest.phone),
        PhoneNumber::display(&guest.phone),
        guest.email.as_deref().unwrap_or("no e-mail address"),
        format_utc(asked_at)
    );
    let mut pending = Vec::new();
    for admin in accounts::admins_for_department(work, &guest.organisation_id, &guest.department_id).await? {
        pending.push(notices::create(work, &guest.organisation_id, &admin, "guest_rejected", &body, now).await?);
    }
    notices::announce(work, pending);
    tracing::warn!(sponsor = %sponsor.id, guest = %guest.id, "not my guest: access deleted");
    Ok(())
}

/// The question is answered once, by the sponsor it is put to: against the other answer at the
/// same moment, or a new sponsor meanwhile.
async fn claim_answer(work: &mut UnitOfWork, sponsor: &AccountRow, guest: &AccountRow, now: i64) -> AppResult<()> {
    let answered = sqlx::query(
        "UPDATE accounts SET confirmation_asked_at = NULL, updated_at = $1 \
         WHERE id = $2 AND sponsor_id = $3 AND confirmation_asked_at IS NOT NULL AND status <> 'deleted'",
    )
    .bind(now)
    .bind(&guest.id)
    .bind(&sponsor.id)
    .execute(&mut **work)
    .await?;
    match answered.rows_affected() {
        1 => Ok(()),
        _ => Err(already_answered()),
    }
}

fn already_answered() -> AppError {
    AppError::with_message(ErrorCode::Conflict, "This guest's activation was already answered.")
}
