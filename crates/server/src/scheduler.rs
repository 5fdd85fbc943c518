//! Periodic jobs: reminders of pending invitations (SPEC §7.6), guest access that ends and its
//! reminders (SPEC §11.1, `crate::guest_ends`) and the monthly activity report e-mail (SPEC §9). Every node runs them; each piece of work is claimed by a conditional
//! write in the same transaction that queues its messages, so two nodes never both send it.

use crate::invitation_messages::{send_again, Tone};
use crate::shutdown::Shutdown;
use crate::state::AppState;
use parley_core::activation::HOUR_MS;
use std::time::Duration;

/// A reminder goes out at most once a day per pending invitation.
pub const REMINDER_EVERY_MS: i64 = 24 * HOUR_MS;
/// At most this many reminders per run; the next run takes the rest.
const REMINDER_BATCH: i64 = 500;

/// Runs the jobs every `every` until shutdown.
pub async fn run(state: AppState, every: Duration, shutdown: Shutdown) {
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = shutdown.wait() => return,
        }
        if let Err(e) = send_reminders(&state).await {
            tracing::warn!(error = %e, "reminders: run failed");
        }
        if let Err(e) = crate::guest_ends::remind_due(&state).await {
            tracing::warn!(error = %e, "access reminders: run failed");
        }
        if let Err(e) = crate::guest_ends::end_due(&state).await {
            tracing::warn!(error = %e, "access ends: run failed");
        }
        if let Err(e) = crate::activity::mail_due(&state).await {
            tracing::warn!(error = %e, "activity report: run failed");
        }
    }
}

#[derive(sqlx::FromRow)]
struct Due {
    guest_id: String,
    reminders_sent: i64,
}

/// Sends every due reminder: pending invitations (guest not activated, not cancelled) of
/// organisations with reminders on, a day after the invitation or the last reminder (or a
/// resend), fewer than the configured number so far. Returns how many were sent.
pub async fn send_reminders(state: &AppState) -> anyhow::Result<usize> {
    let now = state.clock.now_ms();
    let organisations: Vec<String> = sqlx::query_scalar("SELECT id FROM organisations").fetch_all(&state.db).await?;
    let mut sent = 0;
    for organisation_id in organisations {
        let settings = crate::settings::load(&state.db, &organisation_id).await?;
        if !(settings.guest_invitations_enabled && settings.reminders_enabled && settings.reminders_max > 0) {
            continue;
        }
        let due: Vec<Due> = sqlx::query_as(
            "SELECT i.guest_id, i.reminders_sent FROM invitations i JOIN accounts g ON g.id = i.guest_id \
             WHERE i.organisation_id = $1 AND i.status = 'pending' AND g.status = 'pending' AND g.kind = 'guest' \
             AND g.sponsor_id IS NOT NULL AND (g.access_ends_at IS NULL OR g.access_ends_at > $5) AND i.reminders_sent < $2 AND COALESCE(i.last_reminder_at, i.created_at) <= $3 \
             ORDER BY i.created_at LIMIT $4",
        )
        .bind(&organisation_id)
        .bind(i64::from(settings.reminders_max))
        .bind(now - REMINDER_EVERY_MS)
        .bind(REMINDER_BATCH)
        .bind(now)
        .fetch_all(&state.db)
        .await?;
        for d in due {
            let mut tx = crate::db::begin(&state.db).await?;
            // The claim: only the node whose update sees the count it read sends this one.
            let claimed = sqlx::query(
                "UPDATE invitations SET reminders_sent = reminders_sent + 1 \
                 WHERE guest_id = $1 AND reminders_sent = $2 AND status = 'pending' \
                 AND COALESCE(last_reminder_at, created_at) <= $3",
            )
            .bind(&d.guest_id)
            .bind(d.reminders_sent)
            .bind(now - REMINDER_EVERY_MS)
            .execute(&mut *tx)
            .await?;
            if claimed.rows_affected() != 1 {
                continue;
            }
            match send_again(&mut tx, state, &d.guest_id, &settings, Tone::Reminder).await {
                Ok(()) => {
                    tx.commit().await?;
                    sent += 1;
                    tracing::info!(guest = %d.guest_id, reminder = d.reminders_sent + 1, "reminder sent");
                }
                Err(e) => tracing::warn!(guest = %d.guest_id, code = e.code().as_str(), "reminder not sent"),
            }
        }
    }
    if sent > 0 {
        state.outbox_wake.notify_one();
    }
    Ok(sent)
}
