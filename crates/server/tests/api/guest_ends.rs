//! Access that ends (SPEC §11.1): a dated access (the organisation's default, or the inviter's
//! shorter choice within the maximum) reminds sponsor and guest before its end and then ends —
//! sessions revoked, login refused, *ended* in the list and in Contacts, a report row — until the
//! sponsor extends it; an access bound to its conversation ends when the conversation closes or
//! the guest leaves it. Time is the test clock.

use crate::guests_admin::guest_phone;
use crate::helpers::assert_error;
use crate::invitations::{form, setup, Setup};
use parley_core::admin::ReportMonth;
use parley_core::guest_access::DAY_MS;
use reqwest::StatusCode;
use serde_json::{json, Value};

impl Setup {
    /// Invites guest `n` with `patch` merged into the form, then logs it in through its first login.
    async fn guest_with(&self, n: u16, patch: Value) -> (String, String) {
        let mut body = form(n);
        for (k, v) in patch.as_object().expect("object") {
            body[k] = v.clone();
        }
        let r = self.invite(&self.member, &body).await;
        assert_eq!(r.status(), StatusCode::CREATED);
        let id = r.json::<Value>().await.expect("created")["guest"]["id"].as_str().expect("id").to_owned();
        let code = self.app.read_outbox_code(&guest_phone(n)).await;
        let token = self.app.login(&guest_phone(n), &code).await;
        self.app.activate(&token).await;
        (id, token)
    }

    async fn list_row(&self, id: &str) -> Value {
        let page = self.guests(&self.admin, "").await;
        page["rows"].as_array().expect("rows").iter().find(|r| r["id"] == id).cloned().expect("listed")
    }

    async fn extend(&self, token: &str, id: &str, days: u32) -> reqwest::Response {
        self.app.post_json_auth(&format!("/api/v1/guests/{id}/access"), token, &json!({ "days": days })).await
    }

    async fn fresh_login(&self, n: u16) -> reqwest::Response {
        let code = self.app.request_new_code(&guest_phone(n)).await;
        self.app.try_login(&guest_phone(n), &code).await
    }
}

/// The texts of the SMS delivered to `phone` (the file sink's files; the outbox keeps no body).
async fn sms_to(s: &Setup, phone: &str) -> Vec<String> {
    s.app.wait_outbox_drained().await;
    s.app.outbox_files("sms", phone).into_iter().map(|f| std::fs::read_to_string(f).expect("read")).collect()
}

#[tokio::test]
async fn a_dated_access_is_reminded_ends_and_is_extended_by_its_sponsor() {
    let s = setup().await;
    let limits = json!({ "guest_access_days_default": 10, "guest_access_days_max": 30, "guest_access_reminder_days": 7,
                         "activity_report_enabled": true });
    s.settings(limits).await;
    let state = &s.app.state;
    // Longer than the maximum is refused on its field; the default applies otherwise.
    let mut asked = form(9);
    asked["access_days"] = json!(31);
    let too_long = s.invite(&s.member, &asked).await;
    let body = assert_error(too_long, StatusCode::UNPROCESSABLE_ENTITY, "access_too_long").await;
    assert_eq!(body["field"], "access_days");
    let start = state.clock.now_ms();
    let (id, token) = s.guest_with(1, json!({})).await;
    let ends = s.list_row(&id).await["access_ends_at"].as_i64().expect("an end");
    assert!((start + 10 * DAY_MS..=state.clock.now_ms() + 10 * DAY_MS).contains(&ends), "ten days");

    // Seven days before the end: one reminder, to the sponsor and to the guest, once.
    s.app.advance_clock(2 * DAY_MS);
    assert_eq!(parley_server::guest_ends::remind_due(state).await.expect("run"), 0, "not yet");
    s.app.advance_clock(2 * DAY_MS);
    assert_eq!(parley_server::guest_ends::remind_due(state).await.expect("run"), 1);
    assert_eq!(parley_server::guest_ends::remind_due(state).await.expect("run"), 0, "once");
    let notices: Value = s.app.get_auth("/api/v1/notices", &s.member).await.json().await.expect("notices");
    assert!(notices.as_array().expect("notices").iter().any(|n| n["kind"] == "guest_access_ending"), "{notices}");
    assert!(sms_to(&s, &guest_phone(1)).await.iter().any(|t| t.contains("your guest access ends on")));
    assert_eq!(s.app.get_auth("/api/v1/contacts", &token).await.status(), StatusCode::OK);

    // At the end: refused at once, then recorded (sessions revoked, shown ended, a report row).
    s.app.advance_clock(6 * DAY_MS + 1);
    assert_error(s.app.get_auth("/api/v1/contacts", &token).await, StatusCode::FORBIDDEN, "guest_access_ended").await;
    assert_eq!(parley_server::guest_ends::end_due(state).await.expect("run"), 1);
    assert_eq!(parley_server::guest_ends::end_due(state).await.expect("run"), 0, "once");
    assert_error(s.app.get_auth("/api/v1/me", &token).await, StatusCode::UNAUTHORIZED, "unauthorized").await;
    assert_error(s.fresh_login(1).await, StatusCode::FORBIDDEN, "guest_access_ended").await;
    assert_eq!(s.list_row(&id).await["access"], "ended");
    let contacts: Value = s.app.get_auth("/api/v1/contacts", &s.member).await.json().await.expect("contacts");
    let shown = contacts["contacts"].as_array().expect("contacts").iter().find(|c| c["id"] == id.as_str()).cloned();
    let shown = shown.expect("still a contact of its sponsor");
    assert_eq!((shown["access"].as_str(), shown["you_sponsor"].as_bool()), (Some("ended"), Some(true)));

    // Only its sponsor or an admin extends it, within the maximum.
    assert_error(s.extend(&s.colleague, &id, 5).await, StatusCode::NOT_FOUND, "not_found").await;
    let r = s.extend(&s.member, &id, 31).await;
    assert_eq!(assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "access_too_long").await["field"], "access_days");
    assert_eq!(s.extend(&s.member, &id, 20).await.status(), StatusCode::OK);
    assert_eq!(s.fresh_login(1).await.status(), StatusCode::OK, "back in");
    assert_eq!(s.list_row(&id).await["access"], "open");
    let report = s.report(&s.admin, &ReportMonth::of(state.clock.now_ms()).to_string()).await;
    let actions: Vec<&str> =
        report["rows"].as_array().expect("rows").iter().filter_map(|r| r["action"].as_str()).collect();
    assert!(actions.contains(&"expiry") && actions.contains(&"extension"), "{report}");
}

#[tokio::test]
async fn an_access_bound_to_its_conversation_ends_with_it() {
    let s = setup().await;
    let group = s.group_with_colleague().await;
    let cid = group["id"].as_str().expect("id").to_owned();
    let bound = json!({ "conversation_id": cid, "conversation_bound": true });
    let (first, first_token) = s.guest_with(1, bound.clone()).await;
    let (second, _) = s.guest_with(2, bound).await;
    let (free, _) = s.guest_with(3, json!({ "conversation_id": cid })).await;
    // One more, bound and never activated.
    let mut pending = form(4);
    pending["conversation_id"] = json!(cid);
    pending["conversation_bound"] = json!(true);
    let r = s.invite(&s.member, &pending).await;
    let pending_id = r.json::<Value>().await.expect("created")["guest"]["id"].as_str().expect("id").to_owned();

    // The group's admin takes the first guest out: that was its last conversation.
    let r =
        s.app.client.delete(s.app.url(&format!("/api/v1/conversations/{cid}/members/{first}"))).bearer_auth(&s.member);
    assert!(r.send().await.expect("remove").status().is_success());
    assert_error(s.app.get_auth("/api/v1/me", &first_token).await, StatusCode::UNAUTHORIZED, "unauthorized").await;
    assert_error(s.fresh_login(1).await, StatusCode::FORBIDDEN, "guest_access_ended").await;
    assert_eq!(s.fresh_login(2).await.status(), StatusCode::OK, "still in the group");

    // Closing the group ends the bound guest's access, not the other one's.
    let r = s.app.post_auth(&format!("/api/v1/conversations/{cid}/close"), &s.member).await;
    assert!(r.status().is_success(), "{}", r.status());
    assert_error(s.fresh_login(2).await, StatusCode::FORBIDDEN, "guest_access_ended").await;
    assert_eq!(s.fresh_login(3).await.status(), StatusCode::OK);
    assert_eq!(s.list_row(&second).await["access"], "ended");
    assert_eq!(s.list_row(&free).await["access"], "open");
    // No new code for a pending guest whose access ended: login would refuse it.
    let resend = s.app.post_auth(&format!("/api/v1/admin/guests/{pending_id}/resend"), &s.admin).await;
    assert_error(resend, StatusCode::CONFLICT, "conflict").await;
}

#[tokio::test]
async fn a_key_may_bind_and_shorten_the_access_of_the_guest_who_redeems_it() {
    let s = setup().await;
    s.settings(json!({ "guest_access_days_max": 30 })).await;
    let group = s.group_with_colleague().await;
    let cid = group["id"].as_str().expect("id").to_owned();
    let keys = format!("/api/v1/conversations/{cid}/keys");
    let long = json!({"person_name": "Pat Partner", "valid_days": 7, "access_days": 31});
    let r = s.app.post_json_auth(&keys, &s.member, &long).await;
    assert_eq!(assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "access_too_long").await["field"], "access_days");
    let body = json!({"person_name": "Pat Partner", "description": "", "comments": "", "valid_days": 7,
                      "conversation_bound": true, "access_days": 5});
    let key: Value = s.app.post_json_auth(&keys, &s.member, &body).await.json().await.expect("key");
    let start = s.app.state.clock.now_ms();
    let code = key["code"].as_str().expect("code");
    let redeem = json!({"code": code, "first_name": "Pat", "last_name": "Partner", "email": "pat@partner.example",
                        "phone": "+44 20 7946 0321"});
    assert!(s.app.post_json("/api/v1/keys/redeem", &redeem).await.status().is_success());
    let phone = "+442079460321";
    let token = s.app.login(phone, &s.app.read_outbox_code(phone).await).await;
    let me = s.app.activate(&token).await;
    let ends = me["access_ends_at"].as_i64().expect("an end");
    assert!((start + 5 * DAY_MS..start + 6 * DAY_MS).contains(&ends), "five days, as the key said");

    let r = s.app.post_auth(&format!("/api/v1/conversations/{cid}/close"), &s.member).await;
    assert!(r.status().is_success());
    assert_error(s.app.get_auth("/api/v1/me", &token).await, StatusCode::UNAUTHORIZED, "unauthorized").await;
    let code = s.app.request_new_code(phone).await;
    assert_error(s.app.try_login(phone, &code).await, StatusCode::FORBIDDEN, "guest_access_ended").await;
}
