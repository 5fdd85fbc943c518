//! This node's live connections, in the manner of Zed's collab connection pool: each account
//! maps to its sockets, each organisation to its accounts here, so delivering an event looks up
//! its recipients and never walks the other sockets.
//!
//! Every socket has a bounded queue of frames. When it is full (the socket fell behind), the
//! frame is dropped and the socket is flagged: its task sends `resync` as soon as it can and
//! the client catches up from its cursors, so nothing is silently lost and nobody else waits.
//! Closing a revoked session goes through a flag too, so a full queue can never hold it back.

use super::{Audience, Routed};
use axum::extract::ws::Utf8Bytes;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use tokio::sync::{mpsc, oneshot, Notify};

/// How many frames a socket may have waiting before it is told to resynchronise.
pub const QUEUE_FRAMES: usize = 256;

/// What a node subscribes to on the bus between nodes: an account's events, or an
/// organisation's.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Topic {
    Account(String),
    Organisation(String),
}

/// A change of this node's interest in a topic, for the NATS link (see [`super::nats`]).
#[derive(Debug)]
pub enum Interest {
    /// One more socket listens to the topic; `ready` fires once remote events for it arrive
    /// here. The link counts sockets per topic and subscribes for the first.
    Start { topic: Topic, ready: oneshot::Sender<()> },
    /// One socket fewer listens to the topic.
    Stop { topic: Topic },
}

/// Who a connection is.
#[derive(Debug, Clone)]
pub struct Peer {
    pub account_id: String,
    pub organisation_id: String,
    pub session_id: String,
    /// A member (not a guest): the ALL group's events reach it.
    pub member: bool,
}

/// The state a socket's task shares with the registry.
#[derive(Debug)]
pub struct Connection {
    id: u64,
    pub peer: Peer,
    member: AtomicBool,
    queue: mpsc::Sender<Utf8Bytes>,
    resync: AtomicBool,
    revoked: AtomicBool,
    wake: Notify,
}

/// What the socket's task must do besides sending its queued frames.
#[derive(Debug, PartialEq, Eq)]
pub enum Signal {
    /// Send `session_revoked` and close.
    Revoked,
    /// Send `resync`: frames were dropped.
    Resync,
    Nothing,
}

impl Connection {
    fn push(&self, frame: &Utf8Bytes) {
        if self.queue.try_send(frame.clone()).is_err() {
            self.flag_resync();
        }
    }
    fn flag_resync(&self) {
        self.resync.store(true, Ordering::Release);
        self.wake.notify_one();
    }
    /// Completes when the registry flagged this connection ([`Self::take_signal`] says why).
    pub async fn flagged(&self) {
        self.wake.notified().await
    }
    /// The pending signal, revocation first; clears it.
    pub fn take_signal(&self) -> Signal {
        if self.revoked.load(Ordering::Acquire) {
            Signal::Revoked
        } else if self.resync.swap(false, Ordering::AcqRel) {
            Signal::Resync
        } else {
            Signal::Nothing
        }
    }
}

#[derive(Default)]
struct Inner {
    accounts: HashMap<String, Vec<Arc<Connection>>>,
    organisations: HashMap<String, HashMap<u64, Arc<Connection>>>,
}

#[derive(Default)]
pub struct Registry {
    inner: RwLock<Inner>,
    next_id: AtomicU64,
    /// Tells the NATS link which topics this node listens to (none in the embedded mode).
    interest: Option<mpsc::UnboundedSender<Interest>>,
}

/// A registered socket: its queue, and its place in the registry until dropped.
pub struct Registration {
    pub connection: Arc<Connection>,
    pub frames: mpsc::Receiver<Utf8Bytes>,
    registry: Arc<Registry>,
}

impl Drop for Registration {
    fn drop(&mut self) {
        self.registry.remove(&self.connection);
    }
}

impl Registry {
    pub fn with_interest(interest: mpsc::UnboundedSender<Interest>) -> Self {
        Self { interest: Some(interest), ..Self::default() }
    }

    /// Adds a socket. Returns once events for it are delivered here, the other nodes' too
    /// (or after `wait` if the NATS link does not answer; it then resynchronises the socket
    /// when it does).
    pub async fn register(self: &Arc<Self>, peer: Peer, wait: std::time::Duration) -> Registration {
        let (queue, frames) = mpsc::channel(QUEUE_FRAMES);
        let connection = Arc::new(Connection {
            id: self.next_id.fetch_add(1, Ordering::Relaxed),
            member: AtomicBool::new(peer.member),
            peer,
            queue,
            resync: AtomicBool::new(false),
            revoked: AtomicBool::new(false),
            wake: Notify::new(),
        });
        {
            let mut inner = self.inner.write().unwrap_or_else(|e| e.into_inner());
            inner.accounts.entry(connection.peer.account_id.clone()).or_default().push(connection.clone());
            inner
                .organisations
                .entry(connection.peer.organisation_id.clone())
                .or_default()
                .insert(connection.id, connection.clone());
        }
        let registration = Registration { connection, frames, registry: self.clone() };
        if let Some(interest) = &self.interest {
            let peer = &registration.connection.peer;
            let mut waits = Vec::new();
            for topic in [Topic::Account(peer.account_id.clone()), Topic::Organisation(peer.organisation_id.clone())] {
                let (ready, wait) = oneshot::channel();
                if interest.send(Interest::Start { topic, ready }).is_ok() {
                    waits.push(wait);
                }
            }
            if tokio::time::timeout(wait, futures_util::future::join_all(waits)).await.is_err() {
                registration.connection.flag_resync();
            }
        }
        registration
    }

    fn remove(&self, connection: &Connection) {
        let peer = &connection.peer;
        {
            let mut inner = self.inner.write().unwrap_or_else(|e| e.into_inner());
            if let Some(list) = inner.accounts.get_mut(&peer.account_id) {
                list.retain(|c| c.id != connection.id);
                if list.is_empty() {
                    inner.accounts.remove(&peer.account_id);
                }
            }
            if let Some(org) = inner.organisations.get_mut(&peer.organisation_id) {
                org.remove(&connection.id);
                if org.is_empty() {
                    inner.organisations.remove(&peer.organisation_id);
                }
            }
        }
        if let Some(interest) = &self.interest {
            let _ = interest.send(Interest::Stop { topic: Topic::Account(peer.account_id.clone()) });
            let _ = interest.send(Interest::Stop { topic: Topic::Organisation(peer.organisation_id.clone()) });
        }
    }

    /// Delivers an event to its recipients' sockets on this node.
    pub fn deliver(&self, routed: &Routed) {
        let inner = self.inner.read().unwrap_or_else(|e| e.into_inner());
        match &routed.audience {
            Audience::Account(id) => Self::to_account(&inner, id, routed),
            Audience::Accounts(ids) => {
                for id in ids.iter() {
                    Self::to_account(&inner, id, routed);
                }
            }
            Audience::Organisation { id, members_only } => {
                for c in inner.organisations.get(id).into_iter().flat_map(HashMap::values) {
                    if !members_only || c.member.load(Ordering::Acquire) {
                        Self::to_connection(c, routed);
                    }
                }
            }
        }
    }

    fn to_account(inner: &Inner, account_id: &str, routed: &Routed) {
        for c in inner.accounts.get(account_id).into_iter().flatten() {
            Self::to_connection(c, routed);
        }
    }

    fn to_connection(c: &Connection, routed: &Routed) {
        if let Some(member) = routed.member {
            c.member.store(member, Ordering::Release);
        }
        if routed.close_sessions.contains(&c.peer.session_id) {
            c.revoked.store(true, Ordering::Release);
            c.wake.notify_one();
        } else if routed.close_sessions.is_empty() {
            if let Some(frame) = &routed.frame {
                c.push(frame);
            }
        }
    }

    /// Tells every socket of this node to resynchronise: events from other nodes may have been
    /// lost (the NATS link was down, or fell behind).
    pub fn resync_all(&self) {
        let inner = self.inner.read().unwrap_or_else(|e| e.into_inner());
        for c in inner.accounts.values().flatten() {
            c.flag_resync();
        }
    }

    /// How many sockets one session holds on this node.
    pub fn sockets_of_session(&self, account_id: &str, session_id: &str) -> usize {
        let inner = self.inner.read().unwrap_or_else(|e| e.into_inner());
        inner.accounts.get(account_id).map_or(0, |list| list.iter().filter(|c| c.peer.session_id == session_id).count())
    }

    /// How many sockets this node holds.
    pub fn len(&self) -> usize {
        let inner = self.inner.read().unwrap_or_else(|e| e.into_inner());
        inner.accounts.values().map(Vec::len).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::{Event, Recipients};
    use std::time::Duration;

    fn peer(account: &str, session: &str, member: bool) -> Peer {
        Peer { account_id: account.into(), organisation_id: "org".into(), session_id: session.into(), member }
    }

    async fn join(registry: &Arc<Registry>, account: &str, member: bool) -> Registration {
        registry.register(peer(account, &format!("{account}-s"), member), Duration::from_secs(1)).await
    }

    fn message_to(ids: &[&str]) -> Routed {
        let message = parley_core::wire::Message {
            id: "m".into(),
            conversation_id: "c".into(),
            seq: 1,
            client_id: None,
            sender_id: None,
            sender_name: "Parley".into(),
            kind: parley_core::wire::MessageKind::Text,
            body: "hi".into(),
            created_at: 0,
        };
        let recipient_ids: Recipients = ids.iter().map(|s| (*s).to_owned()).collect();
        Routed::of(&Event::Message { recipient_ids, message })
    }

    #[tokio::test]
    async fn an_event_reaches_its_recipients_sockets_only() {
        let registry = Arc::new(Registry::default());
        let mut a1 = join(&registry, "a", true).await;
        let mut a2 = join(&registry, "a", true).await;
        let mut b = join(&registry, "b", true).await;
        registry.deliver(&message_to(&["a", "nobody-here"]));
        assert!(a1.frames.try_recv().is_ok() && a2.frames.try_recv().is_ok(), "every device of a");
        assert!(b.frames.try_recv().is_err(), "b is not a recipient");
    }

    #[tokio::test]
    async fn a_full_queue_drops_the_frame_and_flags_a_resync() {
        let registry = Arc::new(Registry::default());
        let slow = join(&registry, "a", true).await;
        let mut quick = join(&registry, "b", true).await;
        for _ in 0..QUEUE_FRAMES + 5 {
            registry.deliver(&message_to(&["a", "b"]));
            assert!(quick.frames.try_recv().is_ok(), "the other socket is never held back");
        }
        assert_eq!(slow.frames.len(), QUEUE_FRAMES);
        tokio::time::timeout(Duration::from_secs(1), slow.connection.flagged()).await.expect("woken");
        assert_eq!(slow.connection.take_signal(), Signal::Resync);
        assert_eq!(slow.connection.take_signal(), Signal::Nothing, "told once");
        assert_eq!(quick.connection.take_signal(), Signal::Nothing);
    }

    #[tokio::test]
    async fn revocation_closes_only_the_revoked_session() {
        let registry = Arc::new(Registry::default());
        let revoked = join(&registry, "a", true).await;
        let other = registry.register(peer("a", "other", true), Duration::from_secs(1)).await;
        let event = Event::SessionsRevoked { account_id: "a".into(), session_ids: vec!["a-s".into()] };
        registry.deliver(&Routed::of(&event));
        assert_eq!(revoked.connection.take_signal(), Signal::Revoked);
        assert_eq!(other.connection.take_signal(), Signal::Nothing);
        assert!(other.frames.is_empty());
    }

    #[tokio::test]
    async fn org_members_events_skip_guests_until_incorporated() {
        let registry = Arc::new(Registry::default());
        let mut member = join(&registry, "m", true).await;
        let mut guest = join(&registry, "g", false).await;
        let all_group = || {
            let mut routed = message_to(&[]);
            routed.audience = Audience::Organisation { id: "org".into(), members_only: true };
            routed
        };
        registry.deliver(&all_group());
        assert!(member.frames.try_recv().is_ok());
        assert!(guest.frames.try_recv().is_err(), "a guest never hears the ALL group");
        registry.deliver(&Routed::of(&Event::AccountChanged { account_id: "g".into(), member: true }));
        assert!(guest.frames.try_recv().is_ok(), "account_changed");
        registry.deliver(&all_group());
        assert!(guest.frames.try_recv().is_ok(), "incorporated: now a member");
    }

    #[tokio::test]
    async fn dropping_a_registration_forgets_the_socket() {
        let registry = Arc::new(Registry::default());
        let a = join(&registry, "a", true).await;
        assert_eq!(registry.len(), 1);
        drop(a);
        assert!(registry.is_empty());
        registry.deliver(&message_to(&["a"]));
    }
}
