//! `directory`: an organisation of N active members (`provisioning::add_members_in_bulk`) and
//! one pending member who logs in through the desktop app, for the desktop benchmark
//! (`scripts/desktop-bench.sh`). Writes that member's phone number and activation code.

use anyhow::Context;
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
    /// How many members besides the one who logs in.
    #[arg(long, default_value_t = 10_000)]
    members: usize,
    /// Where to write `{"phone", "code"}` of the member who logs in.
    #[arg(long)]
    out: PathBuf,
}

pub async fn run(args: Args) -> anyhow::Result<()> {
    let dir = std::env::temp_dir().join("parley-load-directory");
    let settings = CommonSettings {
        database_url: Some(args.database_url.clone()),
        code_key: args.code_key.clone().map(parley_core::secret::Secret::new),
        ..CommonSettings::throwaway(&dir)
    };
    let state = parley_server::startup::state(&settings).await?;
    let now = state.clock.now_ms();
    let fail = |e: parley_server::error::AppError| anyhow::anyhow!("{}", e.0.message);
    let (organisation_id, root) =
        provisioning::create_organisation(&state.db, "Northwind Trading", now).await.map_err(fail)?;
    let started = std::time::Instant::now();
    provisioning::add_members_in_bulk(&state.db, &organisation_id, args.members, now).await.map_err(fail)?;
    let phone = "+12015550199";
    let viewer = NewMember {
        organisation_id,
        department_id: Some(root),
        first_name: "Desktop".into(),
        last_name: "Bench".into(),
        phone: phone.into(),
        email: None,
        role: Role::Member,
        status: AccountStatus::Pending,
    };
    let (_, code) = provisioning::add_member(&state.db, &state.code_key, viewer, now).await.map_err(fail)?;
    let code = code.context("a pending member gets a code")?.0.expose().to_owned();
    std::fs::write(&args.out, serde_json::to_vec(&serde_json::json!({ "phone": phone, "code": code }))?)
        .with_context(|| format!("writing {}", args.out.display()))?;
    eprintln!("seeded {} members in {:.1?}; {phone} logs in → {}", args.members, started.elapsed(), args.out.display());
    state.db.close().await;
    Ok(())
}
