//! In-process fan-out of changes to the WebSocket sessions of this node. Each socket filters
//! what concerns it; what it sends is always re-read through the visibility rule (the socket
//! only says "contacts changed", the delta endpoint decides what the viewer may see).

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use tokio::sync::broadcast;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// Contacts of an organisation changed up to `seq`.
    ContactsChanged { organisation_id: String, seq: i64 },
    /// These sessions were revoked: their sockets must close at once.
    SessionsRevoked { session_ids: Vec<String> },
    /// A notice for one account's sockets.
    Notice { recipient_id: String, notice: parley_core::wire::Notice },
    /// A new message, for the sockets of these accounts (the conversation's members).
    Message { recipient_ids: Recipients, message: parley_core::wire::Message },
    /// A member's receipt moved, for the sockets of these accounts.
    Receipt { recipient_ids: Recipients, conversation_id: String, receipt: parley_core::wire::Receipt },
    /// A conversation changed (members, admins, name) for these accounts, the ones who just
    /// left included.
    ConversationChanged { recipient_ids: Recipients, conversation_id: String },
    /// Conversation invitations of these accounts (received or sent) changed.
    InvitationsChanged { recipient_ids: Recipients },
    /// This account itself changed (a guest incorporated as a member).
    AccountChanged { account_id: String },
    /// An organisation's settings changed.
    SettingsChanged { organisation_id: String },
}

/// The accounts an event is for. A set: every socket of the node checks it, and the ALL group
/// (SPEC §2) makes it as large as the organisation.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Recipients(Arc<HashSet<String>>);

impl Recipients {
    pub fn contains(&self, account_id: &str) -> bool {
        self.0.contains(account_id)
    }
}

impl From<Vec<String>> for Recipients {
    fn from(ids: Vec<String>) -> Self {
        ids.into_iter().collect()
    }
}

impl FromIterator<String> for Recipients {
    fn from_iter<I: IntoIterator<Item = String>>(ids: I) -> Self {
        Self(Arc::new(ids.into_iter().collect()))
    }
}

#[derive(Clone)]
pub struct EventBus {
    tx: broadcast::Sender<Event>,
    /// Highest change sequence published per organisation, so the change watcher does not
    /// announce again what a handler already did.
    published: Arc<Mutex<HashMap<String, i64>>>,
}

impl Default for EventBus {
    fn default() -> Self {
        Self { tx: broadcast::channel(1024).0, published: Arc::default() }
    }
}

impl EventBus {
    pub fn publish(&self, event: Event) {
        if let Event::ContactsChanged { organisation_id, seq } = &event {
            if let Ok(mut p) = self.published.lock() {
                let e = p.entry(organisation_id.clone()).or_insert(0);
                *e = (*e).max(*seq);
            }
        }
        // No receiver is not an error: nobody is connected.
        let _ = self.tx.send(event);
    }

    /// Publishes a contacts change unless one at least as recent was already published.
    pub fn publish_if_newer(&self, event: Event) {
        if let Event::ContactsChanged { organisation_id, seq } = &event {
            let known = self.published.lock().ok().and_then(|p| p.get(organisation_id).copied()).unwrap_or(0);
            if *seq <= known {
                return;
            }
        }
        self.publish(event);
    }
    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.tx.subscribe()
    }
}
