//! `chat`: seeded users hold WebSockets, conversations (pairs or groups) are created through
//! the API, and messages are offered at an **open-loop** rate: message *i* is due at
//! `start + i / rate` whatever happened to the earlier ones, and its latency to each recipient
//! is counted from that due instant (no coordinated omission). Messages sent during the warm-up
//! are delivered but not measured.

use crate::report;
use crate::sockets::{self, Socket};
use crate::Seeded;
use anyhow::{bail, Context};
use futures_util::{stream, StreamExt, TryStreamExt};
use hdrhistogram::Histogram;
use serde::Deserialize;
use serde_json::json;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio_tungstenite::tungstenite::Message;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    server: String,
    /// Hold the sockets on this server instead (another node: every delivery crosses nodes).
    #[arg(long)]
    ws_server: Option<String>,
    /// The file `parley-load seed` wrote.
    #[arg(long)]
    sessions: PathBuf,
    /// Use the first N seeded users (all by default).
    #[arg(long)]
    users: Option<usize>,
    /// Members per conversation: 2 for one-to-one conversations, more for groups.
    #[arg(long, default_value_t = 2)]
    group_size: usize,
    /// Messages offered per second, open loop.
    #[arg(long, default_value_t = 200.0)]
    rate: f64,
    /// Seconds of measured load.
    #[arg(long, default_value_t = 20.0)]
    duration: f64,
    /// Seconds of load before measuring.
    #[arg(long, default_value_t = 2.0)]
    warmup: f64,
    /// The server's process id, for its memory and CPU time.
    #[arg(long)]
    server_pid: Option<u32>,
    /// Also write the figures as JSON to this file.
    #[arg(long)]
    json: Option<PathBuf>,
    /// Receivers acknowledge each message with a *delivered* receipt, as the desktop client
    /// does (one more write per delivery).
    #[arg(long)]
    receipts: bool,
    /// Exit with an error if any send fails or any delivery is missing.
    #[arg(long)]
    strict: bool,
}

const SEND_TIMEOUT: Duration = Duration::from_secs(10);
/// How long deliveries may trail the last send.
const DRAIN_WAIT: Duration = Duration::from_secs(15);

struct InFlight {
    due: Instant,
    waiting: usize,
    measured: bool,
}

#[derive(Default)]
struct Counters {
    acked: AtomicU64,
    errors: AtomicU64,
    timeouts: AtomicU64,
    delivered: AtomicU64,
    unexpected: AtomicU64,
    resyncs: AtomicU64,
    closed_sockets: AtomicU64,
    receipt_errors: AtomicU64,
}

struct Shared {
    in_flight: Mutex<HashMap<String, InFlight>>,
    latency: Mutex<Histogram<u64>>,
    ack_latency: Mutex<Histogram<u64>>,
    counters: Counters,
}

#[derive(Deserialize)]
struct Incoming {
    message: IncomingMessage,
}

#[derive(Deserialize)]
struct IncomingMessage {
    conversation_id: String,
    seq: i64,
    client_id: Option<String>,
    sender_id: Option<String>,
}

/// How a receiver sends its *delivered* receipts.
struct Receipts {
    http: reqwest::Client,
    server: String,
    token: String,
}

pub(crate) struct Conversation {
    pub id: String,
    pub members: Vec<usize>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

pub async fn run(args: Args) -> anyhow::Result<()> {
    if args.group_size < 2 || args.rate <= 0.0 || args.duration <= 0.0 {
        bail!("--group-size must be at least 2, --rate and --duration above 0");
    }
    let seeded = Seeded::read(&args.sessions)?;
    let users = &seeded.users[..args.users.unwrap_or(seeded.users.len()).min(seeded.users.len())];
    if users.len() < args.group_size {
        bail!("{} users cannot fill a conversation of {}", users.len(), args.group_size);
    }
    let http =
        reqwest::Client::builder().tcp_nodelay(true).pool_max_idle_per_host(4096).timeout(SEND_TIMEOUT).build()?;
    let server = args.server.trim_end_matches('/').to_owned();

    let conversations = create_conversations(&http, &server, users, args.group_size).await?;
    eprintln!("{} conversations of {} ready", conversations.len(), args.group_size);

    let shared = Arc::new(Shared {
        in_flight: Mutex::new(HashMap::new()),
        latency: Mutex::new(report::histogram()),
        ack_latency: Mutex::new(report::histogram()),
        counters: Counters::default(),
    });
    let url = sockets::ws_url(args.ws_server.as_deref().unwrap_or(&server));
    let opened: Vec<Socket> =
        stream::iter(users.iter()).map(|u| sockets::connect(&url, &u.token)).buffered(64).try_collect().await?;
    for (socket, user) in opened.into_iter().zip(users) {
        let receipts =
            args.receipts.then(|| Receipts { http: http.clone(), server: server.clone(), token: user.token.clone() });
        tokio::spawn(read(socket, user.id.clone(), receipts, shared.clone()));
    }
    eprintln!(
        "{} sockets open; offering {} msg/s for {} s (+{} s warm-up)",
        users.len(),
        args.rate,
        args.duration,
        args.warmup
    );

    let cpu_before = args.server_pid.and_then(report::cpu_time);
    let measuring = Instant::now();
    let total = ((args.warmup + args.duration) * args.rate).round() as u64;
    let measured_from = ((args.warmup * args.rate).round()) as u64;
    let start = tokio::time::Instant::now() + Duration::from_millis(100);
    let every = Duration::from_secs_f64(1.0 / args.rate);
    let mut expected = 0u64;
    let mut measured_sent = 0u64;
    let mut sends = Vec::with_capacity(total as usize);
    for i in 0..total {
        let due = start + every.mul_f64(i as f64);
        tokio::time::sleep_until(due).await;
        let conversation = &conversations[(i as usize) % conversations.len()];
        let sender = conversation.members[(i as usize / conversations.len()) % conversation.members.len()];
        let client_id = uuid::Uuid::new_v4().to_string();
        let measured = i >= measured_from;
        if measured {
            expected += (conversation.members.len() - 1) as u64;
            measured_sent += 1;
        }
        lock(&shared.in_flight).insert(
            client_id.clone(),
            InFlight { due: due.into_std(), waiting: conversation.members.len() - 1, measured },
        );
        let path = format!("{server}/api/v1/conversations/{}/messages", conversation.id);
        let body = json!({ "client_id": client_id, "body": format!("Load message {i}") });
        sends.push(tokio::spawn(send(
            http.clone(),
            path,
            users[sender].token.clone(),
            body,
            client_id,
            due.into_std(),
            measured,
            shared.clone(),
        )));
    }
    let sending_took = start.elapsed();
    for s in sends {
        let _ = s.await;
    }
    let drain_started = Instant::now();
    while drain_started.elapsed() < DRAIN_WAIT && lock(&shared.in_flight).values().any(|f| f.measured) {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let wall = measuring.elapsed();
    let cpu = match (cpu_before, args.server_pid.and_then(report::cpu_time)) {
        (Some(a), Some(b)) => Some(b.saturating_sub(a)),
        _ => None,
    };
    let c = &shared.counters;
    let missing: u64 = lock(&shared.in_flight).values().filter(|f| f.measured).map(|f| f.waiting as u64).sum();
    let latency = lock(&shared.latency).clone();
    let ack_latency = lock(&shared.ack_latency).clone();
    let figures = json!({
        "users": users.len(),
        "conversations": conversations.len(),
        "group_size": args.group_size,
        "offered_rate": args.rate,
        "duration_s": args.duration,
        "sent": measured_sent,
        "acknowledged": c.acked.load(Ordering::Relaxed),
        "achieved_rate": c.acked.load(Ordering::Relaxed) as f64 / args.duration,
        "send_errors": c.errors.load(Ordering::Relaxed),
        "send_timeouts": c.timeouts.load(Ordering::Relaxed),
        "deliveries_expected": expected,
        "deliveries_received": latency.len(),
        "deliveries_missing": missing,
        "unexpected_deliveries": c.unexpected.load(Ordering::Relaxed),
        "resyncs": c.resyncs.load(Ordering::Relaxed),
        "receipts": args.receipts,
        "receipt_errors": c.receipt_errors.load(Ordering::Relaxed),
        "sockets_closed": c.closed_sockets.load(Ordering::Relaxed),
        "send_to_receive": report::latency_json(&latency),
        "send_to_ack": report::latency_json(&ack_latency),
        "sending_took_s": sending_took.as_secs_f64(),
        "server_rss_mib": args.server_pid.and_then(report::rss_kib).map(|k| k as f64 / 1024.0),
        "server_cpu_s": cpu.map(|d| d.as_secs_f64()),
        "wall_s": wall.as_secs_f64(),
    });
    println!(
        "offered        {} msg/s for {} s over {} conversations of {} ({} users)",
        args.rate,
        args.duration,
        conversations.len(),
        args.group_size,
        users.len()
    );
    println!(
        "acknowledged   {} of {} ({:.1}/s), errors {}, timeouts {}",
        figures["acknowledged"],
        measured_sent,
        figures["achieved_rate"].as_f64().unwrap_or(0.0),
        figures["send_errors"],
        figures["send_timeouts"]
    );
    println!("deliveries     expected {expected}, received {}, missing {missing}, unexpected {}, resyncs {}, sockets closed {}", latency.len(), figures["unexpected_deliveries"], figures["resyncs"], figures["sockets_closed"]);
    if args.receipts {
        println!("receipts       one per delivery, {} failed", figures["receipt_errors"]);
    }
    println!("send→receive   {}", report::latency_line(&latency));
    println!("send→ack       {}", report::latency_line(&ack_latency));
    if let Some(pid) = args.server_pid {
        println!(
            "server         RSS {:.1} MiB, CPU {:.2} s over {:.1} s",
            report::rss_kib(pid).unwrap_or(0) as f64 / 1024.0,
            cpu.map_or(0.0, |d| d.as_secs_f64()),
            wall.as_secs_f64()
        );
    }
    if let Some(path) = &args.json {
        std::fs::write(path, serde_json::to_vec_pretty(&figures)?)
            .with_context(|| format!("writing {}", path.display()))?;
    }
    let failed = c.errors.load(Ordering::Relaxed)
        + c.timeouts.load(Ordering::Relaxed)
        + c.receipt_errors.load(Ordering::Relaxed)
        + missing;
    if args.strict && failed > 0 {
        bail!("{failed} sends failed or deliveries missing");
    }
    Ok(())
}

pub(crate) async fn create_conversations(
    http: &reqwest::Client,
    server: &str,
    users: &[crate::SeededUser],
    size: usize,
) -> anyhow::Result<Vec<Conversation>> {
    let groups: Vec<Vec<usize>> = (0..users.len() / size).map(|g| (g * size..(g + 1) * size).collect()).collect();
    stream::iter(groups)
        .map(|members| async move {
            let others: Vec<&str> = members[1..].iter().map(|m| users[*m].id.as_str()).collect();
            let body = if size == 2 {
                json!({ "kind": "direct", "member_ids": others })
            } else {
                json!({ "kind": "group", "member_ids": others, "name": format!("Load group {}", members[0] / size) })
            };
            let r = http
                .post(format!("{server}/api/v1/conversations"))
                .bearer_auth(&users[members[0]].token)
                .json(&body)
                .send()
                .await?;
            let status = r.status();
            let answer: serde_json::Value = r.json().await?;
            let Some(id) = answer["id"].as_str() else { bail!("creating a conversation: {status} {answer}") };
            Ok(Conversation { id: id.to_owned(), members })
        })
        .buffered(16)
        .try_collect()
        .await
}

#[allow(clippy::too_many_arguments)]
async fn send(
    http: reqwest::Client,
    path: String,
    token: String,
    body: serde_json::Value,
    client_id: String,
    due: Instant,
    measured: bool,
    shared: Arc<Shared>,
) {
    let outcome = http.post(&path).bearer_auth(&token).json(&body).send().await;
    let c = &shared.counters;
    match outcome {
        Ok(r) if r.status().is_success() => {
            if measured {
                c.acked.fetch_add(1, Ordering::Relaxed);
                let us = due.elapsed().as_micros().max(1) as u64;
                let _ = lock(&shared.ack_latency).record(us.min(120_000_000));
            }
        }
        failed => {
            match failed {
                Err(e) if e.is_timeout() => c.timeouts.fetch_add(1, Ordering::Relaxed),
                _ => c.errors.fetch_add(1, Ordering::Relaxed),
            };
            // Its deliveries are not awaited (a timed-out send may still arrive: "unexpected").
            lock(&shared.in_flight).remove(&client_id);
        }
    }
}

/// Reads one socket: each message from someone else is a delivery of an in-flight send.
async fn read(mut socket: Socket, me: String, receipts: Option<Receipts>, shared: Arc<Shared>) {
    let c = &shared.counters;
    while let Some(Ok(frame)) = socket.next().await {
        let Message::Text(text) = frame else { continue };
        if text.starts_with("{\"type\":\"resync\"") {
            c.resyncs.fetch_add(1, Ordering::Relaxed);
            continue;
        }
        if !text.starts_with("{\"type\":\"message\"") {
            continue;
        }
        let Ok(Incoming { message }) = serde_json::from_str::<Incoming>(&text) else { continue };
        if message.sender_id.as_deref() == Some(me.as_str()) {
            continue;
        }
        if let Some(r) = &receipts {
            let request = r
                .http
                .post(format!("{}/api/v1/conversations/{}/receipts", r.server, message.conversation_id))
                .bearer_auth(&r.token)
                .json(&json!({ "delivered_seq": message.seq }));
            let counters = shared.clone();
            tokio::spawn(async move {
                if !request.send().await.is_ok_and(|r| r.status().is_success()) {
                    counters.counters.receipt_errors.fetch_add(1, Ordering::Relaxed);
                }
            });
        }
        let Some(client_id) = message.client_id else { continue };
        let arrived = Instant::now();
        let mut in_flight = lock(&shared.in_flight);
        match in_flight.get_mut(&client_id) {
            Some(f) => {
                c.delivered.fetch_add(1, Ordering::Relaxed);
                if f.measured {
                    let us = arrived.saturating_duration_since(f.due).as_micros().max(1) as u64;
                    let _ = lock(&shared.latency).record(us.min(120_000_000));
                }
                f.waiting -= 1;
                if f.waiting == 0 {
                    in_flight.remove(&client_id);
                }
            }
            None => {
                c.unexpected.fetch_add(1, Ordering::Relaxed);
            }
        }
    }
    c.closed_sockets.fetch_add(1, Ordering::Relaxed);
}
