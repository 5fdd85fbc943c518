//! Thin entry point: parse the command line, set up tracing, dispatch.

use clap::Parser;
use parley_core::role::{AccountStatus, Role};
use parley_core::time::format_utc;
use parley_server::configuration::{Cli, Command, DepartmentCommand, MemberCommand, OrgCommand};
use parley_server::error::AppError;
use parley_server::{demo, provisioning, startup, telemetry};
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    telemetry::init();
    let cli = Cli::parse();
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn user_error(e: AppError) -> anyhow::Error {
    match e.0.field {
        Some(field) => anyhow::anyhow!("{} ({field})", e.0.message),
        None => anyhow::anyhow!("{}", e.0.message),
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let common = cli.common;
    match cli.command {
        Command::Serve(serve) => {
            let app = startup::Application::build(&common, &serve).await?;
            println!("parley-server listening on http://{}:{}", serve.host, app.port());
            app.run_until(startup::shutdown_signal()).await
        }
        Command::Demo => {
            let state = startup::state(&common).await?;
            let now = state.clock.now_ms();
            let login = demo::seed(&state.db, &state.code_key, now).await.map_err(user_error)?;
            println!("Demo organisation \"{}\" is ready ({} members).", demo::ORGANISATION, login.members);
            println!("Log in to the desktop app as the company admin, Alice Martin:");
            println!("  server URL       {}", common.public_url);
            println!("  phone            +1 201 555 0100");
            println!(
                "  activation code  {} (valid until {})",
                login.admin_code,
                format_utc(login.admin_code_expires_at)
            );
            println!(
                "Department admin (Sales): Bob Chen, +1 201 555 0101 — use New User on the login screen for a code."
            );
            println!("Every SMS and e-mail, with its code, is written to {}", common.outbox_dir.display());
            Ok(())
        }
        Command::Org(OrgCommand::Create { name }) => {
            let state = startup::state(&common).await?;
            let (org, root) =
                provisioning::create_organisation(&state.db, &name, state.clock.now_ms()).await.map_err(user_error)?;
            println!("organisation {org}\nroot department {root}");
            Ok(())
        }
        Command::Department(DepartmentCommand::Create { org, name, parent }) => {
            let state = startup::state(&common).await?;
            let id = provisioning::create_department(&state.db, &org, &name, parent.as_deref(), state.clock.now_ms())
                .await
                .map_err(user_error)?;
            println!("department {id}");
            Ok(())
        }
        Command::Member(MemberCommand::Add(args)) => {
            let role = match args.role.as_str() {
                "member" => Role::Member,
                "department-admin" => Role::DepartmentAdmin,
                "company-admin" => Role::CompanyAdmin,
                other => anyhow::bail!("unknown role {other:?} (member, department-admin, company-admin)"),
            };
            let state = startup::state(&common).await?;
            let member = provisioning::NewMember {
                organisation_id: args.org,
                department_id: args.department,
                first_name: args.first_name,
                last_name: args.last_name,
                phone: args.phone,
                email: args.email,
                role,
                status: AccountStatus::Pending,
            };
            let (account, code) = provisioning::add_member(&state.db, &state.code_key, member, state.clock.now_ms())
                .await
                .map_err(user_error)?;
            println!("member {} ({})", account.id, account.phone);
            if let Some((code, expires)) = code {
                println!("activation code {} (valid until {})", code.expose(), format_utc(expires));
            }
            Ok(())
        }
    }
}
