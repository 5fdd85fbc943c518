//! Chat timings on one node (SPEC §10, §13), over real HTTP against a real SQLite file:
//! a conversation of 100,000 messages — newest page, a page deep in the history, the
//! conversation list with a large unread counter — and sequential sends (latency percentiles).
//!
//! Run: `cargo run --release -p parley-server --example chat_bench` (results in
//! docs/BENCHMARKS.md). Prints one line per measure.

mod common;

use common::{member, report, time_get};
use parley_core::role::Role;
use parley_server::configuration::{CommonSettings, ServeSettings};
use parley_server::provisioning;
use parley_server::startup::{self, Application};
use serde_json::{json, Value};
use std::time::Instant;

const MESSAGES: i64 = 100_000;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let settings = CommonSettings::throwaway(dir.path());
    let state = startup::state(&settings).await?;
    let sinks = startup::sinks(&settings)?;
    let app = Application::with_state(state, sinks, &ServeSettings::ephemeral()).await?;
    let (url, state) = (format!("http://127.0.0.1:{}", app.port()), app.state().clone());
    tokio::spawn(app.run_until(std::future::pending()));
    let http = reqwest::Client::new();

    let (org, _) =
        provisioning::create_organisation(&state.db, "Bench", state.clock.now_ms()).await.expect("organisation");
    let (writer, _) = member(&state, &http, &url, &org, None, 1, Role::Member).await;
    let (reader, reader_id) = member(&state, &http, &url, &org, None, 2, Role::Member).await;
    let created: Value = http
        .post(format!("{url}/api/v1/conversations"))
        .bearer_auth(&writer)
        .json(&json!({"kind": "direct", "member_ids": [reader_id]}))
        .send()
        .await?
        .json()
        .await?;
    let id = created["id"].as_str().expect("id").to_owned();

    // 100,000 messages through the same append path the API uses, in batches.
    let started = Instant::now();
    let writer_id: String =
        sqlx::query_scalar("SELECT created_by FROM conversations WHERE id = $1").bind(&id).fetch_one(&state.db).await?;
    for batch in 0..(MESSAGES / 5_000) {
        let mut tx = state.db.begin().await?;
        for i in 0..5_000 {
            let n = batch * 5_000 + i;
            let body = format!("Message number {n}: the quick brown fox jumps over the lazy dog.");
            let client_id = format!("seed-{n:012}");
            let new = parley_server::messages::NewMessage {
                conversation_id: &id,
                sender_id: Some(&writer_id),
                client_id: Some(&client_id),
                kind: parley_core::wire::MessageKind::Text,
                body: &body,
                now_ms: state.clock.now_ms(),
            };
            parley_server::messages::append(&mut tx, &new).await?;
        }
        tx.commit().await?;
    }
    println!("seeded {MESSAGES} messages in {:.1?}", started.elapsed());

    let base = format!("{url}/api/v1/conversations/{id}/messages");
    report("history: newest page (50)", time_get(&http, &base, &reader).await);
    report("history: page before #50,000 (50)", time_get(&http, &format!("{base}?before=50000"), &reader).await);
    report("history: page before #100 (50)", time_get(&http, &format!("{base}?before=100"), &reader).await);
    report(
        "history: catch-up after #99,800 (200)",
        time_get(&http, &format!("{base}?after=99800&limit=200"), &reader).await,
    );
    report(
        "conversation list (100,000 unread)",
        time_get(&http, &format!("{url}/api/v1/conversations"), &reader).await,
    );

    let mut sends = Vec::with_capacity(1_000);
    for n in 0..1_000 {
        let t = Instant::now();
        let r = http
            .post(&base)
            .bearer_auth(&writer)
            .json(&json!({"client_id": format!("bench-send-{n:08}"), "body": "Hello from the bench"}))
            .send()
            .await?;
        assert_eq!(r.status(), reqwest::StatusCode::CREATED);
        r.bytes().await?;
        sends.push(t.elapsed());
    }
    report("send (sequential, 100,000+ in conversation)", sends);
    Ok(())
}
