//! The rules of SPEC §4 on codes: tries per code, the account's failure budget, expiry,
//! *New User* requests and the request throttles.

use crate::helpers::{assert_error, phone, spawn_app, wrong_code};
use crate::ws::{connect, next_event};
use parley_core::activation::{
    DEFAULT_VALIDITY_MS, HOUR_MS, LOCKOUT_MS, MAX_CODE_REQUESTS_PER_NUMBER, MAX_FAILED_PER_ACCOUNT,
    MAX_REQUESTS_PER_ADDRESS, MAX_TRIES_PER_CODE, MINUTE_MS, THROTTLE_WINDOW_MS,
};
use reqwest::StatusCode;
use serde_json::json;
use std::time::Duration;

#[tokio::test]
async fn five_wrong_tries_kill_a_code() {
    let app = spawn_app().await;
    let org = app.seed_org("Acme", 0).await;
    let user = &org.member;
    let code = user.code.as_deref().expect("code");

    for i in 0..MAX_TRIES_PER_CODE {
        assert_error(app.try_login(&user.phone, &wrong_code(code, i)).await, StatusCode::UNAUTHORIZED, "invalid_code")
            .await;
    }
    // The right code, now dead, gets the same answer as a wrong one.
    assert_error(app.try_login(&user.phone, code).await, StatusCode::UNAUTHORIZED, "invalid_code").await;

    // A fresh code (the per-number login throttle has room: 6 of 10 used) works.
    let fresh = app.request_new_code(&user.phone).await;
    app.login(&user.phone, &fresh).await;
}

#[tokio::test]
async fn twenty_failures_lock_the_account_for_an_hour_and_tell_its_admins_at_once() {
    let app = spawn_app().await;
    let org = app.seed_org("Acme", 0).await;
    let user = &org.member;
    let admin_token = app.login_active(&org.company_admin).await;
    let mut admin_socket = connect(&app, &admin_token).await;

    // Four codes, five wrong tries each: 20 failures in the day.
    let mut code = user.code.clone().expect("code");
    let rounds = MAX_FAILED_PER_ACCOUNT / MAX_TRIES_PER_CODE;
    for round in 0..rounds {
        if round > 0 {
            code = app.request_new_code(&user.phone).await;
        }
        for i in 0..MAX_TRIES_PER_CODE {
            assert_error(
                app.try_login(&user.phone, &wrong_code(&code, i)).await,
                StatusCode::UNAUTHORIZED,
                "invalid_code",
            )
            .await;
        }
        // Out of the per-number throttle's window before the next burst.
        app.advance_clock(THROTTLE_WINDOW_MS);
    }

    // Even a correct, fresh code is refused now.
    let fresh = app.request_new_code(&user.phone).await;
    assert_error(app.try_login(&user.phone, &fresh).await, StatusCode::TOO_MANY_REQUESTS, "throttled").await;

    let notices: Vec<(String, String, String)> =
        sqlx::query_as("SELECT recipient_id, kind, body FROM admin_notices WHERE organisation_id = $1")
            .bind(&org.id)
            .fetch_all(&app.state.db)
            .await
            .expect("notices");
    let to_company_admin: Vec<_> = notices.iter().filter(|(r, _, _)| r == &org.company_admin.id).collect();
    assert_eq!(to_company_admin.len(), 1, "notices: {notices:?}");
    assert_eq!(to_company_admin[0].1, "account_locked");
    assert!(to_company_admin[0].2.contains(&user.phone), "{}", to_company_admin[0].2);
    // The department admins above the member's department are told too; the sibling's is not.
    assert!(notices.iter().any(|(r, _, _)| r == &org.sales_admin.id));
    assert!(!notices.iter().any(|(r, _, _)| r == &org.engineering_admin.id));

    // The notice reached the admin's open socket as the lockout began, and says an hour.
    let pushed = loop {
        let event = next_event(&mut admin_socket).await.expect("the lockout notice, live");
        if event["type"] == "notice" {
            break event;
        }
    };
    assert_eq!(pushed["notice"]["kind"], "account_locked", "{pushed}");
    // Read after the notice: the clock may have passed into the next second meanwhile.
    let locked_at = app.state.clock.now_ms();
    let until = |at: i64| parley_core::time::format_utc(at - THROTTLE_WINDOW_MS + LOCKOUT_MS);
    let body = pushed["notice"]["body"].as_str().unwrap_or_default();
    assert!(
        body.contains(&until(locked_at)) || body.contains(&until(locked_at - 1000)),
        "{pushed} (until {})",
        until(locked_at)
    );

    // An hour after the last failure the account takes codes again (SPEC §4: an hour, not a day).
    app.advance_clock(LOCKOUT_MS);
    let fresh = app.request_new_code(&user.phone).await;
    app.login(&user.phone, &fresh).await;
    // While the day still holds twenty, each further failure locks it for another hour.
    let fresh = app.request_new_code(&user.phone).await;
    assert_error(app.try_login(&user.phone, &wrong_code(&fresh, 0)).await, StatusCode::UNAUTHORIZED, "invalid_code")
        .await;
    assert_error(app.try_login(&user.phone, &fresh).await, StatusCode::TOO_MANY_REQUESTS, "throttled").await;
    app.advance_clock(HOUR_MS);
    let fresh = app.request_new_code(&user.phone).await;
    app.login(&user.phone, &fresh).await;
}

#[tokio::test]
async fn a_new_code_ends_the_earlier_ones() {
    let app = spawn_app().await;
    let org = app.seed_org("Acme", 0).await;
    let user = &org.member;
    let first = user.code.clone().expect("code");
    let second = app.request_new_code(&user.phone).await;
    let third = app.request_new_code(&user.phone).await;
    let live: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM activation_codes WHERE account_id = $1 AND used_at IS NULL AND expires_at > $2",
    )
    .bind(&user.id)
    .bind(app.state.clock.now_ms())
    .fetch_one(&app.state.db)
    .await
    .expect("count");
    assert_eq!(live, 1, "one live code per account");
    for earlier in [&first, &second] {
        if earlier != &third {
            assert_error(app.try_login(&user.phone, earlier).await, StatusCode::UNAUTHORIZED, "invalid_code").await;
        }
    }
    app.login(&user.phone, &third).await;
}

#[tokio::test]
async fn a_number_without_an_account_gets_the_same_answers_locked_included() {
    let app = spawn_app().await;
    let org = app.seed_org("Acme", 0).await;
    let known = org.member.phone.clone();
    let unknown = phone(99);
    let mut answers: Vec<Vec<(u16, String)>> = Vec::new();
    for number in [&known, &unknown] {
        let mut seen = Vec::new();
        for i in 0..=MAX_FAILED_PER_ACCOUNT {
            // Out of the per-number throttle's window every ten tries.
            if i % 10 == 0 {
                app.advance_clock(THROTTLE_WINDOW_MS);
            }
            let response = app.try_login(number, &format!("{:06}", 100_000 + i)).await;
            let status = response.status().as_u16();
            let body: serde_json::Value = response.json().await.expect("a JSON refusal");
            seen.push((status, body.to_string()));
        }
        answers.push(seen);
    }
    assert_eq!(answers[0], answers[1], "the same answers, try by try, for a number with or without an account");
    assert_eq!(answers[1].last().map(|a| a.0), Some(429), "both locked after twenty wrong codes");
}

#[tokio::test]
async fn a_provisioning_code_lives_48_hours() {
    let app = spawn_app().await;
    let org = app.seed_org("Acme", 0).await;

    app.advance_clock(DEFAULT_VALIDITY_MS - MINUTE_MS);
    app.login(&org.member.phone, org.member.code.as_deref().expect("code")).await;

    app.advance_clock(2 * MINUTE_MS);
    let expired = app.try_login(&org.colleague.phone, org.colleague.code.as_deref().expect("code")).await;
    assert_error(expired, StatusCode::UNAUTHORIZED, "invalid_code").await;
}

#[tokio::test]
async fn a_new_user_code_lives_15_minutes() {
    let app = spawn_app().await;
    let org = app.seed_org("Acme", 0).await;
    let user = &org.member;

    let stale = app.request_new_code(&user.phone).await;
    app.advance_clock(16 * MINUTE_MS);
    assert_error(app.try_login(&user.phone, &stale).await, StatusCode::UNAUTHORIZED, "invalid_code").await;

    let fresh = app.request_new_code(&user.phone).await;
    app.advance_clock(14 * MINUTE_MS);
    app.login(&user.phone, &fresh).await;
}

#[tokio::test]
async fn new_user_answers_the_same_for_known_and_unknown_numbers() {
    let app = spawn_app().await;
    let org = app.seed_org("Acme", 0).await;
    app.wait_outbox_drained().await;
    let known = &org.member.phone;
    let unknown = phone(99);
    let before = app.outbox_files("sms", known).len();

    let to_unknown = app.post_json("/api/v1/auth/request-code", &json!({ "phone": unknown })).await;
    let to_known = app.post_json("/api/v1/auth/request-code", &json!({ "phone": known })).await;
    assert_eq!(to_unknown.status(), StatusCode::ACCEPTED);
    assert_eq!(to_known.status(), StatusCode::ACCEPTED);
    let (a, b) = (to_unknown.text().await.expect("body"), to_known.text().await.expect("body"));
    assert_eq!(a, b, "no account enumeration");
    assert!(a.contains("15 minutes"), "{a}");

    // The known number gets its SMS …
    for _ in 0..100 {
        if app.outbox_files("sms", known).len() > before {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(app.outbox_files("sms", known).len(), before + 1);
    // … and nothing is ever queued for the unknown one.
    tokio::time::sleep(Duration::from_millis(300)).await;
    app.wait_outbox_drained().await;
    assert!(app.outbox_files("sms", &unknown).is_empty());
    let queued: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE recipient = $1")
        .bind(&unknown)
        .fetch_one(&app.state.db)
        .await
        .expect("count");
    assert_eq!(queued, 0);
}

#[tokio::test]
async fn new_user_requests_are_throttled_per_number() {
    let app = spawn_app().await;
    let org = app.seed_org("Acme", 0).await;
    for number in [org.member.phone.clone(), phone(99)] {
        for _ in 0..MAX_CODE_REQUESTS_PER_NUMBER {
            let response = app.post_json("/api/v1/auth/request-code", &json!({ "phone": number })).await;
            assert_eq!(response.status(), StatusCode::ACCEPTED);
        }
        let sixth = app.post_json("/api/v1/auth/request-code", &json!({ "phone": number })).await;
        assert_error(sixth, StatusCode::TOO_MANY_REQUESTS, "throttled").await;
    }
    // Another number is not affected; the window passes.
    let other = app.post_json("/api/v1/auth/request-code", &json!({ "phone": org.colleague.phone })).await;
    assert_eq!(other.status(), StatusCode::ACCEPTED);
    app.advance_clock(THROTTLE_WINDOW_MS);
    let again = app.post_json("/api/v1/auth/request-code", &json!({ "phone": org.member.phone })).await;
    assert_eq!(again.status(), StatusCode::ACCEPTED);
}

#[tokio::test]
async fn requests_are_throttled_per_client_address() {
    let app = spawn_app().await;
    // Logins and code requests share the address budget; spread over ten numbers so no
    // per-number limit is reached first.
    for i in 0..MAX_REQUESTS_PER_ADDRESS {
        let response = app.try_login(&phone((i % 10) as u16), "123456").await;
        assert_error(response, StatusCode::UNAUTHORIZED, "invalid_code").await;
    }
    let over = app.post_json("/api/v1/auth/request-code", &json!({ "phone": phone(50) })).await;
    assert_error(over, StatusCode::TOO_MANY_REQUESTS, "throttled").await;
    assert_error(app.try_login(&phone(51), "123456").await, StatusCode::TOO_MANY_REQUESTS, "throttled").await;

    app.advance_clock(THROTTLE_WINDOW_MS);
    let later = app.post_json("/api/v1/auth/request-code", &json!({ "phone": phone(50) })).await;
    assert_eq!(later.status(), StatusCode::ACCEPTED);
}
