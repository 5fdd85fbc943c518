//! Events between nodes over NATS (`--nats-url`, `async-nats`).
//!
//! - **Subjects.** An event for accounts is published once per recipient on
//!   `parley.ev.a.<account>`; an organisation-wide one once on `parley.ev.o.<organisation>`.
//!   A node subscribes to the subjects of the accounts and organisations it holds sockets for
//!   (counted per topic, dropped with the last socket), so NATS routes each event only to the
//!   nodes with recipients and a node's cost is its local recipients.
//! - **Payload.** A line of routing facts (JSON: sessions to close, member flag, members
//!   only), a newline, then the frame the sockets get, as the sending node
//!   serialised it.
//! - **No echo.** The publishing node has already delivered to its own sockets.
//! - **Losses end in a resync, never in silence.** Publishing goes through a bounded queue and a
//!   task, so a request never waits for NATS. If that queue overflows or a publish fails, the
//!   node asks every node to resynchronise its sockets (`parley.ev.resync`) once NATS takes
//!   messages again; after its own link comes back, or NATS reports it a slow consumer, a node
//!   resynchronises its own sockets.

use super::registry::{Interest, Registry, Topic};
use super::{Audience, Routed};
use anyhow::Context;
use axum::extract::ws::Utf8Bytes;
use bytes::Bytes;
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

const RESYNC_SUBJECT: &str = "parley.ev.resync";
/// Events waiting to be published before the node gives up on them and asks for a resync.
const PUBLISH_QUEUE: usize = 65_536;

fn subject(topic: &Topic) -> String {
    match topic {
        Topic::Account(id) => format!("parley.ev.a.{id}"),
        Topic::Organisation(id) => format!("parley.ev.o.{id}"),
    }
}

/// The routing facts that travel with a frame.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Facts {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    close: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    member: Option<bool>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    members_only: bool,
}

fn encode(routed: &Routed, members_only: bool) -> Option<Bytes> {
    let facts = Facts { close: routed.close_sessions.clone(), member: routed.member, members_only };
    let mut out = serde_json::to_vec(&facts).ok()?;
    out.push(b'\n');
    out.extend_from_slice(routed.frame.as_ref().map_or("", |f| f.as_str()).as_bytes());
    Some(out.into())
}

/// What a received payload asks of the sockets of `topic` on this node.
fn decode(topic: Topic, payload: &Bytes) -> Option<Routed> {
    let split = payload.iter().position(|b| *b == b'\n')?;
    let facts: Facts = serde_json::from_slice(&payload[..split]).ok()?;
    let frame = payload.slice(split + 1..);
    let frame = if frame.is_empty() { None } else { Some(Utf8Bytes::try_from(frame).ok()?) };
    let audience = match topic {
        Topic::Account(id) => Audience::Account(id),
        Topic::Organisation(id) => Audience::Organisation { id, members_only: facts.members_only },
    };
    Some(Routed { audience, frame, close_sessions: facts.close, member: facts.member })
}

/// The publishing half, held by the [`super::EventBus`].
#[derive(Clone)]
pub struct Publisher {
    queue: mpsc::Sender<(String, Bytes)>,
    lost: Arc<AtomicBool>,
}

impl Publisher {
    /// Queues the event for every subject of its audience; never waits.
    pub fn forward(&self, routed: &Routed) {
        let (subjects, members_only): (Vec<String>, bool) = match &routed.audience {
            Audience::Account(id) => (vec![subject(&Topic::Account(id.clone()))], false),
            Audience::Accounts(ids) => (ids.iter().map(|id| subject(&Topic::Account(id.clone()))).collect(), false),
            Audience::Organisation { id, members_only } => {
                (vec![subject(&Topic::Organisation(id.clone()))], *members_only)
            }
        };
        let Some(payload) = encode(routed, members_only) else { return };
        for s in subjects {
            if self.queue.try_send((s, payload.clone())).is_err() {
                self.lost.store(true, Ordering::Release);
            }
        }
    }
}

/// Connects to NATS and starts the link's tasks: the publisher, the subscriptions this node's
/// sockets need, and the watch over the connection's health.
pub async fn connect(url: &str) -> anyhow::Result<(Arc<Registry>, Publisher)> {
    let (health_tx, health_rx) = mpsc::unbounded_channel();
    let client = async_nats::ConnectOptions::new()
        .no_echo()
        .name("parley-server")
        .retry_on_initial_connect()
        .event_callback(move |event| {
            let health = health_tx.clone();
            async move {
                let _ = health.send(event);
            }
        })
        .connect(url)
        .await
        .with_context(|| format!("connecting to NATS at {url}"))?;
    let (interest_tx, interest_rx) = mpsc::unbounded_channel();
    let registry = Arc::new(Registry::with_interest(interest_tx));
    let (queue, queued) = mpsc::channel(PUBLISH_QUEUE);
    let lost = Arc::new(AtomicBool::new(false));

    let resyncs = client.subscribe(RESYNC_SUBJECT).await.context("subscribing to NATS")?;
    tokio::spawn(resync_on_request(resyncs, registry.clone()));
    tokio::spawn(publish(client.clone(), queued, lost.clone()));
    tokio::spawn(subscriptions(client, interest_rx, registry.clone()));
    tokio::spawn(watch_health(health_rx, registry.clone()));
    Ok((registry, Publisher { queue, lost }))
}

async fn publish(client: async_nats::Client, mut queued: mpsc::Receiver<(String, Bytes)>, lost: Arc<AtomicBool>) {
    while let Some((subject, payload)) = queued.recv().await {
        if let Err(e) = client.publish(subject, payload).await {
            tracing::warn!(error = %e, "an event could not be published to NATS");
            lost.store(true, Ordering::Release);
        }
        // Once NATS takes messages again, whoever may have missed one catches up.
        if queued.is_empty() && lost.load(Ordering::Acquire) && client.flush().await.is_ok() {
            lost.store(false, Ordering::Release);
            if client.publish(RESYNC_SUBJECT, Bytes::new()).await.is_ok() {
                tracing::info!("asked every node to resynchronise its sockets after lost events");
            } else {
                lost.store(true, Ordering::Release);
            }
        }
    }
}

async fn resync_on_request(mut requests: async_nats::Subscriber, registry: Arc<Registry>) {
    while requests.next().await.is_some() {
        registry.resync_all();
    }
}

async fn watch_health(mut events: mpsc::UnboundedReceiver<async_nats::Event>, registry: Arc<Registry>) {
    let mut was_down = false;
    while let Some(event) = events.recv().await {
        match event {
            async_nats::Event::Disconnected => {
                tracing::warn!("NATS link lost: events from other nodes wait for it");
                was_down = true;
            }
            async_nats::Event::Connected if was_down => {
                tracing::info!("NATS link back: every socket of this node resynchronises");
                was_down = false;
                registry.resync_all();
            }
            async_nats::Event::SlowConsumer(_) => {
                tracing::warn!("NATS dropped events for this node (slow consumer): sockets resynchronise");
                registry.resync_all();
            }
            other => tracing::debug!(event = %other, "NATS"),
        }
    }
}

struct Subscription {
    /// Tells this subscription's readiness from that of an earlier one of the same topic.
    generation: u64,
    sockets: usize,
    ready: bool,
    waiting: Vec<oneshot::Sender<()>>,
    task: JoinHandle<()>,
}

/// Keeps one NATS subscription per topic some socket of this node listens to.
async fn subscriptions(
    client: async_nats::Client,
    mut interest: mpsc::UnboundedReceiver<Interest>,
    registry: Arc<Registry>,
) {
    let (subscribed_tx, mut subscribed) = mpsc::unbounded_channel::<(Topic, u64)>();
    let mut topics: HashMap<Topic, Subscription> = HashMap::new();
    let mut generation = 0;
    loop {
        tokio::select! {
            change = interest.recv() => match change {
                None => return,
                Some(Interest::Start { topic, ready }) => match topics.get_mut(&topic) {
                    Some(s) => {
                        s.sockets += 1;
                        if s.ready { let _ = ready.send(()); } else { s.waiting.push(ready); }
                    }
                    None => {
                        generation += 1;
                        let subscribed = (subscribed_tx.clone(), generation);
                        let task = tokio::spawn(listen(client.clone(), topic.clone(), registry.clone(), subscribed));
                        topics.insert(topic, Subscription { generation, sockets: 1, ready: false, waiting: vec![ready], task });
                    }
                },
                Some(Interest::Stop { topic }) => {
                    if let Some(s) = topics.get_mut(&topic) {
                        s.sockets -= 1;
                        if s.sockets == 0 {
                            s.task.abort();
                            topics.remove(&topic);
                        }
                    }
                }
            },
            Some((topic, generation)) = subscribed.recv() => {
                if let Some(s) = topics.get_mut(&topic).filter(|s| s.generation == generation) {
                    s.ready = true;
                    for w in s.waiting.drain(..) { let _ = w.send(()); }
                }
            }
        }
    }
}

/// One topic's subscription: delivers what arrives to this node's sockets until aborted
/// (dropping the subscriber unsubscribes).
async fn listen(
    client: async_nats::Client,
    topic: Topic,
    registry: Arc<Registry>,
    (subscribed, generation): (mpsc::UnboundedSender<(Topic, u64)>, u64),
) {
    let mut subscriber = match client.subscribe(subject(&topic)).await {
        Ok(s) => s,
        Err(e) => {
            tracing::warn!(error = %e, "NATS subscription failed: the socket resynchronises later");
            return;
        }
    };
    // Written to the server before the socket is told it is live (see `Registry::register`).
    let _ = client.flush().await;
    let _ = subscribed.send((topic.clone(), generation));
    while let Some(message) = subscriber.next().await {
        match decode(topic.clone(), &message.payload) {
            Some(routed) => registry.deliver(&routed),
            None => tracing::warn!(subject = %message.subject, "an unreadable event from NATS"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn a_routed_event_crosses_as_it_left() {
        let routed = Routed {
            audience: Audience::Accounts(Arc::new(HashSet::from(["a".to_owned()]))),
            frame: Some(Utf8Bytes::from(r#"{"type":"session_revoked"}"#)),
            close_sessions: vec!["s1".into()],
            member: Some(true),
        };
        let payload = encode(&routed, false).expect("encoded");
        let back = decode(Topic::Account("a".into()), &payload).expect("decoded");
        assert!(matches!(back.audience, Audience::Account(ref id) if id == "a"));
        assert_eq!(back.frame.as_deref(), Some(r#"{"type":"session_revoked"}"#));
        assert_eq!(back.close_sessions, vec!["s1".to_owned()]);
        assert_eq!(back.member, Some(true));
    }

    #[test]
    fn organisation_events_keep_their_members_only_flag() {
        let routed = Routed {
            audience: Audience::Organisation { id: "o".into(), members_only: true },
            frame: Some(Utf8Bytes::from("{}")),
            close_sessions: vec![],
            member: None,
        };
        let back = decode(Topic::Organisation("o".into()), &encode(&routed, true).expect("encoded")).expect("decoded");
        assert!(matches!(back.audience, Audience::Organisation { members_only: true, .. }));
    }

    #[test]
    fn garbage_is_refused_not_delivered() {
        assert!(decode(Topic::Account("a".into()), &Bytes::from_static(b"no newline")).is_none());
        assert!(decode(Topic::Account("a".into()), &Bytes::from_static(b"{bad json\n{}")).is_none());
    }
}
