//! The live channel: `GET /api/v1/ws` with the bearer token.

use crate::helpers::{assert_error, spawn_app, TestApp};
use futures_util::StreamExt;
use parley_core::role::{AccountStatus, Role};
use reqwest::StatusCode;
use serde_json::Value;
use std::time::Duration;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::{Error as WsError, Message};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

pub(crate) type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

pub(crate) async fn try_connect(app: &TestApp, token: Option<&str>) -> Result<Socket, WsError> {
    let mut request = format!("ws://127.0.0.1:{}/api/v1/ws", app.port).into_client_request().expect("request");
    if let Some(t) = token {
        request.headers_mut().insert("authorization", HeaderValue::from_str(&format!("Bearer {t}")).expect("header"));
    }
    tokio_tungstenite::connect_async(request).await.map(|(socket, _)| socket)
}

pub(crate) async fn connect(app: &TestApp, token: &str) -> Socket {
    let mut socket = try_connect(app, Some(token)).await.expect("the upgrade is accepted");
    let hello = next_event(&mut socket).await.expect("a hello");
    assert_eq!(hello["type"], "hello", "{hello}");
    socket
}

/// The next JSON event (pings skipped), or `None` when the socket closes; fails after 5 s.
pub(crate) async fn next_event(socket: &mut Socket) -> Option<Value> {
    let wait = async {
        while let Some(message) = socket.next().await {
            match message {
                Ok(Message::Text(text)) => return Some(serde_json::from_str(&text).expect("JSON event")),
                Ok(Message::Close(_)) | Err(_) => return None,
                Ok(_) => {}
            }
        }
        None
    };
    tokio::time::timeout(Duration::from_secs(5), wait).await.expect("an event within 5 s")
}

#[tokio::test]
async fn the_socket_says_hello_then_pushes_contact_changes() {
    let app = spawn_app().await;
    let org = app.seed_org("Acme", 0).await;
    let token = app.login_active(&org.company_admin).await;

    let mut socket = try_connect(&app, Some(&token)).await.expect("upgrade");
    let hello = next_event(&mut socket).await.expect("hello");
    assert_eq!(hello["type"], "hello");
    assert_eq!(hello["account_id"], org.company_admin.id.as_str());

    // A colleague finishes the first-login steps.
    app.login_active(&org.member).await;
    let event = next_event(&mut socket).await.expect("an event");
    assert_eq!(event["type"], "contacts_changed", "{event}");
    let cursor = event["cursor"].as_str().expect("cursor").to_owned();
    assert!(!cursor.is_empty());

    // The cursor it names is the one to sync up to: a delta from it is empty.
    let delta: Value = app
        .client
        .get(app.url("/api/v1/contacts"))
        .query(&[("cursor", &cursor)])
        .bearer_auth(&token)
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("delta");
    assert_eq!(delta["full_resync"], false);
    assert_eq!(delta["contacts"].as_array().expect("contacts").len(), 0);
    socket.close(None).await.expect("close");
}

#[tokio::test]
async fn provisioning_a_member_is_pushed_to_open_sockets() {
    let app = spawn_app().await;
    let org = app.seed_org("Acme", 0).await;
    let token = app.login_active(&org.company_admin).await;
    let mut socket = connect(&app, &token).await;

    // As the admin CLI does: straight into the database, no HTTP request.
    app.add_member(&org.id, &org.engineering, 40, Role::Member, AccountStatus::Pending).await;
    let event = next_event(&mut socket).await.expect("an event");
    assert_eq!(event["type"], "contacts_changed", "{event}");
    assert!(event["cursor"].as_str().is_some_and(|c| !c.is_empty()));
}

#[tokio::test]
async fn the_upgrade_needs_a_live_session_of_an_active_account() {
    let app = spawn_app().await;
    let org = app.seed_org("Acme", 0).await;

    for token in [None, Some("not-a-token")] {
        match try_connect(&app, token).await {
            Err(WsError::Http(response)) => assert_eq!(response.status().as_u16(), 401),
            other => panic!("expected 401, got {:?}", other.map(|_| "a socket")),
        }
    }
    let pending = app.login(&org.member.phone, org.member.code.as_deref().expect("code")).await;
    match try_connect(&app, Some(&pending)).await {
        Err(WsError::Http(response)) => assert_eq!(response.status().as_u16(), 403),
        other => panic!("expected 403, got {:?}", other.map(|_| "a socket")),
    }
}

#[tokio::test]
async fn revoking_sessions_closes_the_socket_at_once() {
    let app = spawn_app().await;
    let org = app.seed_org("Acme", 0).await;
    let admin = app.login_active(&org.company_admin).await;
    let member = app.login_active(&org.member).await;
    let mut socket = connect(&app, &member).await;

    let path = format!("/api/v1/admin/accounts/{}/revoke-sessions", org.member.id);
    let response = app.post_auth(&path, &admin).await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.expect("body");
    assert_eq!(body["revoked"], 1);

    let event = next_event(&mut socket).await.expect("a last event");
    assert_eq!(event["type"], "session_revoked", "{event}");
    assert!(next_event(&mut socket).await.is_none(), "the socket closes");

    assert_error(app.get_auth("/api/v1/me", &member).await, StatusCode::UNAUTHORIZED, "unauthorized").await;
    match try_connect(&app, Some(&member)).await {
        Err(WsError::Http(response)) => assert_eq!(response.status().as_u16(), 401),
        other => panic!("expected 401, got {:?}", other.map(|_| "a socket")),
    }
    // The admin's own session is untouched.
    assert_eq!(app.get_auth("/api/v1/me", &admin).await.status(), StatusCode::OK);
}
