//! Builds the application (database, outbox worker, router) and runs it until a shutdown
//! signal, finishing in-flight requests and stopping background tasks cleanly.

use crate::clock::Clock;
use crate::configuration::{CommonSettings, ServeSettings};
use crate::db;
use crate::events::EventBus;
use crate::outbox::{self, FileSink, HttpSmsSink, Sink, Sinks, SmtpSink};
use crate::shutdown;
use crate::state::{AppState, PublicLinks};
use anyhow::Context;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tower_http::trace::TraceLayer;

/// Opens the database and builds the shared state.
pub async fn state(settings: &CommonSettings) -> anyhow::Result<AppState> {
    let url = settings.database_url();
    let (db, backend) = db::connect(&url).await?;
    let code_key = db::code_key(settings.code_key.as_ref().map(|k| k.expose().as_str()), &url)?;
    let events = match &settings.nats_url {
        Some(nats) => EventBus::with_nats(nats).await?,
        None => EventBus::default(),
    };
    Ok(AppState {
        db,
        backend,
        clock: Clock::from_env(),
        events,
        code_key: Arc::new(parley_core::secret::Secret::new(code_key)),
        writes: db::WriteGate::for_backend(backend),
        outbox_wake: Arc::new(tokio::sync::Notify::new()),
        links: Arc::new(PublicLinks {
            server_url: settings.public_url.trim_end_matches('/').to_owned(),
            download_url: settings
                .download_url
                .clone()
                .unwrap_or_else(|| format!("{}/download", settings.public_url.trim_end_matches('/'))),
        }),
        trust_forwarded_for: false,
    })
}

pub fn sinks(settings: &CommonSettings) -> anyhow::Result<Sinks> {
    let file: Arc<dyn Sink> = Arc::new(FileSink { dir: settings.outbox_dir.clone() });
    let email: Arc<dyn Sink> = match &settings.smtp_url {
        Some(url) => Arc::new(SmtpSink::new(url.expose(), &settings.mail_from)?),
        None => file.clone(),
    };
    let sms: Arc<dyn Sink> = match &settings.sms_gateway_url {
        Some(url) => Arc::new(HttpSmsSink {
            url: url.clone(),
            token: settings.sms_gateway_token.clone(),
            client: reqwest::Client::builder().timeout(Duration::from_secs(15)).build()?,
        }),
        None => file,
    };
    Ok(Sinks { sms, email })
}

pub struct Application {
    listener: tokio::net::TcpListener,
    state: AppState,
    sinks: Sinks,
    scheduler_every: Option<Duration>,
}

impl Application {
    pub async fn build(common: &CommonSettings, serve: &ServeSettings) -> anyhow::Result<Self> {
        let state = state(common).await?;
        Self::with_state(state, sinks(common)?, serve).await
    }

    pub async fn with_state(mut state: AppState, sinks: Sinks, serve: &ServeSettings) -> anyhow::Result<Self> {
        state.trust_forwarded_for = serve.trust_forwarded_for;
        let listener = tokio::net::TcpListener::bind((serve.host.as_str(), serve.port))
            .await
            .with_context(|| format!("binding {}:{}", serve.host, serve.port))?;
        let scheduler_every = (serve.scheduler_secs > 0).then(|| Duration::from_secs(serve.scheduler_secs));
        Ok(Self { listener, state, sinks, scheduler_every })
    }

    pub fn port(&self) -> u16 {
        self.listener.local_addr().map(|a| a.port()).unwrap_or(0)
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until `signal` completes, then drains requests and stops the outbox worker.
    pub async fn run_until(self, signal: impl Future<Output = ()> + Send + 'static) -> anyhow::Result<()> {
        let (trigger, stop) = shutdown::channel();
        let worker = tokio::spawn(outbox::run_worker(
            self.state.db.clone(),
            self.sinks,
            self.state.clock.clone(),
            self.state.outbox_wake.clone(),
            stop.clone(),
        ));
        let watcher =
            tokio::spawn(crate::change_watcher::run(self.state.db.clone(), self.state.events.clone(), stop.clone()));
        let checkpoints = (self.state.backend == crate::db::Backend::Sqlite)
            .then(|| tokio::spawn(db::checkpoints(self.state.db.clone(), Duration::from_millis(500), stop.clone())));
        let scheduler = self
            .scheduler_every
            .map(|every| tokio::spawn(crate::scheduler::run(self.state.clone(), every, stop.clone())));
        let app = crate::routes::router(self.state.clone())
            .layer(axum::middleware::from_fn(run_to_completion))
            // Bodies above 64 KiB are refused by the JSON extractor: a JSON 413.
            .layer(axum::extract::DefaultBodyLimit::max(64 * 1024))
            .layer(TraceLayer::new_for_http());
        tracing::info!(addr = %self.listener.local_addr()?, database = self.state.backend.name(), "parley-server listening");
        crate::serve::serve(self.listener, app, async move {
            signal.await;
            tracing::info!("shutting down");
            trigger.fire();
        })
        .await;
        let _ = tokio::time::timeout(Duration::from_secs(10), worker).await;
        let _ = tokio::time::timeout(Duration::from_secs(2), watcher).await;
        if let Some(checkpoints) = checkpoints {
            let _ = tokio::time::timeout(Duration::from_secs(2), checkpoints).await;
        }
        if let Some(scheduler) = scheduler {
            let _ = tokio::time::timeout(Duration::from_secs(10), scheduler).await;
        }
        self.state.db.close().await;
        Ok(())
    }
}

/// Runs each request's handler in a task of its own. A client that goes away makes hyper drop
/// the request's future; without this, a handler could be cancelled between `BEGIN` and
/// `COMMIT` and its pooled connection handed on mid-transaction (PostgreSQL then warns "there
/// is already a transaction in progress"). Now every unit of work commits or rolls back as
/// its handler decided, and a resend finds what was committed.
async fn run_to_completion(request: axum::extract::Request, next: axum::middleware::Next) -> axum::response::Response {
    match tokio::spawn(next.run(request)).await {
        Ok(response) => response,
        Err(e) => {
            tracing::error!(error = %e, "a request's handler panicked");
            axum::response::IntoResponse::into_response(crate::error::AppError::new(parley_core::ErrorCode::Internal))
        }
    }
}

/// Completes on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}
