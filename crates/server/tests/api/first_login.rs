//! The first-login steps (SPEC §4): confirm the names, accept the terms; until then the
//! account only reaches `/api/v1/me`.

use crate::helpers::{assert_error, spawn_app};
use reqwest::StatusCode;
use serde_json::{json, Value};

const FIRST_LOGIN: &str = "/api/v1/me/first-login";

#[tokio::test]
async fn the_api_waits_for_the_first_login_steps() {
    let app = spawn_app().await;
    let org = app.seed_org("Acme", 0).await;
    let user = &org.member;
    let token = app.login(&user.phone, user.code.as_deref().expect("code")).await;

    // Who am I works; the rest of the API waits.
    let me: Value = app.get_auth("/api/v1/me", &token).await.json().await.expect("me");
    assert_eq!(me["first_login_required"], true);
    assert_error(app.get_auth("/api/v1/contacts", &token).await, StatusCode::FORBIDDEN, "first_login_required").await;

    let refused = json!({ "first_name": "Ada", "last_name": "Lovelace", "accept_terms": false });
    let body = assert_error(
        app.post_json_auth(FIRST_LOGIN, &token, &refused).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "terms_not_accepted",
    )
    .await;
    assert_eq!(body["field"], "accept_terms");

    let blank = json!({ "first_name": "   ", "last_name": "Lovelace", "accept_terms": true });
    let body = assert_error(
        app.post_json_auth(FIRST_LOGIN, &token, &blank).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_format",
    )
    .await;
    assert_eq!(body["field"], "first_name");
    assert_eq!(body["message"], "Invalid format");

    let blank_last = json!({ "first_name": "Ada", "last_name": "", "accept_terms": true });
    let body = assert_error(
        app.post_json_auth(FIRST_LOGIN, &token, &blank_last).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_format",
    )
    .await;
    assert_eq!(body["field"], "last_name");

    // Still pending after the refusals.
    assert_error(app.get_auth("/api/v1/contacts", &token).await, StatusCode::FORBIDDEN, "first_login_required").await;

    let valid = json!({ "first_name": "  Ada ", "last_name": "Lovelace", "accept_terms": true });
    let response = app.post_json_auth(FIRST_LOGIN, &token, &valid).await;
    assert_eq!(response.status(), StatusCode::OK);
    let me: Value = response.json().await.expect("me");
    assert_eq!(me["status"], "active");
    assert_eq!(me["first_login_required"], false);
    assert_eq!(me["first_name"], "Ada", "names are trimmed");
    assert_eq!(me["last_name"], "Lovelace");

    assert_eq!(app.get_auth("/api/v1/contacts", &token).await.status(), StatusCode::OK);
    let me: Value = app.get_auth("/api/v1/me", &token).await.json().await.expect("me");
    assert_eq!(me["status"], "active");
}

#[tokio::test]
async fn first_login_needs_a_session() {
    let app = spawn_app().await;
    let body = json!({ "first_name": "Ada", "last_name": "Lovelace", "accept_terms": true });
    let response = app.post_json(FIRST_LOGIN, &body).await;
    assert_error(response, StatusCode::UNAUTHORIZED, "unauthorized").await;
}
