//! A first sync of a large directory, end to end but for the window (issue 12, SPEC §13: first
//! sync of 100,000 contacts ≤ 3 s, a delta of 100 changes ≤ 100 ms): a real server (in
//! process, SQLite file, real HTTP on 127.0.0.1) with an organisation of N members, a member
//! logged in through the API, then what the app's sync task does (`sync::whole_list`: the
//! pages of the whole list, each written to the cache while the server reads the next, and
//! the index built from the rows written), timed.
//!
//!   cargo run --release -p parley-client --example first_sync_bench -- 100000
//!
//! The organisation is written by `provisioning::add_members_in_bulk`: the rows `add_member`
//! writes for an active member, 500 a statement (one at a time it takes minutes).

use parley_client::api::ApiClient;
use parley_client::cache::Cache;
use parley_core::role::{AccountStatus, Role};
use parley_core::session::SessionToken;
use parley_server::configuration::{CommonSettings, ServeSettings};
use parley_server::provisioning::{self, NewMember};
use parley_server::startup::{self, Application};
use std::time::{Duration, Instant};

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let n: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let dir = tempfile::tempdir()?;
    let settings = CommonSettings::throwaway(dir.path());
    let state = startup::state(&settings).await?;
    let sinks = startup::sinks(&settings)?;
    let app = Application::with_state(state, sinks, &ServeSettings::ephemeral()).await?;
    let (url, state) = (format!("http://127.0.0.1:{}", app.port()), app.state().clone());
    tokio::spawn(app.run_until(std::future::pending()));
    let now = state.clock.now_ms();

    let (org, root) =
        provisioning::create_organisation(&state.db, "Bench", now).await.map_err(|e| anyhow::anyhow!("{:?}", e.0))?;
    let t = Instant::now();
    provisioning::add_members_in_bulk(&state.db, &org, n, now).await.map_err(|e| anyhow::anyhow!("{:?}", e.0))?;
    eprintln!("seeded {n} members in {:.1} s", t.elapsed().as_secs_f64());
    let viewer = NewMember {
        organisation_id: org.clone(),
        department_id: Some(root),
        first_name: "Viewer".into(),
        last_name: "Bench".into(),
        phone: "+12015550199".into(),
        email: None,
        role: Role::Member,
        status: AccountStatus::Pending,
    };
    let (_, code) = provisioning::add_member(&state.db, &state.code_key, viewer, now)
        .await
        .map_err(|e| anyhow::anyhow!("{:?}", e.0))?;
    let api = ApiClient::new(&url).map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let login =
        api.login("+12015550199", code.expect("a code").0.expose()).await.map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let token = SessionToken::from_secret(login.token);
    let first = parley_core::wire::CompleteFirstLoginRequest {
        first_name: "Viewer".into(),
        last_name: "Bench".into(),
        accept_terms: true,
    };
    api.complete_first_login(&token, &first).await.map_err(|e| anyhow::anyhow!("{e:?}"))?;

    for round in 0..3 {
        let cache =
            Cache::open(&dir.path().join(format!("cache-{round}.db"))).await.map_err(|e| anyhow::anyhow!("{e:?}"))?;
        let t = Instant::now();
        let first = api.contacts(&token, None).await.map_err(|e| anyhow::anyhow!("{e:?}"))?;
        let first_page = t.elapsed();
        // What the sync task does: each page written while the server reads the next, then
        // the index built from the rows written.
        let directory = parley_client::sync::whole_list(&api, &token, &cache, first, &|_| {})
            .await
            .map_err(|e| anyhow::anyhow!("{e:?}"))?;
        let total = t.elapsed();
        println!(
            "first sync of {} contacts: {:.0} ms (first page answered {:.0} ms, the rest {:.0} ms)",
            directory.len(),
            ms(total),
            ms(first_page),
            ms(total - first_page)
        );
    }

    // The cache's size at N contacts and 100 conversations: 100 one-to-one conversations made
    // through the API, each given 1,000 messages of 80 characters (written to the cache as the
    // sync task writes messages), then pruned to what the client keeps.
    let path = dir.path().join("cache-2.db");
    let cache = Cache::open(&path).await.map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let size = || -> u64 {
        ["", "-wal"]
            .iter()
            .filter_map(|s| std::fs::metadata(format!("{}{s}", path.display())).ok())
            .map(|m| m.len())
            .sum()
    };
    let in_use = || async { cache.bytes_in_use().await.map_err(|e| anyhow::anyhow!("{e:?}")) };
    let contacts_only = in_use().await?;
    let peers: Vec<String> =
        cache.contacts().await.map_err(|e| anyhow::anyhow!("{e:?}"))?.into_iter().take(100).map(|c| c.id).collect();
    let mut conversations = Vec::new();
    for peer in &peers {
        let request = parley_core::wire::CreateConversationRequest {
            kind: parley_core::wire::ConversationKind::Direct,
            member_ids: vec![peer.clone()],
            name: None,
        };
        conversations.push(api.create_conversation(&token, &request).await.map_err(|e| anyhow::anyhow!("{e:?}"))?);
    }
    cache.replace_conversations(&conversations).await.map_err(|e| anyhow::anyhow!("{e:?}"))?;
    for c in &conversations {
        let messages: Vec<parley_core::wire::Message> = (1..=1_000)
            .map(|seq| parley_core::wire::Message {
                id: uuid::Uuid::new_v4().to_string(),
                conversation_id: c.id.clone(),
                seq,
                client_id: Some(uuid::Uuid::new_v4().to_string()),
                sender_id: Some(peers[seq as usize % peers.len()].clone()),
                sender_name: "Anna Member1".into(),
                kind: parley_core::wire::MessageKind::Text,
                body: format!("{seq:>6} The quick brown fox jumps over the lazy dog, then over the lazy cat."),
                created_at: now + seq,
            })
            .collect();
        cache.store_messages(&messages).await.map_err(|e| anyhow::anyhow!("{e:?}"))?;
    }
    let with_messages = in_use().await?;
    let pruned = cache.prune_messages(500).await.map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let pruned_in_use = in_use().await?;
    let mib = |b: u64| b as f64 / (1024.0 * 1024.0);
    println!(
        "cache in use: {:.1} MiB with {} contacts; {:.1} MiB with 100 conversations of 1,000 messages more; \
         {:.1} MiB pruned to the newest 500 a conversation ({pruned} messages dropped); files (database \
         and WAL) {:.1} MiB, the free pages reused by later writes",
        mib(contacts_only),
        directory_len(&cache).await?,
        mib(with_messages),
        mib(pruned_in_use),
        mib(size())
    );
    Ok(())
}

async fn directory_len(cache: &Cache) -> anyhow::Result<usize> {
    Ok(cache.directory().await.map_err(|e| anyhow::anyhow!("{e:?}"))?.len())
}
