//! One unit of work: a transaction and the events its changes announce. Domain code writes
//! through it and queues events with [`UnitOfWork::publish`]; [`UnitOfWork::commit`] commits,
//! then hands the events to the bus — never before the commit (nobody hears of what may still
//! roll back), and never failing the request afterwards (publishing cannot fail: see
//! [`crate::events::EventBus::publish`]). Dropped without a commit, it rolls back and its
//! events are forgotten.

use crate::db::Db;
use crate::events::{Event, EventBus};
use std::ops::{Deref, DerefMut};

pub struct UnitOfWork {
    tx: sqlx::Transaction<'static, sqlx::Any>,
    events: Vec<Event>,
}

impl UnitOfWork {
    pub async fn begin(db: &Db) -> sqlx::Result<Self> {
        Ok(Self { tx: crate::db::begin(db).await?, events: Vec::new() })
    }

    /// Queues an event for after the commit.
    pub fn publish(&mut self, event: Event) {
        self.events.push(event);
    }

    /// Commits, then publishes the queued events in the order they were queued.
    pub async fn commit(self, bus: &EventBus) -> sqlx::Result<()> {
        self.tx.commit().await?;
        for event in self.events {
            bus.publish(event);
        }
        Ok(())
    }
}

impl Deref for UnitOfWork {
    type Target = sqlx::AnyConnection;
    fn deref(&self) -> &Self::Target {
        &self.tx
    }
}

impl DerefMut for UnitOfWork {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.tx
    }
}

#[cfg(test)]
mod tests {
    use super::UnitOfWork;
    use crate::events::registry::Peer;
    use crate::events::{Event, EventBus};
    use std::time::Duration;

    async fn db() -> (crate::db::Db, tempfile::TempDir) {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}", dir.path().join("u.db").display());
        (crate::db::connect(&url).await.expect("database").0, dir)
    }

    fn settings_changed() -> Event {
        Event::SettingsChanged { organisation_id: "org".into() }
    }

    #[tokio::test]
    async fn events_are_published_after_the_commit_and_never_for_a_rollback() {
        let (db, _dir) = db().await;
        let bus = EventBus::default();
        let peer = Peer { account_id: "a".into(), organisation_id: "org".into(), session_id: "s".into(), member: true };
        let mut socket = bus.registry().register(peer, Duration::from_secs(1)).await;

        let mut work = UnitOfWork::begin(&db).await.expect("begin");
        sqlx::query("UPDATE counters SET value = value + 1 WHERE name = 'change_seq'")
            .execute(&mut *work)
            .await
            .expect("write");
        work.publish(settings_changed());
        assert!(socket.frames.try_recv().is_err(), "nothing before the commit");
        work.commit(&bus).await.expect("commit");
        assert!(socket.frames.try_recv().is_ok(), "published after it");

        let mut work = UnitOfWork::begin(&db).await.expect("begin");
        work.publish(settings_changed());
        drop(work);
        assert!(socket.frames.try_recv().is_err(), "a unit of work rolled back announces nothing");
    }
}
