//! In-process fan-out of changes to the WebSocket sessions of this node. Each socket filters
//! what concerns it; what it sends is always re-read through the visibility rule (the socket
//! only says "contacts changed", the delta endpoint decides what the viewer may see).

use tokio::sync::broadcast;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// Contacts of an organisation changed up to `seq`.
    ContactsChanged { organisation_id: String, seq: i64 },
    /// These sessions were revoked: their sockets must close at once.
    SessionsRevoked { session_ids: Vec<String> },
}

#[derive(Clone)]
pub struct EventBus {
    tx: broadcast::Sender<Event>,
}

impl Default for EventBus {
    fn default() -> Self {
        Self { tx: broadcast::channel(1024).0 }
    }
}

impl EventBus {
    pub fn publish(&self, event: Event) {
        // No receiver is not an error: nobody is connected.
        let _ = self.tx.send(event);
    }
    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.tx.subscribe()
    }
}
