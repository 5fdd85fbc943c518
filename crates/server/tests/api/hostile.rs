//! Hostile input (SPEC §13: every refusal is a clear message and a 4xx): whatever the body,
//! path, method, socket or pace of a request, the answer is the JSON error `{code, message,
//! field}`, and a client cannot hold the server's resources.

use crate::helpers::{assert_error, spawn_app};
use crate::ws::try_connect;
use reqwest::StatusCode;
use serde_json::json;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[tokio::test]
async fn every_refusal_is_the_json_error() {
    let app = spawn_app().await;
    let org = app.seed_org("Acme", 0).await;
    let token = app.login_active(&org.member).await;

    // A body over the limit: 413, said in JSON.
    let huge = json!({"client_id": "00000000-0000-4000-8000-000000000000", "body": "x".repeat(70 * 1024)});
    let r = app.post_json_auth("/api/v1/conversations/nope/messages", &token, &huge).await;
    let e = assert_error(r, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large").await;
    assert_eq!(e["message"], "The request is too large.");

    // Paths and methods nobody serves.
    assert_error(app.get_auth("/api/v1/nothing-here", &token).await, StatusCode::NOT_FOUND, "not_found").await;
    let r = app.client.delete(app.url("/api/v1/contacts")).bearer_auth(&token).send().await.expect("send");
    assert_error(r, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed").await;

    // A path segment that is not UTF-8 goes through the one path extractor.
    let r = app.get_auth("/api/v1/conversations/%FF%FE", &token).await;
    assert_error(r, StatusCode::BAD_REQUEST, "invalid_request").await;

    // The WebSocket address without an upgrade.
    let r = app.get_auth("/api/v1/ws", &token).await;
    assert_error(r, StatusCode::BAD_REQUEST, "invalid_request").await;
}

#[tokio::test]
async fn a_session_holds_a_few_sockets_not_hundreds() {
    let app = spawn_app().await;
    let org = app.seed_org("Acme", 0).await;
    let token = app.login_active(&org.member).await;
    let mut held = Vec::new();
    for _ in 0..parley_server::routes::ws::MAX_SOCKETS_PER_SESSION {
        held.push(try_connect(&app, Some(&token)).await.expect("accepted"));
    }
    // Registered once the hello went out; the next one is refused.
    tokio::time::sleep(Duration::from_millis(200)).await;
    match try_connect(&app, Some(&token)).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
        }
        other => panic!("expected a refusal, got {:?}", other.map(|_| "a socket")),
    }
    // Another session of the same account is not affected; closing one makes room.
    let fresh = app.request_new_code(&org.member.phone).await;
    let other = app.login(&org.member.phone, &fresh).await;
    assert!(try_connect(&app, Some(&other)).await.is_ok());
    drop(held.pop());
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(try_connect(&app, Some(&token)).await.is_ok());
}

#[tokio::test]
async fn a_client_that_never_finishes_its_headers_is_dropped() {
    let app = spawn_app().await;
    let mut slow = tokio::net::TcpStream::connect(("127.0.0.1", app.port)).await.expect("connect");
    slow.write_all(b"GET /health HTTP/1.1\r\nHost: x\r\n").await.expect("write");
    // One header byte every 2 s: the headers never end within the server's limit.
    let trickle = async {
        for _ in 0..20 {
            tokio::time::sleep(Duration::from_secs(2)).await;
            if slow.write_all(b"X").await.is_err() {
                break;
            }
        }
    };
    let _ = tokio::time::timeout(parley_server::serve::HEADER_TIMEOUT + Duration::from_secs(5), trickle).await;
    let mut buf = [0u8; 256];
    let read = tokio::time::timeout(Duration::from_secs(5), slow.read(&mut buf)).await.expect("the server answered");
    assert!(matches!(read, Ok(0) | Err(_)) || buf.starts_with(b"HTTP/1.1 408"), "the connection is closed");
}

/// SPEC §13: text made of NUL or of invisible characters is refused with a 4xx on both
/// databases (PostgreSQL refuses NUL in text: it must never reach it).
#[tokio::test]
async fn nul_and_invisible_text_are_refused_never_stored() {
    let app = spawn_app().await;
    let org = app.seed_org("Acme", 0).await;
    let token = app.login_active(&org.member).await;
    app.login_active(&org.colleague).await;
    let r = app
        .post_json_auth("/api/v1/conversations", &token, &json!({"kind": "direct", "member_ids": [org.colleague.id]}))
        .await;
    let id = r.json::<serde_json::Value>().await.expect("conversation")["id"].as_str().expect("id").to_owned();
    let send = |body: &str, n: u32| {
        let body = json!({"client_id": format!("client-id-{n:04}"), "body": body});
        let (app, token, id) = (&app, &token, &id);
        async move { app.post_json_auth(&format!("/api/v1/conversations/{id}/messages"), token, &body).await }
    };
    assert_error(send("\u{0}", 1).await, StatusCode::UNPROCESSABLE_ENTITY, "invalid_format").await;
    assert_error(send("hi\u{0}there", 2).await, StatusCode::UNPROCESSABLE_ENTITY, "invalid_format").await;
    assert_error(send("\u{200B}\u{200D}\u{FEFF}", 3).await, StatusCode::UNPROCESSABLE_ENTITY, "required").await;
    assert_eq!(send("line one\nline two", 4).await.status(), StatusCode::CREATED);

    let group = json!({"kind": "group", "member_ids": [org.colleague.id], "name": "Atlas\u{0}"});
    let e = assert_error(
        app.post_json_auth("/api/v1/conversations", &token, &group).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_format",
    )
    .await;
    assert_eq!(e["field"], "name");
    let history: serde_json::Value =
        app.get_auth(&format!("/api/v1/conversations/{id}/messages"), &token).await.json().await.expect("history");
    assert_eq!(history["messages"].as_array().expect("messages").len(), 1, "nothing refused was stored");
}
