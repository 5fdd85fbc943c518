//! The one state struct every handler gets.

use crate::clock::Clock;
use crate::db::{Backend, Db};
use crate::events::EventBus;
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub backend: Backend,
    pub clock: Clock,
    pub events: EventBus,
    /// Key of the activation-code HMAC. Never logged.
    /// The code-hashing key: never printed.
    pub code_key: Arc<parley_core::secret::Secret<Vec<u8>>>,
    /// Queues the hot writers on SQLite ([`crate::db::WriteGate`]).
    pub writes: crate::db::WriteGate,
    /// Wakes the outbox worker when a message is queued.
    pub outbox_wake: Arc<tokio::sync::Notify>,
    /// Addresses printed in invitations.
    pub links: Arc<PublicLinks>,
    /// Behind a load balancer: take the client's address from `X-Forwarded-For`.
    pub trust_forwarded_for: bool,
}

#[derive(Debug, Clone)]
pub struct PublicLinks {
    /// The server address guests enter in the app.
    pub server_url: String,
    /// Where the desktop app can be downloaded.
    pub download_url: String,
}
