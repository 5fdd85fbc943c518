//! Where outbox messages go: a folder (the default, so a fresh install works with no
//! provider), an SMTP server (lettre) or an HTTP SMS gateway (reqwest).

use super::OutgoingMessage;
use anyhow::Context;
use futures_util::future::BoxFuture;
use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use std::path::PathBuf;

pub trait Sink: Send + Sync {
    fn send<'a>(&'a self, id: &'a str, msg: &'a OutgoingMessage) -> BoxFuture<'a, anyhow::Result<()>>;
}

/// Writes each message to `<dir>/<instant>-<channel>-<recipient>-<id>.txt` (and `.html` for HTML
/// e-mail) and logs the path.
pub struct FileSink {
    pub dir: PathBuf,
}

impl Sink for FileSink {
    fn send<'a>(&'a self, id: &'a str, msg: &'a OutgoingMessage) -> BoxFuture<'a, anyhow::Result<()>> {
        Box::pin(async move {
            let dir = self.dir.clone();
            tokio::task::spawn_blocking(move || crate::private_files::create_dir(&dir)).await??;
            let to: String = msg
                .recipient
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() || "+.@_-".contains(c) { c } else { '_' })
                .collect();
            let stem = format!("{}-{}-{to}-{id}", crate::db::new_id_instant_prefix(id), msg.channel.as_str());
            let path = self.dir.join(format!("{stem}.txt"));
            let mut text = format!("To: {}\n", msg.recipient);
            if let Some(subject) = &msg.subject {
                text.push_str(&format!("Subject: {subject}\n"));
            }
            text.push('\n');
            text.push_str(&msg.body_text);
            text.push('\n');
            // Written aside, then renamed: whoever watches the folder never reads half a file.
            if let Some(html) = &msg.body_html {
                write_whole(&self.dir.join(format!("{stem}.html")), html).await?;
            }
            write_whole(&path, &text).await?;
            tracing::info!(path = %path.display(), channel = msg.channel.as_str(), to = %msg.recipient, "outbox: message written");
            Ok(())
        })
    }
}

async fn write_whole(path: &std::path::Path, text: &str) -> anyhow::Result<()> {
    let partial = path.with_extension("partial");
    let (file, bytes) = (partial.clone(), text.as_bytes().to_vec());
    tokio::task::spawn_blocking(move || crate::private_files::write(&file, &bytes)).await??;
    tokio::fs::rename(&partial, path).await.with_context(|| format!("renaming to {}", path.display()))?;
    Ok(())
}

/// Sends e-mail (plain text + HTML alternative) over SMTP.
pub struct SmtpSink {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl SmtpSink {
    /// `url` like `smtp://host:port` (plain, for local sinks), `smtps://…` or
    /// `smtp://user:pass@host:587?tls=required`.
    pub fn new(url: &str, from: &str) -> anyhow::Result<Self> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url).context("reading the SMTP URL")?.build();
        Ok(Self { transport, from: from.parse().context("reading the sender address")? })
    }
}

impl Sink for SmtpSink {
    fn send<'a>(&'a self, _id: &'a str, msg: &'a OutgoingMessage) -> BoxFuture<'a, anyhow::Result<()>> {
        Box::pin(async move {
            let to: Mailbox = msg.recipient.parse().context("reading the recipient address")?;
            let builder = lettre::Message::builder()
                .from(self.from.clone())
                .to(to)
                .subject(msg.subject.clone().unwrap_or_default());
            let email = match &msg.body_html {
                Some(html) => {
                    builder.multipart(MultiPart::alternative_plain_html(msg.body_text.clone(), html.clone()))?
                }
                None => builder.body(msg.body_text.clone())?,
            };
            self.transport.send(email).await.context("SMTP delivery")?;
            Ok(())
        })
    }
}

/// Sends SMS through an HTTP gateway: `POST <url>` with JSON `{ "to": "+…", "text": "…" }`.
pub struct HttpSmsSink {
    pub url: String,
    pub token: Option<parley_core::secret::Secret<String>>,
    pub client: reqwest::Client,
}

impl Sink for HttpSmsSink {
    fn send<'a>(&'a self, _id: &'a str, msg: &'a OutgoingMessage) -> BoxFuture<'a, anyhow::Result<()>> {
        Box::pin(async move {
            let mut req =
                self.client.post(&self.url).json(&serde_json::json!({ "to": msg.recipient, "text": msg.body_text }));
            if let Some(t) = &self.token {
                req = req.bearer_auth(t.expose());
            }
            let res = req.send().await.context("SMS gateway unreachable")?;
            anyhow::ensure!(res.status().is_success(), "SMS gateway answered {}", res.status());
            Ok(())
        })
    }
}
