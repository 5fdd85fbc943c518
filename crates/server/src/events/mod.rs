//! Real-time events, from a commit to the sockets that must hear of it. An event costs its
//! recipients, never every socket of the node.
//!
//! - [`Event`]: what happened and whom it concerns ([`Recipients`], one account, or an
//!   organisation).
//! - [`Routed`]: an event made ready to deliver: its audience, and its [`ServerEvent`] serialised
//!   once for every socket that gets it.
//! - [`registry::Registry`]: this node's connections, account → its sockets, each with a
//!   bounded queue. A socket that falls behind is told to resynchronise instead of slowing the
//!   others or silently losing an event.
//! - [`nats`]: with `--nats-url`, every event is also published to NATS on one subject per
//!   recipient account (or organisation); each node subscribes to the subjects of the accounts
//!   it holds sockets for, so its cost is its local recipients.
//! - [`EventBus`]: `publish` delivers to this node's registry at once and hands the event to
//!   NATS; it never blocks and never fails the request whose commit it announces.

pub mod nats;
pub mod registry;

use axum::extract::ws::Utf8Bytes;
use parley_core::wire::ServerEvent;
use registry::Registry;
use std::collections::HashSet;
use std::sync::Arc;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// Contacts of these accounts changed up to `seq` (who they are: `crate::contact_audience`).
    ContactsChanged { recipient_ids: Recipients, seq: i64 },
    /// These sessions of one account were revoked: their sockets must close at once.
    SessionsRevoked { account_id: String, session_ids: Vec<String> },
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
    /// This account itself changed; `member` says whether it is now a member (a guest
    /// incorporated), which decides whether the ALL group's events reach its sockets.
    AccountChanged { account_id: String, member: bool },
    /// An organisation's settings changed.
    SettingsChanged { organisation_id: String },
}

/// The accounts an event is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recipients {
    /// These accounts (a set: each is looked up in the registry once).
    Accounts(Arc<HashSet<String>>),
    /// Every member (never a guest) of an organisation: the ALL group's audience (SPEC §2),
    /// delivered to the organisation's sockets without listing the organisation.
    OrgMembers(String),
}

impl Recipients {
    pub fn org_members(organisation_id: &str) -> Self {
        Self::OrgMembers(organisation_id.to_owned())
    }
}

impl From<Vec<String>> for Recipients {
    fn from(ids: Vec<String>) -> Self {
        ids.into_iter().collect()
    }
}

impl FromIterator<String> for Recipients {
    fn from_iter<I: IntoIterator<Item = String>>(ids: I) -> Self {
        Self::Accounts(Arc::new(ids.into_iter().collect()))
    }
}

/// Who gets a routed event on a node.
#[derive(Debug, Clone)]
pub enum Audience {
    Accounts(Arc<HashSet<String>>),
    Account(String),
    /// Every socket of the organisation, or only its members' (`members_only`).
    Organisation {
        id: String,
        members_only: bool,
    },
}

/// An event ready to deliver: its audience and what each of its sockets must do.
#[derive(Debug, Clone)]
pub struct Routed {
    pub audience: Audience,
    /// The JSON text pushed to each socket, serialised once.
    pub frame: Option<Utf8Bytes>,
    /// Sessions whose sockets close (after a `session_revoked` frame).
    pub close_sessions: Vec<String>,
    /// The account's new member flag ([`Event::AccountChanged`]).
    pub member: Option<bool>,
}

fn frame(event: &ServerEvent) -> Option<Utf8Bytes> {
    match serde_json::to_string(event) {
        Ok(text) => Some(text.into()),
        Err(e) => {
            tracing::error!(error = %e, "an event could not be serialised");
            None
        }
    }
}

fn audience(recipients: &Recipients) -> Audience {
    match recipients {
        Recipients::Accounts(ids) => Audience::Accounts(ids.clone()),
        Recipients::OrgMembers(org) => Audience::Organisation { id: org.clone(), members_only: true },
    }
}

impl Routed {
    fn push(audience: Audience, event: &ServerEvent) -> Self {
        Self { audience, frame: frame(event), close_sessions: Vec::new(), member: None }
    }

    pub fn of(event: &Event) -> Self {
        match event {
            Event::ContactsChanged { recipient_ids, seq } => Self::push(
                audience(recipient_ids),
                &ServerEvent::ContactsChanged { cursor: crate::contact_sync::encode_cursor(*seq) },
            ),
            Event::SessionsRevoked { account_id, session_ids } => Self {
                close_sessions: session_ids.clone(),
                ..Self::push(Audience::Account(account_id.clone()), &ServerEvent::SessionRevoked)
            },
            Event::Notice { recipient_id, notice } => {
                Self::push(Audience::Account(recipient_id.clone()), &ServerEvent::Notice { notice: notice.clone() })
            }
            Event::Message { recipient_ids, message } => {
                Self::push(audience(recipient_ids), &ServerEvent::Message { message: message.clone() })
            }
            Event::Receipt { recipient_ids, conversation_id, receipt } => Self::push(
                audience(recipient_ids),
                &ServerEvent::Receipt { conversation_id: conversation_id.clone(), receipt: receipt.clone() },
            ),
            Event::ConversationChanged { recipient_ids, conversation_id } => Self::push(
                audience(recipient_ids),
                &ServerEvent::ConversationChanged { conversation_id: conversation_id.clone() },
            ),
            Event::InvitationsChanged { recipient_ids } => {
                Self::push(audience(recipient_ids), &ServerEvent::InvitationsChanged)
            }
            Event::AccountChanged { account_id, member } => Self {
                member: Some(*member),
                ..Self::push(Audience::Account(account_id.clone()), &ServerEvent::AccountChanged)
            },
            Event::SettingsChanged { organisation_id } => Self::push(
                Audience::Organisation { id: organisation_id.clone(), members_only: false },
                &ServerEvent::SettingsChanged,
            ),
        }
    }
}

/// Where committed events go: this node's registry, and the other nodes through NATS.
#[derive(Clone)]
pub struct EventBus {
    registry: Arc<Registry>,
    remote: Option<nats::Publisher>,
}

impl Default for EventBus {
    /// The embedded default: one node, events delivered in process.
    fn default() -> Self {
        Self { registry: Arc::new(Registry::default()), remote: None }
    }
}

impl EventBus {
    /// A bus whose events also cross to other nodes over NATS.
    pub async fn with_nats(url: &str) -> anyhow::Result<Self> {
        let (registry, remote) = nats::connect(url).await?;
        Ok(Self { registry, remote: Some(remote) })
    }

    pub fn registry(&self) -> &Arc<Registry> {
        &self.registry
    }

    /// Delivers a committed event to this node's sockets and hands it to the other nodes.
    /// Never blocks and never fails: a socket that cannot take it, or a NATS link that is
    /// down, ends in a `resync` for whoever may have missed it.
    pub fn publish(&self, event: Event) {
        let routed = Routed::of(&event);
        self.registry.deliver(&routed);
        if let Some(remote) = &self.remote {
            remote.forward(&routed);
        }
    }

    /// Delivers to this node's sockets only: a change another process made, which every node
    /// finds for itself (the change watcher's path).
    pub fn publish_local(&self, event: Event) {
        self.registry.deliver(&Routed::of(&event));
    }
}
