//! Guest sponsors (SPEC §11.1), applied inside the caller's unit of work; the rule itself is
//! `core::sponsor`. A sponsor who is removed or loses the right to invite leaves their guests
//! suspended: the guests lose their sponsor, their sessions end (sockets closed once this
//! commits), whoever sees them is told (they show *Suspended*), the admins of their
//! departments get a notice, and the activity report a *Suspension* row each. A take-over
//! gives guests a sponsor again, with a *Take-over* row each.

use crate::accounts::{self, AccountRow};
use crate::contact_audience::ContactChange;
use crate::db::next_change_seq;
use crate::error::{AppError, AppResult};
use crate::notices;
use crate::unit_of_work::UnitOfWork;
use parley_core::admin::ActivityAction;
use parley_core::sponsor::may_sponsor;
use parley_core::ErrorCode;

/// Why a sponsor's guests are taken from them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Departure {
    /// The sponsor was removed from the organisation.
    Removed,
    /// The sponsor's right to invite guests was withdrawn.
    RightWithdrawn,
}

impl Departure {
    fn phrase(self) -> &'static str {
        match self {
            Self::Removed => "was removed from the organization",
            Self::RightWithdrawn => "may no longer invite guests",
        }
    }
}

#[derive(sqlx::FromRow)]
struct Sponsored {
    id: String,
    department_id: String,
    first_name: String,
    last_name: String,
    phone: String,
}

/// Suspends every guest `sponsor` holds, because of what `actor` did. Returns how many.
pub async fn suspend_guests_of(
    work: &mut UnitOfWork,
    sponsor: &AccountRow,
    actor: &AccountRow,
    why: Departure,
    now: i64,
) -> AppResult<usize> {
    let guests: Vec<Sponsored> = sqlx::query_as(
        "SELECT id, department_id, first_name, last_name, phone FROM accounts \
         WHERE sponsor_id = $1 AND kind = 'guest' AND status <> 'deleted' ORDER BY id",
    )
    .bind(&sponsor.id)
    .fetch_all(&mut **work)
    .await?;
    if guests.is_empty() {
        return Ok(0);
    }
    let seq = next_change_seq(work).await?;
    sqlx::query(
        "UPDATE accounts SET sponsor_id = NULL, suspended_at = $1, updated_at = $1, change_seq = $2 \
         WHERE sponsor_id = $3 AND kind = 'guest' AND status <> 'deleted'",
    )
    .bind(now)
    .bind(seq)
    .bind(&sponsor.id)
    .execute(&mut **work)
    .await?;
    let sponsor_name = accounts::name_or_phone(&sponsor.first_name, &sponsor.last_name, &sponsor.phone);
    let mut contacts = ContactChange::default();
    let mut pending = Vec::new();
    for g in &guests {
        crate::activity::record_for_sponsor(
            work,
            &sponsor.organisation_id,
            &actor.id,
            ActivityAction::Suspension,
            &g.id,
            &sponsor.id,
            now,
        )
        .await?;
        crate::sessions::revoke_all(work, &g.id, now).await?;
        contacts.account(work, &g.id).await?;
        let body = format!(
            "{} ({}) is suspended: their sponsor {sponsor_name} {}. Take them over, or give them another sponsor, in Administration › Guests.",
            accounts::name_or_phone(&g.first_name, &g.last_name, &g.phone),
            parley_core::PhoneNumber::display(&g.phone),
            why.phrase(),
        );
        for admin in accounts::admins_for_department(work, &sponsor.organisation_id, &g.department_id).await? {
            if admin != sponsor.id {
                pending.push(
                    notices::create(work, &sponsor.organisation_id, &admin, "guest_suspended", &body, now).await?,
                );
            }
        }
    }
    contacts.publish(work, seq);
    notices::announce(work, pending);
    tracing::info!(sponsor = %sponsor.id, guests = guests.len(), ?why, "sponsor left: guests suspended");
    Ok(guests.len())
}

/// Which guests a take-over may change: any (an admin of the guests), or only those still
/// without a sponsor (a member taking a suspended guest over).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Taking {
    Any,
    OnlyUnsponsored,
}

/// Makes `sponsor` the sponsor of `guest_ids` (each a live guest of `actor`'s organisation,
/// already authorised by the caller), ending any suspension.
pub async fn take_over(
    work: &mut UnitOfWork,
    actor: &AccountRow,
    sponsor: &AccountRow,
    guest_ids: &[String],
    taking: Taking,
    now: i64,
) -> AppResult<()> {
    // The sponsor's row first: a removal or a withdrawn right of that sponsor waits for this
    // transaction, or this one sees it — never a guest handed to someone who just lost the right.
    sqlx::query("UPDATE accounts SET updated_at = updated_at WHERE id = $1")
        .bind(&sponsor.id)
        .execute(&mut **work)
        .await?;
    let sponsor = accounts::by_id(&mut **work, &sponsor.id)
        .await?
        .filter(|s| s.organisation_id == actor.organisation_id && may_sponsor(&s.candidate()))
        .ok_or_else(|| AppError::on_field(ErrorCode::SponsorNotAllowed, "sponsor_id"))?;
    let seq = next_change_seq(work).await?;
    let mut contacts = ContactChange::default();
    let mut questions = Vec::new();
    for guest_id in guest_ids {
        let changed = sqlx::query(
            "UPDATE accounts SET sponsor_id = $1, suspended_at = NULL, updated_at = $2, change_seq = $3 \
             WHERE id = $4 AND organisation_id = $5 AND kind = 'guest' AND status <> 'deleted' \
             AND ($6 = 0 OR sponsor_id IS NULL)",
        )
        .bind(&sponsor.id)
        .bind(now)
        .bind(seq)
        .bind(guest_id)
        .bind(&actor.organisation_id)
        .bind(i64::from(taking == Taking::OnlyUnsponsored))
        .execute(&mut **work)
        .await?;
        if changed.rows_affected() != 1 {
            return Err(AppError::with_message(ErrorCode::Conflict, "This guest changed meanwhile. Reload the list."));
        }
        crate::activity::record_for_sponsor(
            work,
            &actor.organisation_id,
            &actor.id,
            ActivityAction::TakeOver,
            guest_id,
            &sponsor.id,
            now,
        )
        .await?;
        contacts.account(work, guest_id).await?;
        // An activation still to confirm: the new sponsor is the one asked now.
        if let Some(q) =
            crate::confirmations::ask_new_sponsor(work, &actor.organisation_id, guest_id, &sponsor.id, now).await?
        {
            questions.push(q);
        }
    }
    contacts.publish(work, seq);
    notices::announce(work, questions);
    Ok(())
}
