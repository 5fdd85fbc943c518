//! `seed`: an organisation of N active members, each with a live session, made by the
//! server's own code — `provisioning::add_member` (the CLI's path) and `sessions::create` (what
//! a login leaves behind) — so the server under load sees exactly what real users leave.

use crate::{Seeded, SeededUser};
use anyhow::Context;
use futures_util::{stream, StreamExt, TryStreamExt};
use parley_core::role::{AccountStatus, Role};
use parley_server::configuration::CommonSettings;
use parley_server::provisioning::{self, NewMember};
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The server's database (`sqlite://…` or `postgres://…`).
    #[arg(long)]
    database_url: String,
    /// The server's code key (needed with PostgreSQL; SQLite keeps one beside the file).
    #[arg(long, env = "PARLEY_CODE_KEY", hide_env_values = true)]
    code_key: Option<String>,
    /// How many members.
    #[arg(long, default_value_t = 1000)]
    users: u32,
    /// Where to write the sessions.
    #[arg(long)]
    out: PathBuf,
}

/// A valid, distinct North American number for each `n` below 7,000,000.
pub fn phone(n: u32) -> String {
    format!("+1201{:03}{:04}", 300 + n / 10_000, n % 10_000)
}

pub async fn run(args: Args) -> anyhow::Result<()> {
    let dir = std::env::temp_dir().join("parley-load-seed");
    let settings = CommonSettings {
        database_url: Some(args.database_url.clone()),
        code_key: args.code_key.clone().map(parley_core::secret::Secret::new),
        ..CommonSettings::throwaway(&dir)
    };
    let state = parley_server::startup::state(&settings).await?;
    let now = state.clock.now_ms();
    let name = format!("Load test {}", uuid::Uuid::new_v4().simple());
    let (organisation_id, root) = provisioning::create_organisation(&state.db, &name, now)
        .await
        .map_err(|e| anyhow::anyhow!("{}", e.0.message))?;
    let started = std::time::Instant::now();
    let users: Vec<SeededUser> = stream::iter(0..args.users)
        .map(|n| {
            let (state, org, root) = (&state, &organisation_id, &root);
            async move {
                let member = NewMember {
                    organisation_id: org.clone(),
                    department_id: Some(root.clone()),
                    first_name: format!("Load{n}"),
                    last_name: "User".into(),
                    phone: phone(n),
                    email: None,
                    role: Role::Member,
                    status: AccountStatus::Active,
                };
                let (account, _) = provisioning::add_member(&state.db, &state.code_key, member, now)
                    .await
                    .map_err(|e| anyhow::anyhow!("member {n}: {}", e.0.message))?;
                let token = parley_server::sessions::create(&state.db, &account.id, now).await?;
                anyhow::Ok(SeededUser { id: account.id, token: token.expose().to_owned() })
            }
        })
        .buffered(8)
        .try_collect()
        .await?;
    let seeded = Seeded { organisation_id, users };
    std::fs::write(&args.out, serde_json::to_vec(&seeded)?)
        .with_context(|| format!("writing {}", args.out.display()))?;
    eprintln!(
        "seeded {} members with sessions in {:.1?} → {}",
        seeded.users.len(),
        started.elapsed(),
        args.out.display()
    );
    state.db.close().await;
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_seeded_number_is_valid_and_distinct() {
        let numbers: std::collections::HashSet<String> = [0, 1, 9_999, 10_000, 99_999, 123_456]
            .into_iter()
            .map(|n| {
                let p = super::phone(n);
                parley_core::PhoneNumber::parse(&p).unwrap_or_else(|_| panic!("{p} is not valid"));
                p
            })
            .collect();
        assert_eq!(numbers.len(), 6);
    }
}
