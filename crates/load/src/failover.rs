//! `failover`: clients behave as the desktop client does — one socket each, reconnecting when
//! it drops and catching up from the last message they hold; every send keeps its client id
//! and is resent until acknowledged — while a node is killed (SIGKILL) under load: behind the
//! load balancer (another node serves), or alone (`--restart` starts it again on its
//! database). Then the history is read back: every acknowledged message must be there
//! exactly once, must have reached its recipient, and every dropped socket must have been
//! served again within the bar.

use crate::sockets::{self, Socket};
use crate::Seeded;
use anyhow::{bail, Context};
use futures_util::{stream, StreamExt, TryStreamExt};
use serde::Deserialize;
use serde_json::json;
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio_tungstenite::tungstenite::Message;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The load balancer's address.
    #[arg(long)]
    server: String,
    #[arg(long)]
    sessions: PathBuf,
    #[arg(long)]
    users: Option<usize>,
    /// Messages offered per second across all conversations.
    #[arg(long, default_value_t = 100.0)]
    rate: f64,
    /// Seconds of sending.
    #[arg(long, default_value_t = 20.0)]
    duration: f64,
    /// The node to kill (its process id) …
    #[arg(long)]
    kill_pid: u32,
    /// … this many seconds into the run.
    #[arg(long, default_value_t = 8.0)]
    kill_after: f64,
    /// A shell command run right after the kill (a single node restarting on its database).
    #[arg(long)]
    restart: Option<String>,
    /// The longest a dropped socket may take to be served again (SPEC §13: 5 s).
    #[arg(long, default_value_t = 5.0)]
    reconnect_bar: f64,
    #[arg(long)]
    json: Option<PathBuf>,
}

const GIVE_UP_AFTER: Duration = Duration::from_secs(30);

#[derive(Deserialize)]
struct Incoming {
    message: Received,
}

#[derive(Debug, Clone, Deserialize)]
struct Received {
    id: String,
    seq: i64,
    client_id: Option<String>,
    sender_id: Option<String>,
}

#[derive(Deserialize)]
struct Page {
    messages: Vec<Received>,
    has_more: bool,
}

/// What one user's device holds: the messages from others it received, by number.
#[derive(Default)]
struct Device {
    received: Mutex<BTreeMap<i64, Received>>,
}

impl Device {
    fn newest(&self) -> i64 {
        lock(&self.received).keys().next_back().copied().unwrap_or(0)
    }
    fn store(&self, m: Received, me: &str) {
        if m.sender_id.as_deref() != Some(me) {
            lock(&self.received).insert(m.seq, m);
        }
    }
}

#[derive(Default)]
struct Tally {
    resends: AtomicU64,
    gave_up: AtomicU64,
    reconnects: Mutex<Vec<Duration>>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

pub async fn run(args: Args) -> anyhow::Result<()> {
    let seeded = Seeded::read(&args.sessions)?;
    let users = &seeded.users[..args.users.unwrap_or(seeded.users.len()).min(seeded.users.len())];
    let http = reqwest::Client::builder().tcp_nodelay(true).timeout(Duration::from_secs(5)).build()?;
    let server = args.server.trim_end_matches('/').to_owned();
    let conversations = crate::chat::create_conversations(&http, &server, users, 2).await?;
    let url = sockets::ws_url(&server);
    let devices: Vec<Arc<Device>> = users.iter().map(|_| Arc::default()).collect();
    let conversation_of: HashMap<usize, String> =
        conversations.iter().flat_map(|c| c.members.iter().map(|m| (*m, c.id.clone()))).collect();
    let tally = Arc::new(Tally::default());
    let stop = Arc::new(AtomicBool::new(false));

    // Every device online first, as the desktop clients would be.
    let first: Vec<Socket> =
        stream::iter(users.iter()).map(|u| sockets::connect(&url, &u.token)).buffered(32).try_collect().await?;
    let mut devices_tasks = Vec::new();
    for ((i, socket), user) in first.into_iter().enumerate().zip(users) {
        let conversation = conversation_of.get(&i).cloned().context("every user is in a conversation")?;
        devices_tasks.push(tokio::spawn(device(
            socket,
            DeviceCtx {
                url: url.clone(),
                server: server.clone(),
                http: http.clone(),
                me: user.id.clone(),
                token: user.token.clone(),
                conversation,
                device: devices[i].clone(),
                tally: tally.clone(),
                stop: stop.clone(),
            },
        )));
    }
    eprintln!(
        "{} devices online over {} conversations; killing pid {} after {} s",
        users.len(),
        conversations.len(),
        args.kill_pid,
        args.kill_after
    );

    let start = tokio::time::Instant::now();
    let kill_at = start + Duration::from_secs_f64(args.kill_after);
    let (kill_pid, restart) = (args.kill_pid, args.restart.clone());
    let killer = tokio::spawn(async move {
        tokio::time::sleep_until(kill_at).await;
        let status = std::process::Command::new("kill").args(["-9", &kill_pid.to_string()]).status();
        eprintln!("killed node {kill_pid} (SIGKILL): {status:?}");
        if let Some(command) = restart {
            let started = std::process::Command::new("sh").args(["-c", &command]).status();
            eprintln!("restarted: {started:?}");
        }
    });
    let total = (args.duration * args.rate).round() as usize;
    let every = Duration::from_secs_f64(1.0 / args.rate);
    let acked: Arc<Mutex<Vec<(String, usize, String)>>> = Arc::default();
    let mut sends = Vec::with_capacity(total);
    for i in 0..total {
        tokio::time::sleep_until(start + every.mul_f64(i as f64)).await;
        let c = &conversations[i % conversations.len()];
        let sender = c.members[(i / conversations.len()) % 2];
        let recipient = c.members[1 - (i / conversations.len()) % 2];
        let path = format!("{server}/api/v1/conversations/{}/messages", c.id);
        let (http, token, tally, acked) = (http.clone(), users[sender].token.clone(), tally.clone(), acked.clone());
        sends.push(tokio::spawn(async move {
            let client_id = uuid::Uuid::new_v4().to_string();
            let body = json!({ "client_id": client_id, "body": format!("Failover message {i}") });
            let deadline = Instant::now() + GIVE_UP_AFTER;
            loop {
                match http.post(&path).bearer_auth(&token).json(&body).send().await {
                    Ok(r) if r.status().is_success() => {
                        let m: Received = match r.json().await {
                            Ok(m) => m,
                            Err(_) => continue,
                        };
                        lock(&acked).push((client_id, recipient, m.id));
                        return;
                    }
                    // A 4xx is final: the request itself is wrong.
                    Ok(r) if r.status().is_client_error() => {
                        eprintln!("send refused: {}", r.status());
                        tally.gave_up.fetch_add(1, Ordering::Relaxed);
                        return;
                    }
                    _ if Instant::now() > deadline => {
                        tally.gave_up.fetch_add(1, Ordering::Relaxed);
                        return;
                    }
                    _ => {
                        // Not acknowledged: the same client id again, as the offline queue does.
                        tally.resends.fetch_add(1, Ordering::Relaxed);
                        tokio::time::sleep(Duration::from_millis(200)).await;
                    }
                }
            }
        }));
    }
    for s in sends {
        let _ = s.await;
    }
    let _ = killer.await;
    // Let every device catch up, then stop them.
    let acked = lock(&acked).clone();
    let settle = Instant::now();
    while settle.elapsed() < Duration::from_secs(15)
        && acked.iter().any(|(_, r, id)| !lock(&devices[*r].received).values().any(|m| &m.id == id))
    {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    stop.store(true, Ordering::Release);
    for t in devices_tasks {
        t.abort();
    }

    // The history, read back through the load balancer.
    let mut stored: HashMap<String, usize> = HashMap::new();
    for c in &conversations {
        for m in history(&http, &server, &users[c.members[0]].token, &c.id).await? {
            if let Some(id) = m.client_id {
                *stored.entry(id).or_default() += 1;
            }
        }
    }
    let lost = acked.iter().filter(|(cid, _, _)| !stored.contains_key(cid)).count();
    let duplicated = stored.values().filter(|n| **n > 1).count();
    let undelivered =
        acked.iter().filter(|(_, r, id)| !lock(&devices[*r].received).values().any(|m| &m.id == id)).count();
    let mut reconnects = lock(&tally.reconnects).clone();
    reconnects.sort();
    let slowest = reconnects.last().copied().unwrap_or_default();
    let figures = json!({
        "users": users.len(),
        "sent": total,
        "acknowledged": acked.len(),
        "gave_up": tally.gave_up.load(Ordering::Relaxed),
        "resends": tally.resends.load(Ordering::Relaxed),
        "lost": lost,
        "duplicated": duplicated,
        "undelivered": undelivered,
        "sockets_dropped_and_back": reconnects.len(),
        "slowest_reconnect_s": slowest.as_secs_f64(),
        "median_reconnect_s": reconnects.get(reconnects.len() / 2).map_or(0.0, Duration::as_secs_f64),
    });
    println!(
        "sent {total}, acknowledged {}, gave up {}, resends {}",
        acked.len(),
        figures["gave_up"],
        figures["resends"]
    );
    println!("history: lost {lost}, duplicated {duplicated}; recipients missing {undelivered}");
    println!(
        "{} sockets dropped and were served again: median {:.2} s, slowest {:.2} s (bar {} s)",
        reconnects.len(),
        figures["median_reconnect_s"].as_f64().unwrap_or(0.0),
        slowest.as_secs_f64(),
        args.reconnect_bar
    );
    if let Some(path) = &args.json {
        std::fs::write(path, serde_json::to_vec_pretty(&figures)?)?;
    }
    if acked.len() != total || lost + duplicated + undelivered > 0 {
        bail!("failover lost, duplicated or failed to deliver messages");
    }
    if reconnects.is_empty() {
        bail!("no socket dropped: the killed node held none (is the load balancer spreading them?)");
    }
    if slowest.as_secs_f64() > args.reconnect_bar {
        bail!("a socket took {:.2} s to be served again (bar {} s)", slowest.as_secs_f64(), args.reconnect_bar);
    }
    Ok(())
}

struct DeviceCtx {
    url: String,
    server: String,
    http: reqwest::Client,
    me: String,
    token: String,
    conversation: String,
    device: Arc<Device>,
    tally: Arc<Tally>,
    stop: Arc<AtomicBool>,
}

/// One desktop client's live channel: read until it drops, reconnect with the client's backoff
/// (1 s, then doubling, with jitter), catch up after each reconnect.
async fn device(mut socket: Socket, ctx: DeviceCtx) {
    loop {
        while let Some(Ok(frame)) = socket.next().await {
            if let Message::Text(text) = frame {
                if let Ok(Incoming { message }) = serde_json::from_str::<Incoming>(&text) {
                    ctx.device.store(message, &ctx.me);
                }
            }
        }
        let dropped = Instant::now();
        let mut backoff = Duration::from_secs(1);
        socket = loop {
            if ctx.stop.load(Ordering::Acquire) {
                return;
            }
            let jitter = Duration::from_millis(u64::from(dropped.elapsed().subsec_nanos() % 500));
            tokio::time::sleep(backoff.min(Duration::from_secs(30)) + jitter).await;
            match sockets::connect(&ctx.url, &ctx.token).await {
                Ok(s) => break s,
                Err(_) => backoff *= 2,
            }
        };
        lock(&ctx.tally.reconnects).push(dropped.elapsed());
        // Caught up from the newest message held, as the desktop client's catch-up does.
        if let Ok(page) = after(&ctx.http, &ctx.server, &ctx.token, &ctx.conversation, ctx.device.newest()).await {
            for m in page {
                ctx.device.store(m, &ctx.me);
            }
        }
    }
}

async fn after(
    http: &reqwest::Client,
    server: &str,
    token: &str,
    conversation: &str,
    newest: i64,
) -> anyhow::Result<Vec<Received>> {
    let url = format!("{server}/api/v1/conversations/{conversation}/messages?after={newest}&limit=200");
    let page: Page = http.get(url).bearer_auth(token).send().await?.error_for_status()?.json().await?;
    Ok(page.messages)
}

/// Every message of a conversation, paging backwards from the newest.
async fn history(
    http: &reqwest::Client,
    server: &str,
    token: &str,
    conversation: &str,
) -> anyhow::Result<Vec<Received>> {
    let mut all = Vec::new();
    let mut before: Option<i64> = None;
    loop {
        let mut url = format!("{server}/api/v1/conversations/{conversation}/messages?limit=200");
        if let Some(b) = before {
            url.push_str(&format!("&before={b}"));
        }
        let page: Page = http.get(url).bearer_auth(token).send().await?.error_for_status()?.json().await?;
        before = page.messages.first().map(|m| m.seq);
        let more = page.has_more;
        all.extend(page.messages);
        if !more || before.is_none() {
            return Ok(all);
        }
    }
}
