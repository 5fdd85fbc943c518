//! Announces to this node's sockets the contact changes made outside any server — by the admin
//! CLI — by watching the shared change sequence once a second. Changes made by a node are
//! published at once by their handlers, to the other nodes too through NATS; the watcher skips
//! what was already delivered here and only fills the gap.

use crate::db::{current_change_seq, Db};
use crate::events::EventBus;
use crate::shutdown::Shutdown;
use std::time::Duration;

const PERIOD: Duration = Duration::from_millis(1000);

/// One pass: publishes for every organisation with a change after `*seen`, then moves `*seen`.
pub async fn publish_new_changes(db: &Db, events: &EventBus, seen: &mut i64) -> sqlx::Result<()> {
    let current = current_change_seq(db).await?;
    if current <= *seen {
        return Ok(());
    }
    let orgs: Vec<(String, i64)> = sqlx::query_as(
        "SELECT organisation_id, MAX(change_seq) FROM accounts WHERE change_seq > $1 AND change_seq <= $2 GROUP BY organisation_id",
    )
    .bind(*seen)
    .bind(current)
    .fetch_all(db)
    .await?;
    for (organisation_id, seq) in orgs {
        events.publish_local_if_newer(organisation_id, seq);
    }
    *seen = current;
    Ok(())
}

pub async fn run(db: Db, events: EventBus, shutdown: Shutdown) {
    let mut seen = current_change_seq(&db).await.unwrap_or(0);
    loop {
        tokio::select! {
            _ = tokio::time::sleep(PERIOD) => {}
            _ = shutdown.wait() => return,
        }
        if let Err(e) = publish_new_changes(&db, &events, &mut seen).await {
            tracing::warn!(error = %e, "change watcher");
        }
    }
}
