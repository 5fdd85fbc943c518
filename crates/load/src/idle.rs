//! `idle`: N WebSocket sessions held open and silent; the server's memory per session is the
//! growth of its RSS divided by N.

use crate::report;
use crate::sockets::{self, Socket};
use crate::Seeded;
use anyhow::{bail, Context};
use futures_util::{stream, StreamExt, TryStreamExt};
use serde_json::json;
use std::path::PathBuf;
use std::time::Duration;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    server: String,
    /// The file `parley-load seed` wrote: one socket per seeded user.
    #[arg(long)]
    sessions: PathBuf,
    /// Use the first N seeded users (all by default).
    #[arg(long)]
    users: Option<usize>,
    /// The server's process id (its RSS is read from /proc).
    #[arg(long)]
    server_pid: u32,
    /// Seconds the sockets stay open, silent, before the server's memory is read.
    #[arg(long, default_value_t = 10)]
    settle: u64,
    /// Also write the figures as JSON to this file.
    #[arg(long)]
    json: Option<PathBuf>,
}

pub async fn run(args: Args) -> anyhow::Result<()> {
    let seeded = Seeded::read(&args.sessions)?;
    let users = &seeded.users[..args.users.unwrap_or(seeded.users.len()).min(seeded.users.len())];
    if users.is_empty() {
        bail!("no users in {}", args.sessions.display());
    }
    let before = report::rss_kib(args.server_pid).context("reading the server's RSS")?;
    let url = sockets::ws_url(&args.server);
    let started = std::time::Instant::now();
    let sockets: Vec<Socket> =
        stream::iter(users.iter()).map(|u| sockets::connect(&url, &u.token)).buffered(64).try_collect().await?;
    let connect_took = started.elapsed();
    tokio::time::sleep(Duration::from_secs(args.settle)).await;
    let after = report::rss_kib(args.server_pid).context("reading the server's RSS")?;
    let n = sockets.len() as f64;
    let per_session_kib = after.saturating_sub(before) as f64 / n;
    let figures = json!({
        "sessions": sockets.len(),
        "connect_s": connect_took.as_secs_f64(),
        "rss_before_mib": before as f64 / 1024.0,
        "rss_after_mib": after as f64 / 1024.0,
        "per_session_kib": per_session_kib,
    });
    println!(
        "{} idle sessions (opened in {:.1?}): server RSS {:.1} → {:.1} MiB, {:.1} KiB per session",
        sockets.len(),
        connect_took,
        before as f64 / 1024.0,
        after as f64 / 1024.0,
        per_session_kib
    );
    if let Some(path) = &args.json {
        std::fs::write(path, serde_json::to_vec_pretty(&figures)?)
            .with_context(|| format!("writing {}", path.display()))?;
    }
    drop(sockets);
    Ok(())
}
