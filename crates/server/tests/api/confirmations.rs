//! "Is this your guest?" (SPEC §11.1): with the setting on, a guest's first login asks its
//! sponsor; until the answer the guest reaches only its own account (a waiting screen);
//! *Confirm* opens Parley to it, *Not my guest* deletes its access and tells the admins; both
//! are report rows. Nobody but the sponsor is told of the question.

use crate::guests_admin::guest_phone;
use crate::helpers::assert_error;
use crate::invitations::{setup, Setup};
use parley_core::admin::ReportMonth;
use reqwest::StatusCode;
use serde_json::{json, Value};

impl Setup {
    /// Guest `n`, invited by the member, through its first login: its token and its `Me`.
    async fn activated_guest(&self, n: u16) -> (String, String, Value) {
        let id = self.guest(&self.member, n).await;
        let code = self.app.read_outbox_code(&guest_phone(n)).await;
        let token = self.app.login(&guest_phone(n), &code).await;
        let me = self.app.activate(&token).await;
        (id, token, me)
    }

    async fn questions(&self, token: &str) -> Vec<Value> {
        let r = self.app.get_auth("/api/v1/guest-confirmations", token).await;
        assert_eq!(r.status(), StatusCode::OK);
        r.json::<Vec<Value>>().await.expect("questions")
    }

    async fn answer_question(&self, token: &str, guest_id: &str, answer: &str) -> reqwest::Response {
        self.app.post_auth(&format!("/api/v1/guest-confirmations/{guest_id}/{answer}"), token).await
    }
}

async fn report_actions(s: &Setup) -> Vec<String> {
    let report = s.report(&s.admin, &ReportMonth::of(s.app.state.clock.now_ms()).to_string()).await;
    report["rows"].as_array().expect("rows").iter().map(|r| r["action"].as_str().expect("action").to_owned()).collect()
}

#[tokio::test]
async fn without_the_setting_a_guest_is_not_held() {
    let s = setup().await;
    let (_, token, me) = s.activated_guest(1).await;
    assert_eq!(me["awaiting_confirmation"], false);
    assert_eq!(s.app.get_auth("/api/v1/contacts", &token).await.status(), StatusCode::OK);
    assert!(s.questions(&s.member).await.is_empty());
}

#[tokio::test]
async fn the_guest_waits_until_its_sponsor_confirms() {
    let s = setup().await;
    s.settings(json!({ "confirm_guest_activation": true, "activity_report_enabled": true })).await;
    let (id, token, me) = s.activated_guest(1).await;
    assert_eq!(me["awaiting_confirmation"], true);

    // Its own account and logging out only: no contacts, conversations or socket.
    assert_eq!(s.app.get_auth("/api/v1/me", &token).await.status(), StatusCode::OK);
    let paths = [
        "/api/v1/contacts",
        "/api/v1/conversations",
        "/api/v1/notices",
        "/api/v1/ws",
        "/api/v1/invitations/options",
        "/api/v1/conversation-invitations",
        "/api/v1/guest-confirmations",
    ];
    for path in paths {
        assert_error(s.app.get_auth(path, &token).await, StatusCode::FORBIDDEN, "awaiting_confirmation").await;
    }
    let dm = json!({"kind": "direct", "member_ids": [s.org.member.id]});
    let r = s.app.post_json_auth("/api/v1/conversations", &token, &dm).await;
    assert_error(r, StatusCode::FORBIDDEN, "awaiting_confirmation").await;
    // The sponsor is asked, with the guest's details and the time; the bell has it too.
    let asked = s.questions(&s.member).await;
    assert_eq!(asked.len(), 1);
    assert_eq!(asked[0]["guest_id"], id.as_str());
    assert_eq!(asked[0]["email"], "gina1@partner.example");
    assert!(asked[0]["activated_at"].as_i64().is_some());
    let notices: Value = s.app.get_auth("/api/v1/notices", &s.member).await.json().await.expect("notices");
    let told = notices.as_array().expect("notices").iter().any(|n| {
        n["kind"] == "guest_confirmation" && n["body"].as_str().is_some_and(|b| b.starts_with("Is this your guest?"))
    });
    assert!(told, "{notices}");
    // Nobody else is: the question is not said to exist for them.
    assert!(s.questions(&s.colleague).await.is_empty());
    assert_error(s.answer_question(&s.colleague, &id, "confirm").await, StatusCode::NOT_FOUND, "not_found").await;
    assert_error(s.answer_question(&s.admin, &id, "reject").await, StatusCode::NOT_FOUND, "not_found").await;
    assert_error(s.answer_question(&token, &id, "confirm").await, StatusCode::FORBIDDEN, "awaiting_confirmation").await;
    // The guests list says it waits.
    let list = s.guests(&s.admin, "").await;
    assert_eq!(list["rows"][0]["access"], "awaiting_confirmation");

    assert_eq!(s.answer_question(&s.member, &id, "confirm").await.status(), StatusCode::OK);
    let me: Value = s.app.get_auth("/api/v1/me", &token).await.json().await.expect("me");
    assert_eq!(me["awaiting_confirmation"], false);
    assert_eq!(s.app.get_auth("/api/v1/contacts", &token).await.status(), StatusCode::OK);
    assert!(s.questions(&s.member).await.is_empty());
    assert_error(s.answer_question(&s.member, &id, "reject").await, StatusCode::CONFLICT, "conflict").await;
    assert!(report_actions(&s).await.contains(&"confirmation".to_owned()));
}

#[tokio::test]
async fn a_new_sponsor_is_asked_in_the_old_ones_place() {
    let s = setup().await;
    s.settings(json!({ "confirm_guest_activation": true })).await;
    let (id, _, _) = s.activated_guest(4).await;
    let body = json!({ "guest_ids": [id], "sponsor_id": s.org.colleague.id });
    assert_eq!(s.app.post_json_auth("/api/v1/admin/guests/sponsor", &s.admin, &body).await.status(), StatusCode::OK);
    assert!(s.questions(&s.member).await.is_empty());
    assert_eq!(s.questions(&s.colleague).await.len(), 1);
    let notices: Value = s.app.get_auth("/api/v1/notices", &s.colleague).await.json().await.expect("notices");
    assert!(notices.as_array().expect("notices").iter().any(|n| n["kind"] == "guest_confirmation"), "{notices}");
    assert_error(s.answer_question(&s.member, &id, "confirm").await, StatusCode::NOT_FOUND, "not_found").await;
    assert_eq!(s.answer_question(&s.colleague, &id, "confirm").await.status(), StatusCode::OK);
}

#[tokio::test]
async fn turning_the_setting_off_lets_waiting_guests_in() {
    let s = setup().await;
    s.settings(json!({ "confirm_guest_activation": true })).await;
    let (_, token, me) = s.activated_guest(3).await;
    assert_eq!(me["awaiting_confirmation"], true);
    s.settings(json!({ "confirm_guest_activation": false })).await;
    let me: Value = s.app.get_auth("/api/v1/me", &token).await.json().await.expect("me");
    assert_eq!(me["awaiting_confirmation"], false);
    assert_eq!(s.app.get_auth("/api/v1/contacts", &token).await.status(), StatusCode::OK);
    assert!(s.questions(&s.member).await.is_empty());
}

#[tokio::test]
async fn not_my_guest_deletes_the_access_and_tells_the_admins() {
    let s = setup().await;
    s.settings(json!({ "confirm_guest_activation": true, "activity_report_enabled": true })).await;
    let (id, token, _) = s.activated_guest(2).await;

    assert_eq!(s.answer_question(&s.member, &id, "reject").await.status(), StatusCode::OK);
    assert_error(s.app.get_auth("/api/v1/me", &token).await, StatusCode::UNAUTHORIZED, "unauthorized").await;
    assert_eq!(s.guests(&s.admin, "").await["created"], 0);
    let notices: Value = s.app.get_auth("/api/v1/notices", &s.admin).await.json().await.expect("notices");
    let told =
        notices.as_array().expect("notices").iter().any(|n| {
            n["kind"] == "guest_rejected" && n["body"].as_str().is_some_and(|b| b.contains("is not their guest"))
        });
    assert!(told, "{notices}");
    assert!(report_actions(&s).await.contains(&"rejection".to_owned()));
    assert_error(s.answer_question(&s.member, &id, "confirm").await, StatusCode::CONFLICT, "conflict").await;
}
