//! Settings, from flags or `PARLEY_*` environment variables.

use clap::{Args, Parser, Subcommand};
use parley_core::secret::Secret;
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(name = "parley-server", version, about = "Parley messaging server")]
pub struct Cli {
    #[command(flatten)]
    pub common: CommonSettings,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run the HTTP + WebSocket server.
    Serve(ServeSettings),
    /// Create (once) the demo organisation and print how to log in.
    Demo,
    /// Organisation administration.
    #[command(subcommand)]
    Org(OrgCommand),
    /// Department administration.
    #[command(subcommand)]
    Department(DepartmentCommand),
    /// Member administration.
    #[command(subcommand)]
    Member(MemberCommand),
}

#[derive(Subcommand, Debug)]
pub enum OrgCommand {
    /// Create an organisation with its root department; prints their ids.
    Create {
        #[arg(long)]
        name: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum DepartmentCommand {
    /// Create a department under a parent (the root department by default).
    Create {
        #[arg(long)]
        org: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        parent: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
pub enum MemberCommand {
    /// Provision a member and print an activation code for their first login.
    Add(AddMemberArgs),
}

#[derive(Args, Debug, Clone)]
pub struct AddMemberArgs {
    #[arg(long)]
    pub org: String,
    /// Main department id (the organisation's root department by default).
    #[arg(long)]
    pub department: Option<String>,
    #[arg(long)]
    pub first_name: String,
    #[arg(long)]
    pub last_name: String,
    /// International format, e.g. "+44 20 7946 0958".
    #[arg(long)]
    pub phone: String,
    #[arg(long)]
    pub email: Option<String>,
    /// member, department-admin or company-admin.
    #[arg(long, default_value = "member")]
    pub role: String,
}

/// Settings every sub-command needs.
#[derive(Args, Debug, Clone)]
pub struct CommonSettings {
    /// `sqlite://path/to/file.db` (default: ./parley-data/parley.db) or `postgres://…`.
    #[arg(long, env = "PARLEY_DATABASE_URL", global = true)]
    pub database_url: Option<String>,
    /// Folder where the file outbox writes each SMS and e-mail.
    #[arg(long, env = "PARLEY_OUTBOX_DIR", global = true, default_value = "parley-data/outbox")]
    pub outbox_dir: PathBuf,
    /// Secret key for hashing activation codes. Default: a key generated once and kept
    /// beside the SQLite file (set it explicitly for PostgreSQL and several nodes).
    #[arg(long, env = "PARLEY_CODE_KEY", global = true, hide_env_values = true)]
    pub code_key: Option<Secret<String>>,
    /// Send e-mail over SMTP (e.g. `smtp://127.0.0.1:2525`) instead of the file outbox.
    #[arg(long, env = "PARLEY_SMTP_URL", global = true, hide_env_values = true)]
    pub smtp_url: Option<Secret<String>>,
    /// The sender address of e-mail.
    #[arg(long, env = "PARLEY_MAIL_FROM", global = true, default_value = "Parley <no-reply@parley.local>")]
    pub mail_from: String,
    /// Send SMS through an HTTP gateway (POST JSON `{to, text}`) instead of the file outbox.
    #[arg(long, env = "PARLEY_SMS_GATEWAY_URL", global = true)]
    pub sms_gateway_url: Option<String>,
    /// The server address guests are told to enter in the app (in invitations).
    #[arg(long, env = "PARLEY_PUBLIC_URL", global = true, default_value = "http://127.0.0.1:8080")]
    pub public_url: String,
    /// Where invitations say the desktop app can be downloaded (default: `<public-url>/download`).
    #[arg(long, env = "PARLEY_DOWNLOAD_URL", global = true)]
    pub download_url: Option<String>,
    /// Fan events out to the other server nodes through NATS (e.g. `nats://127.0.0.1:4222`).
    /// Without it, events reach this node's sockets only (the embedded single node).
    #[arg(long, env = "PARLEY_NATS_URL", global = true)]
    pub nats_url: Option<String>,
    /// Bearer token for the SMS gateway.
    #[arg(long, env = "PARLEY_SMS_GATEWAY_TOKEN", global = true, hide_env_values = true)]
    pub sms_gateway_token: Option<Secret<String>>,
}

impl CommonSettings {
    /// A self-contained node in `dir`: a SQLite file, a file outbox, a fixed code key and no
    /// providers. For tests, benchmarks and examples.
    pub fn throwaway(dir: &std::path::Path) -> Self {
        Self {
            database_url: Some(format!("sqlite://{}", dir.join("parley.db").display())),
            outbox_dir: dir.join("outbox"),
            code_key: Some(Secret::new("throwaway-key-0123456789".into())),
            smtp_url: None,
            mail_from: "Parley <no-reply@parley.test>".into(),
            sms_gateway_url: None,
            sms_gateway_token: None,
            public_url: "http://127.0.0.1:8080".into(),
            download_url: None,
            nats_url: None,
        }
    }
}

#[derive(Args, Debug, Clone)]
pub struct ServeSettings {
    #[arg(long, env = "PARLEY_HOST", default_value = "127.0.0.1")]
    pub host: String,
    /// 0 picks a free port; the chosen one is logged and printed.
    #[arg(long, env = "PARLEY_PORT", default_value_t = 8080)]
    pub port: u16,
    /// Seconds between runs of the periodic jobs (invitation reminders, the monthly activity
    /// report e-mail); 0 turns them off on this node.
    #[arg(long, env = "PARLEY_SCHEDULER_SECS", default_value_t = 60)]
    pub scheduler_secs: u64,
    /// Behind a load balancer (HAProxy `option forwardfor`): throttle per the client address it
    /// appends to `X-Forwarded-For`, not per the balancer's own address. Only set it when every
    /// request comes through that balancer.
    #[arg(long, env = "PARLEY_TRUST_FORWARDED_FOR")]
    pub trust_forwarded_for: bool,
}

impl ServeSettings {
    /// 127.0.0.1 on a free port, no scheduler: a node for tests, benchmarks and examples.
    pub fn ephemeral() -> Self {
        Self { host: "127.0.0.1".into(), port: 0, scheduler_secs: 0, trust_forwarded_for: false }
    }
}

impl CommonSettings {
    pub fn database_url(&self) -> String {
        self.database_url.clone().unwrap_or_else(|| "sqlite://parley-data/parley.db".to_owned())
    }
}
