//! Login by phone + activation code, input checks, logout, and what the database keeps.

use crate::helpers::{assert_error, phone, spawn_app, wrong_code};
use reqwest::StatusCode;
use serde_json::{json, Value};

#[tokio::test]
async fn login_with_the_provisioned_code_works_once() {
    let app = spawn_app().await;
    let org = app.seed_org("Acme", 0).await;
    let user = &org.member;
    let code = user.code.as_deref().expect("code");

    let body = app.login_body(&user.phone, code).await;
    let token = body["token"].as_str().expect("token");
    assert!(token.len() >= 32 && token.chars().all(|c| c.is_ascii_hexdigit()), "token: {token}");
    assert_eq!(body["me"]["id"], user.id.as_str());
    assert_eq!(body["me"]["phone"], user.phone.as_str());
    assert_eq!(body["me"]["first_login_required"], true);
    assert_eq!(body["me"]["status"], "pending");

    // Single use.
    assert_error(app.try_login(&user.phone, code).await, StatusCode::UNAUTHORIZED, "invalid_code").await;
}

#[tokio::test]
async fn a_wrong_code_and_an_unknown_number_get_the_same_answer() {
    let app = spawn_app().await;
    let org = app.seed_org("Acme", 0).await;
    let user = &org.member;
    let code = user.code.as_deref().expect("code");

    let wrong =
        assert_error(app.try_login(&user.phone, &wrong_code(code, 0)).await, StatusCode::UNAUTHORIZED, "invalid_code")
            .await;
    let unknown =
        assert_error(app.try_login(&phone(99), "123456").await, StatusCode::UNAUTHORIZED, "invalid_code").await;
    assert_eq!(wrong, unknown, "no account enumeration");
}

#[tokio::test]
async fn malformed_input_is_refused_on_its_field() {
    let app = spawn_app().await;
    let org = app.seed_org("Acme", 0).await;
    let user = &org.member;

    let body =
        assert_error(app.try_login("12345", "123456").await, StatusCode::UNPROCESSABLE_ENTITY, "invalid_format").await;
    assert_eq!(body["field"], "phone");
    assert_eq!(body["message"], "Invalid format");
    let body =
        assert_error(app.try_login(&user.phone, "12ab").await, StatusCode::UNPROCESSABLE_ENTITY, "invalid_format")
            .await;
    assert_eq!(body["field"], "code");

    let malformed = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .header("content-type", "application/json")
        .body(r#"{"phone": "+12015550103", "code": "#)
        .send()
        .await
        .expect("sent");
    assert_error(malformed, StatusCode::BAD_REQUEST, "invalid_request").await;

    for body in
        [json!({}), json!({ "phone": user.phone }), json!({ "code": "123456" }), json!({ "phone": 12, "code": true })]
    {
        let response = app.post_json("/api/v1/auth/login", &body).await;
        let status = response.status();
        assert!(status == StatusCode::BAD_REQUEST || status == StatusCode::UNPROCESSABLE_ENTITY, "{body}: {status}");
        let answer: Value = response.json().await.expect("a JSON error");
        assert!(answer["code"] == "invalid_request" || answer["code"] == "invalid_format", "{answer}");
    }
    let no_body = app.client.post(app.url("/api/v1/auth/login")).send().await.expect("sent");
    assert_error(no_body, StatusCode::BAD_REQUEST, "invalid_request").await;

    // None of that spent the code.
    app.login(&user.phone, user.code.as_deref().expect("code")).await;
}

#[tokio::test]
async fn logout_revokes_the_token() {
    let app = spawn_app().await;
    let org = app.seed_org("Acme", 0).await;
    let token = app.login_active(&org.member).await;
    assert_eq!(app.get_auth("/api/v1/me", &token).await.status(), StatusCode::OK);

    let response = app.post_auth("/api/v1/auth/logout", &token).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);

    assert_error(app.get_auth("/api/v1/me", &token).await, StatusCode::UNAUTHORIZED, "unauthorized").await;
    assert_error(app.get_auth("/api/v1/contacts", &token).await, StatusCode::UNAUTHORIZED, "unauthorized").await;
    assert_error(app.post_auth("/api/v1/auth/logout", &token).await, StatusCode::UNAUTHORIZED, "unauthorized").await;
}

#[tokio::test]
async fn requests_without_a_valid_token_are_unauthorized() {
    let app = spawn_app().await;
    let response = app.client.get(app.url("/api/v1/me")).send().await.expect("sent");
    assert_error(response, StatusCode::UNAUTHORIZED, "unauthorized").await;
    let forged = "0".repeat(64);
    assert_error(app.get_auth("/api/v1/contacts", &forged).await, StatusCode::UNAUTHORIZED, "unauthorized").await;
}

#[tokio::test]
async fn tokens_and_codes_are_stored_only_as_hashes() {
    let app = spawn_app().await;
    let org = app.seed_org("Acme", 0).await;
    let code = org.member.code.clone().expect("code");
    let token = app.login(&org.member.phone, &code).await;
    let new_code = app.request_new_code(&org.colleague.phone).await;

    let sessions: Vec<(String, String, String)> = sqlx::query_as("SELECT id, account_id, token_hash FROM sessions")
        .fetch_all(&app.state.db)
        .await
        .expect("sessions");
    assert_eq!(sessions.len(), 1);
    for (id, account, hash) in &sessions {
        assert_eq!(account, &org.member.id);
        assert!(!id.contains(&token) && !hash.contains(&token), "the token is stored in clear");
        assert_eq!(hash.len(), 64, "a SHA-256 in hex");
    }

    let codes: Vec<(String, String, String)> = sqlx::query_as("SELECT id, code_hash, purpose FROM activation_codes")
        .fetch_all(&app.state.db)
        .await
        .expect("codes");
    assert_eq!(codes.len(), org.everyone().len() + 1);
    let clear: Vec<String> = org.everyone().iter().filter_map(|u| u.code.clone()).chain([new_code]).collect();
    for (id, hash, purpose) in &codes {
        for c in &clear {
            assert!(!id.contains(c) && !hash.contains(c) && !purpose.contains(c), "a code is stored in clear");
        }
    }
}

#[tokio::test]
async fn two_concurrent_logins_with_one_code_open_one_session() {
    let app = spawn_app().await;
    let org = app.seed_org("Acme", 0).await;
    for user in org.everyone() {
        let code = user.code.as_deref().expect("code");
        let (a, b) = tokio::join!(app.try_login(&user.phone, code), app.try_login(&user.phone, code));
        let statuses = [a.status(), b.status()];
        let winners = statuses.iter().filter(|s| **s == StatusCode::OK).count();
        assert_eq!(winners, 1, "statuses: {statuses:?}");
        let loser = if a.status() == StatusCode::OK { b } else { a };
        assert_error(loser, StatusCode::UNAUTHORIZED, "invalid_code").await;
    }
    let sessions: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM sessions").fetch_one(&app.state.db).await.expect("count");
    assert_eq!(sessions, org.everyone().len() as i64);
}
