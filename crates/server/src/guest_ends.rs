//! Access that ends (SPEC §11.1): a guest's access may end at a date (the organisation's
//! default or the inviter's shorter choice, within its maximum) or with the conversation it was
//! invited into (closed, or left last). Sponsor and guest are reminded before a dated end; at the
//! end the guest's sessions end (sockets closed), it shows *Access ended*, its sponsor is told
//! and the report gets a row; its messages stay. The sponsor (or an admin of the guest) may
//! extend it within the maximum. The rule is `core::guest_access`; the scheduler runs
//! [`remind_due`] and [`end_due`] on every node, each guest claimed by a conditional write.

use crate::accounts::{self, AccountRow};
use crate::contact_audience::ContactChange;
use crate::db::next_change_seq;
use crate::error::{AppError, AppResult};
use crate::events::Event;
use crate::notices;
use crate::outbox::{self, Channel, OutgoingMessage};
use crate::state::AppState;
use crate::unit_of_work::UnitOfWork;
use parley_core::admin::ActivityAction;
use parley_core::guest_access::{access_days, end_reminder_due, ends_at, DAY_MS};
use parley_core::time::format_utc;
use parley_core::ErrorCode;

/// At most this many guests a run; the next run takes the rest.
const BATCH: i64 = 500;

#[derive(sqlx::FromRow)]
struct Ending {
    id: String,
    organisation_id: String,
    first_name: String,
    last_name: String,
    phone: String,
    email: Option<String>,
    sponsor_id: Option<String>,
    invited_by: Option<String>,
    access_ends_at: i64,
}

const ENDING: &str = "SELECT id, organisation_id, first_name, last_name, phone, email, sponsor_id, invited_by, \
    access_ends_at FROM accounts";

impl Ending {
    fn name(&self) -> String {
        accounts::name_or_phone(&self.first_name, &self.last_name, &self.phone)
    }
}

/// Sends the reminders due: guests whose access ends within their organisation's reminder
/// days, not reminded yet. The sponsor gets a notice, the guest an SMS (and an e-mail).
pub async fn remind_due(state: &AppState) -> anyhow::Result<usize> {
    let now = state.clock.now_ms();
    // Each organisation with its own window, so one that reminds late never starves another.
    let organisations: Vec<String> = sqlx::query_scalar("SELECT id FROM organisations").fetch_all(&state.db).await?;
    let mut due: Vec<Ending> = Vec::new();
    for organisation_id in organisations {
        let days = crate::settings::load(&state.db, &organisation_id).await?.guest_access_reminder_days;
        if days == 0 {
            continue;
        }
        let found: Vec<Ending> = sqlx::query_as(&format!(
            "{ENDING} WHERE organisation_id = $1 AND access_ends_at IS NOT NULL AND access_ends_at > $2 \
             AND access_ends_at <= $3 AND end_reminded_at IS NULL AND kind = 'guest' AND status <> 'deleted' \
             ORDER BY access_ends_at LIMIT {BATCH}"
        ))
        .bind(&organisation_id)
        .bind(now)
        .bind(now + i64::from(days) * DAY_MS)
        .fetch_all(&state.db)
        .await?;
        due.extend(found.into_iter().filter(|g| end_reminder_due(g.access_ends_at, days, now)));
    }
    let mut sent = 0;
    for g in due {
        let mut work = UnitOfWork::begin(&state.db).await?;
        // Only for the end read: an extension meanwhile has its own reminder.
        let claimed = sqlx::query(
            "UPDATE accounts SET end_reminded_at = $1 WHERE id = $2 AND end_reminded_at IS NULL AND access_ends_at = $3",
        )
        .bind(now)
        .bind(&g.id)
        .bind(g.access_ends_at)
        .execute(&mut *work)
        .await?;
        if claimed.rows_affected() != 1 {
            continue;
        }
        let date = format_utc(g.access_ends_at);
        if let Some(sponsor) = &g.sponsor_id {
            let body = format!(
                "The guest access of {} ({}) ends on {date}. Extend it from their contact card if they still need it.",
                g.name(),
                parley_core::PhoneNumber::display(&g.phone)
            );
            let notice =
                notices::create(&mut work, &g.organisation_id, sponsor, "guest_access_ending", &body, now).await?;
            notices::announce(&mut work, vec![notice]);
        }
        let text = format!(
            "Parley: your guest access ends on {date}. If you still need it, ask the person who invited you to extend it."
        );
        let mut messages = vec![OutgoingMessage {
            channel: Channel::Sms,
            recipient: g.phone.clone(),
            subject: None,
            body_text: text.clone(),
            body_html: None,
        }];
        if let Some(email) = &g.email {
            messages.push(OutgoingMessage {
                channel: Channel::Email,
                recipient: email.clone(),
                subject: Some("Your Parley guest access ends soon".into()),
                body_text: text,
                body_html: None,
            });
        }
        for m in &messages {
            outbox::enqueue(&mut work, m, now).await?;
        }
        work.commit(&state.events).await?;
        sent += 1;
        tracing::info!(guest = %g.id, ends_at = g.access_ends_at, "access ending: reminder sent");
    }
    if sent > 0 {
        state.outbox_wake.notify_one();
    }
    Ok(sent)
}

/// Records every access that reached its end and is not recorded yet.
pub async fn end_due(state: &AppState) -> anyhow::Result<usize> {
    let now = state.clock.now_ms();
    let due: Vec<Ending> = sqlx::query_as(&format!(
        "{ENDING} WHERE access_ends_at IS NOT NULL AND access_ends_at <= $1 AND access_ended_at IS NULL \
         AND kind = 'guest' AND status <> 'deleted' ORDER BY access_ends_at LIMIT {BATCH}"
    ))
    .bind(now)
    .fetch_all(&state.db)
    .await?;
    let mut ended = 0;
    for g in due {
        let mut work = UnitOfWork::begin(&state.db).await?;
        match record_end(&mut work, &g, now).await {
            Ok(true) => {
                work.commit(&state.events).await?;
                ended += 1;
            }
            Ok(false) => {}
            Err(e) => tracing::warn!(guest = %g.id, code = e.code().as_str(), "access end not recorded"),
        }
    }
    Ok(ended)
}

/// Claims and records `g`'s end inside `work`: sessions revoked, contacts told, the sponsor's
/// notice, the report's row (from the sponsor, or the inviter of a suspended guest). False when
/// another node got there first.
async fn record_end(work: &mut UnitOfWork, g: &Ending, now: i64) -> AppResult<bool> {
    let seq = next_change_seq(work).await?;
    let claimed = sqlx::query(
        "UPDATE accounts SET access_ended_at = $1, updated_at = $1, change_seq = $2 \
         WHERE id = $3 AND access_ended_at IS NULL AND access_ends_at IS NOT NULL AND access_ends_at <= $1 \
         AND kind = 'guest' AND status <> 'deleted'",
    )
    .bind(now)
    .bind(seq)
    .bind(&g.id)
    .execute(&mut **work)
    .await?;
    if claimed.rows_affected() != 1 {
        return Ok(false);
    }
    crate::sessions::revoke_all(work, &g.id, now).await?;
    let mut contacts = ContactChange::default();
    contacts.account(work, &g.id).await?;
    contacts.publish(work, seq);
    if let Some(actor) = g.sponsor_id.as_ref().or(g.invited_by.as_ref()) {
        crate::activity::record(work, &g.organisation_id, actor, ActivityAction::Expiry, &g.id, now).await?;
    }
    if let Some(sponsor) = &g.sponsor_id {
        let body = format!(
            "The guest access of {} ({}) has ended. Their messages stay; extend it from their contact card to let them back in.",
            g.name(),
            parley_core::PhoneNumber::display(&g.phone)
        );
        let notice = notices::create(work, &g.organisation_id, sponsor, "guest_access_ended", &body, now).await?;
        notices::announce(work, vec![notice]);
    }
    tracing::info!(guest = %g.id, "guest access ended");
    Ok(true)
}

/// Ends at once the access of the guests bound to a conversation that was just closed.
pub async fn conversation_closed(work: &mut UnitOfWork, conversation_id: &str, now: i64) -> AppResult<()> {
    let bound: Vec<String> = sqlx::query_scalar(
        "SELECT id FROM accounts WHERE bound_conversation_id = $1 AND kind = 'guest' AND status <> 'deleted'",
    )
    .bind(conversation_id)
    .fetch_all(&mut **work)
    .await?;
    for id in bound {
        end_now(work, &id, now).await?;
    }
    Ok(())
}

/// After `guest_id` left `conversation_id`: a guest bound to a conversation ends when it is in
/// no open conversation any more (it left its last one), and the conversation may have closed
/// with the last one out.
pub async fn after_leaving(work: &mut UnitOfWork, conversation_id: &str, guest_id: &str, now: i64) -> AppResult<()> {
    let closed: Option<Option<i64>> = sqlx::query_scalar("SELECT closed_at FROM conversations WHERE id = $1")
        .bind(conversation_id)
        .fetch_optional(&mut **work)
        .await?;
    if closed.flatten().is_some() {
        conversation_closed(work, conversation_id, now).await?;
    }
    let bound: Option<String> = sqlx::query_scalar(
        "SELECT id FROM accounts WHERE id = $1 AND kind = 'guest' AND bound_conversation_id IS NOT NULL \
         AND status <> 'deleted' AND NOT EXISTS (SELECT 1 FROM conversation_members m \
           JOIN conversations c ON c.id = m.conversation_id \
           WHERE m.account_id = $1 AND c.closed_at IS NULL AND c.kind = 'group')",
    )
    .bind(guest_id)
    .fetch_optional(&mut **work)
    .await?;
    if let Some(id) = bound {
        end_now(work, &id, now).await?;
    }
    Ok(())
}

/// Ends a guest's access now (it was bound to a conversation that ended for it).
async fn end_now(work: &mut UnitOfWork, guest_id: &str, now: i64) -> AppResult<()> {
    sqlx::query(
        "UPDATE accounts SET access_ends_at = $1 WHERE id = $2 AND (access_ends_at IS NULL OR access_ends_at > $1)",
    )
    .bind(now)
    .bind(guest_id)
    .execute(&mut **work)
    .await?;
    let g: Option<Ending> =
        sqlx::query_as(&format!("{ENDING} WHERE id = $1")).bind(guest_id).fetch_optional(&mut **work).await?;
    if let Some(g) = g {
        record_end(work, &g, now).await?;
    }
    Ok(())
}

/// Extends `guest`'s access to `days` from now (within the organisation's maximum), on
/// `actor`'s order (authorised by the caller): a new end, a new reminder, and a guest whose
/// access had ended may log in again. Returns the new end.
pub async fn extend(
    work: &mut UnitOfWork,
    actor: &AccountRow,
    guest: &AccountRow,
    days: u32,
    settings: &parley_core::settings::OrganisationSettings,
    now: i64,
) -> AppResult<i64> {
    let days = access_days(Some(days), settings).map_err(AppError)?;
    let end = ends_at(days, now).ok_or_else(|| AppError::new(ErrorCode::AccessTooLong))?;
    let seq = next_change_seq(work).await?;
    let changed = sqlx::query(
        "UPDATE accounts SET access_ends_at = $1, access_ended_at = NULL, end_reminded_at = NULL, \
         bound_conversation_id = NULL, updated_at = $2, change_seq = $3 WHERE id = $4 AND kind = 'guest' AND status <> 'deleted'",
    )
    .bind(end)
    .bind(now)
    .bind(seq)
    .bind(&guest.id)
    .execute(&mut **work)
    .await?;
    if changed.rows_affected() != 1 {
        return Err(AppError::with_message(ErrorCode::Conflict, "This guest changed meanwhile. Reload."));
    }
    crate::activity::record(work, &guest.organisation_id, &actor.id, ActivityAction::Extension, &guest.id, now).await?;
    let mut contacts = ContactChange::default();
    contacts.account(work, &guest.id).await?;
    contacts.publish(work, seq);
    work.publish(Event::AccountChanged { account_id: guest.id.clone(), member: false });
    Ok(end)
}
