//! Announces to this node's sockets the contact changes made outside any server — the admin
//! CLI provisioning a member — by watching `external_changes` once a second. A change made by
//! a node is announced at once by the node that made it, to the people it concerns
//! (`crate::contact_audience`) and through NATS to the other nodes; the watcher never sees it.

use crate::db::Db;
use crate::events::{Event, EventBus, Recipients};
use crate::shutdown::Shutdown;
use std::time::Duration;

const PERIOD: Duration = Duration::from_millis(1000);

async fn newest(db: &Db) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT COALESCE(MAX(change_seq), 0) FROM external_changes").fetch_one(db).await
}

/// One pass: tells the members of every organisation with an external change after `*seen`
/// (a new member, whom every member sees), then moves `*seen`.
pub async fn publish_new_changes(db: &Db, events: &EventBus, seen: &mut i64) -> sqlx::Result<()> {
    let orgs: Vec<(String, i64)> = sqlx::query_as(
        "SELECT organisation_id, MAX(change_seq) FROM external_changes WHERE change_seq > $1 GROUP BY organisation_id",
    )
    .bind(*seen)
    .fetch_all(db)
    .await?;
    for (organisation_id, seq) in orgs {
        *seen = (*seen).max(seq);
        events.publish_local(Event::ContactsChanged { recipient_ids: Recipients::org_members(&organisation_id), seq });
    }
    Ok(())
}

pub async fn run(db: Db, events: EventBus, shutdown: Shutdown) {
    let mut seen = newest(&db).await.unwrap_or(0);
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
