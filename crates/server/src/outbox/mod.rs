//! The outbox (SPEC §1): every SMS and e-mail is first written to a table in the same
//! transaction as the change that causes it, then delivered by a worker with retries and
//! exponential backoff, so a provider outage loses nothing. Several nodes may run workers:
//! a row is claimed with a lease (`locked_until`) by a conditional UPDATE.

mod sinks;

pub use sinks::{FileSink, HttpSmsSink, Sink, SmtpSink};

use crate::clock::Clock;
use crate::db::{new_id, Db};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    Sms,
    Email,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sms => "sms",
            Self::Email => "email",
        }
    }
}

#[derive(Debug, Clone)]
pub struct OutgoingMessage {
    pub channel: Channel,
    pub recipient: String,
    pub subject: Option<String>,
    pub body_text: String,
    pub body_html: Option<String>,
}

/// Queues a message inside the caller's transaction.
pub async fn enqueue(conn: &mut sqlx::AnyConnection, msg: &OutgoingMessage, now_ms: i64) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO outbox (id, channel, recipient, subject, body_text, body_html, status, next_attempt_at, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7, $8)",
    )
    .bind(new_id())
    .bind(msg.channel.as_str())
    .bind(&msg.recipient)
    .bind(&msg.subject)
    .bind(&msg.body_text)
    .bind(&msg.body_html)
    .bind(now_ms)
    .bind(now_ms)
    .execute(conn)
    .await?;
    Ok(())
}

/// Where each channel's messages go.
pub struct Sinks {
    pub sms: Arc<dyn Sink>,
    pub email: Arc<dyn Sink>,
}

/// How long a claimed row stays reserved for the node that claimed it.
const LEASE_MS: i64 = 60_000;
const BATCH: i64 = 20;

/// Delay before attempt `n + 1` after `n` failed attempts: 2 s, 4 s, … capped at one hour.
pub fn backoff_ms(attempts: i64) -> i64 {
    let exp = attempts.clamp(1, 12) as u32;
    (1000i64 << exp).min(3_600_000)
}

#[derive(sqlx::FromRow)]
struct Claimed {
    id: String,
    channel: String,
    recipient: String,
    subject: Option<String>,
    body_text: String,
    body_html: Option<String>,
    attempts: i64,
}

/// Delivers what is due, once. Returns how many messages were handled (sent or failed).
pub async fn deliver_due(db: &Db, sinks: &Sinks, clock: &Clock) -> anyhow::Result<usize> {
    let now = clock.now_ms();
    let claimed: Vec<Claimed> = sqlx::query_as(
        "UPDATE outbox SET locked_until = $1, attempts = attempts + 1 \
         WHERE status = 'pending' AND next_attempt_at <= $2 AND (locked_until IS NULL OR locked_until < $3) \
         AND id IN (SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_at <= $4 \
                    AND (locked_until IS NULL OR locked_until < $5) ORDER BY created_at LIMIT $6) \
         RETURNING id, channel, recipient, subject, body_text, body_html, attempts",
    )
    .bind(now + LEASE_MS)
    .bind(now)
    .bind(now)
    .bind(now)
    .bind(now)
    .bind(BATCH)
    .fetch_all(db)
    .await?;
    let n = claimed.len();
    for msg in claimed {
        let sink = if msg.channel == "email" { &sinks.email } else { &sinks.sms };
        let out = OutgoingMessage {
            channel: if msg.channel == "email" { Channel::Email } else { Channel::Sms },
            recipient: msg.recipient,
            subject: msg.subject,
            body_text: msg.body_text,
            body_html: msg.body_html,
        };
        match sink.send(&msg.id, &out).await {
            Ok(()) => {
                // Once delivered, the body (an activation code, a key, personal data) is not kept.
                sqlx::query(
                    "UPDATE outbox SET status = 'sent', sent_at = $1, locked_until = NULL, last_error = NULL, \
                     body_text = '', body_html = NULL WHERE id = $2",
                )
                .bind(clock.now_ms())
                .bind(&msg.id)
                .execute(db)
                .await?;
            }
            Err(e) => {
                let retry_at = clock.now_ms() + backoff_ms(msg.attempts);
                tracing::warn!(id = %msg.id, channel = %out.channel.as_str(), attempts = msg.attempts, error = %e, "outbox: delivery failed, will retry");
                sqlx::query(
                    "UPDATE outbox SET locked_until = NULL, next_attempt_at = $1, last_error = $2 WHERE id = $3",
                )
                .bind(retry_at)
                .bind(format!("{e:#}"))
                .bind(&msg.id)
                .execute(db)
                .await?;
            }
        }
    }
    Ok(n)
}

/// Runs until `shutdown` fires: delivers due messages, then sleeps until woken or 1 s.
pub async fn run_worker(db: Db, sinks: Sinks, clock: Clock, wake: Arc<Notify>, shutdown: crate::shutdown::Shutdown) {
    loop {
        match deliver_due(&db, &sinks, &clock).await {
            Ok(n) if n as i64 == BATCH => continue,
            Ok(_) => {}
            Err(e) => tracing::error!(error = %e, "outbox: worker error"),
        }
        tokio::select! {
            _ = wake.notified() => {}
            _ = tokio::time::sleep(Duration::from_secs(1)) => {}
            _ = shutdown.wait() => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::backoff_ms;

    #[test]
    fn backoff_grows_and_caps() {
        assert_eq!(backoff_ms(1), 2_000);
        assert_eq!(backoff_ms(2), 4_000);
        assert_eq!(backoff_ms(30), 3_600_000);
    }
}
