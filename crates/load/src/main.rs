//! `parley-load`: load for a Parley server, measured the way SPEC §13 states its bars.
//!
//! - [`seed`]: an organisation of active members with live sessions, made by the server's own
//!   code (`provisioning::add_member`, `sessions::create`: exactly what login leaves behind),
//!   written to a sessions file.
//! - [`chat`]: every seeded user holds a WebSocket; conversations (one-to-one pairs or groups)
//!   are created through the API; messages are offered at an open-loop rate; each delivery's
//!   send→receive latency (from the instant the send was due) goes into an HDR histogram.
//! - [`idle`]: N sockets held open, the server's memory per session.
//! - [`failover`]: clients that reconnect and resend like the desktop client, a node killed
//!   under load behind the load balancer, and the history checked afterwards.
//! - [`directory`]: a large organisation (members written in bulk) and one member who logs in
//!   through the desktop app, for the desktop benchmark.
//! - [`report`]: the histogram's figures, the server's RSS and CPU from `/proc`.
//! - [`sockets`]: connecting a socket the way the desktop client does (bearer token, `hello`).

mod chat;
mod directory;
mod failover;
mod idle;
mod report;
mod seed;
mod sockets;

use clap::{Parser, Subcommand};
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(name = "parley-load", about = "Load and measure a Parley server")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Create an organisation of active members with sessions; write them to a file.
    Seed(seed::Args),
    /// Offer messages at an open-loop rate and measure send→receive latency.
    Chat(chat::Args),
    /// Hold idle WebSocket sessions and measure the server's memory per session.
    Idle(idle::Args),
    /// An organisation of N members and one who logs in through the desktop app.
    Directory(directory::Args),
    /// Kill a node under load behind the load balancer; check nothing acknowledged is lost or
    /// duplicated and every dropped socket is served again in time.
    Failover(failover::Args),
}

/// The sessions file `seed` writes and the other commands read.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct Seeded {
    pub organisation_id: String,
    pub users: Vec<SeededUser>,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct SeededUser {
    pub id: String,
    pub token: String,
}

impl Seeded {
    pub fn read(path: &PathBuf) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| anyhow::anyhow!("reading {}: {e}", path.display()))?;
        Ok(serde_json::from_str(&text)?)
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    parley_server::telemetry::init();
    match Cli::parse().command {
        Command::Seed(args) => seed::run(args).await,
        Command::Directory(args) => directory::run(args).await,
        Command::Chat(args) => chat::run(args).await,
        Command::Idle(args) => idle::run(args).await,
        Command::Failover(args) => failover::run(args).await,
    }
}
