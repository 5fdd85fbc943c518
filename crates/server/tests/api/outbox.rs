//! The outbox (SPEC §1): codes leave by SMS and e-mail through a durable queue; a provider
//! outage delays them and loses nothing.

use crate::helpers::{extract_code, spawn_app, TestEnv};
use parley_core::role::{AccountStatus, Role};
use parley_server::outbox::{self, FileSink, Sink, Sinks, SmtpSink};
use parley_server::provisioning::{self, NewMember};
use parley_server::startup;
use std::sync::Arc;

#[tokio::test]
async fn a_provisioned_members_code_leaves_by_sms_and_email() {
    let app = spawn_app().await;
    let org = app.seed_org("Acme", 0).await;
    let user = &org.member;
    let code = user.code.clone().expect("code");
    let email = user.email.clone().expect("email");

    assert_eq!(app.read_outbox_code(&user.phone).await, code);
    let sms = std::fs::read_to_string(&app.outbox_files("sms", &user.phone)[0]).expect("sms");
    assert!(sms.starts_with(&format!("To: {}\n", user.phone)), "{sms}");
    assert!(sms.contains("Acme"), "names the organisation: {sms}");

    app.wait_outbox_drained().await;
    let mails = app.outbox_files("email", &email);
    assert_eq!(mails.len(), 1, "one e-mail");
    let text = std::fs::read_to_string(&mails[0]).expect("e-mail text");
    assert!(text.starts_with(&format!("To: {email}\nSubject: ")), "{text}");
    assert!(text.contains(&format!("sent to {email}")), "the e-mail names its recipient: {text}");
    assert_eq!(extract_code(&text).as_deref(), Some(code.as_str()));
    let html = std::fs::read_to_string(mails[0].with_extension("html")).expect("e-mail HTML");
    assert!(html.contains(&code) && html.contains(&email), "{html}");

    // SPEC §4: once delivered, the code rests in clear nowhere on the server: not in the outbox
    // table, and the files (the embedded default's "provider") are the server user's alone.
    let kept: Vec<(String, Option<String>)> =
        sqlx::query_as("SELECT body_text, body_html FROM outbox WHERE status = 'sent'")
            .fetch_all(&app.state.db)
            .await
            .expect("rows");
    assert!(!kept.is_empty() && kept.iter().all(|(t, h)| t.is_empty() && h.is_none()), "{kept:?}");
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &std::path::Path| std::fs::metadata(p).expect("metadata").permissions().mode() & 0o777;
    assert_eq!(mode(&app.outbox_dir), 0o700);
    assert!(mails.iter().chain(&app.outbox_files("sms", &user.phone)).all(|f| mode(f) == 0o600));
    assert_eq!(mode(&mails[0].with_extension("html")), 0o600);
}

#[derive(Debug, sqlx::FromRow)]
struct Row {
    status: String,
    attempts: i64,
    next_attempt_at: i64,
    last_error: Option<String>,
}

async fn email_row(db: &parley_server::db::Db) -> Row {
    sqlx::query_as("SELECT status, attempts, next_attempt_at, last_error FROM outbox WHERE channel = 'email'")
        .fetch_one(db)
        .await
        .expect("the e-mail row")
}

#[tokio::test]
async fn a_failing_provider_delays_mail_without_losing_it() {
    let env = TestEnv::new().await;
    let state = startup::state(&env.settings).await.expect("state");
    let file: Arc<dyn Sink> = Arc::new(FileSink { dir: env.outbox_dir.clone() });
    let down: Arc<dyn Sink> = Arc::new(SmtpSink::new("smtp://127.0.0.1:1", &env.settings.mail_from).expect("sink"));
    let failing = Sinks { sms: file.clone(), email: down };

    let now = state.clock.now_ms();
    let (org, root) = provisioning::create_organisation(&state.db, "Acme", now).await.expect("org");
    let member = NewMember {
        organisation_id: org,
        department_id: Some(root),
        first_name: "Ada".into(),
        last_name: "Lovelace".into(),
        phone: "+12015550100".into(),
        email: Some("ada@example.test".into()),
        role: Role::Member,
        status: AccountStatus::Pending,
    };
    provisioning::add_member(&state.db, &state.code_key, member, now).await.expect("member");

    let handled = outbox::deliver_due(&state.db, &failing, &state.clock).await.expect("deliver");
    assert_eq!(handled, 2, "the SMS and the e-mail were tried");
    let row = email_row(&state.db).await;
    assert_eq!(row.status, "pending", "{row:?}");
    assert_eq!(row.attempts, 1);
    assert!(row.last_error.as_deref().is_some_and(|e| e.contains("SMTP")), "{row:?}");
    assert!(row.next_attempt_at > state.clock.now_ms(), "retried later: {row:?}");
    let sms_status: String = sqlx::query_scalar("SELECT status FROM outbox WHERE channel = 'sms'")
        .fetch_one(&state.db)
        .await
        .expect("sms row");
    assert_eq!(sms_status, "sent");

    // Not due yet: nothing is tried.
    assert_eq!(outbox::deliver_due(&state.db, &failing, &state.clock).await.expect("deliver"), 0);
    // Due again after the backoff: tried again, still kept, and the next wait is longer.
    state.clock.advance(row.next_attempt_at - state.clock.now_ms() + 1);
    let retried_at = state.clock.now_ms();
    assert_eq!(outbox::deliver_due(&state.db, &failing, &state.clock).await.expect("deliver"), 1);
    let again = email_row(&state.db).await;
    assert_eq!((again.status.as_str(), again.attempts), ("pending", 2), "{again:?}");
    assert!(again.next_attempt_at - retried_at > row.next_attempt_at - now, "the backoff grows: {row:?} {again:?}");

    // The provider is back: the e-mail leaves.
    state.clock.advance(again.next_attempt_at - state.clock.now_ms() + 1);
    let working = Sinks { sms: file.clone(), email: file };
    assert_eq!(outbox::deliver_due(&state.db, &working, &state.clock).await.expect("deliver"), 1);
    let sent = email_row(&state.db).await;
    assert_eq!((sent.status.as_str(), sent.attempts, sent.last_error), ("sent", 3, None));
    let written = std::fs::read_dir(&env.outbox_dir).expect("outbox dir").filter_map(Result::ok);
    assert!(written.into_iter().any(|e| e.file_name().to_string_lossy().contains("-email-ada@example.test-")));
}

/// The SMS gateway gets the message and the bearer token itself (the token is a `Secret`, which
/// prints as `[redacted]`: it must be exposed where it is used, never formatted).
#[tokio::test]
async fn the_sms_gateway_gets_the_text_and_its_token() {
    use axum::http::HeaderMap;
    let (seen, mut got) = tokio::sync::mpsc::unbounded_channel::<(Option<String>, serde_json::Value)>();
    let gateway = axum::Router::new().route(
        "/sms",
        axum::routing::post(move |headers: HeaderMap, axum::Json(body): axum::Json<serde_json::Value>| {
            let seen = seen.clone();
            async move {
                let auth = headers.get("authorization").and_then(|v| v.to_str().ok()).map(str::to_owned);
                let _ = seen.send((auth, body));
                "ok"
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let server = tokio::spawn(async move { axum::serve(listener, gateway).await });
    let sink = outbox::HttpSmsSink {
        url: format!("http://127.0.0.1:{port}/sms"),
        token: Some(parley_core::secret::Secret::new("gateway-token-42".to_owned())),
        client: reqwest::Client::new(),
    };
    let message = outbox::OutgoingMessage {
        channel: outbox::Channel::Sms,
        recipient: "+12015550100".into(),
        subject: None,
        body_text: "Your code is 123456".into(),
        body_html: None,
    };
    sink.send("id-1", &message).await.expect("delivered");
    let (auth, body) = got.recv().await.expect("the gateway was called");
    assert_eq!(auth.as_deref(), Some("Bearer gateway-token-42"));
    assert_eq!(body, serde_json::json!({"to": "+12015550100", "text": "Your code is 123456"}));
    assert!(!format!("{:?}", sink.token).contains("gateway-token-42"), "never printed");
    server.abort();
}
