//! Guest sponsors (SPEC §11.1): a sponsor who loses the right to invite or is removed leaves
//! their guests suspended — no login, sockets closed, *Suspended* in Contacts and the guests
//! list, a notice to the admins, a report row — until an admin or an authorised member who
//! sees them takes them over; admins may hand a guest to another sponsor.

use crate::guests_admin::guest_phone;
use crate::helpers::assert_error;
use crate::invitations::{setup, Setup};
use crate::ws::{connect, next_event};
use parley_core::admin::ReportMonth;
use reqwest::StatusCode;
use serde_json::{json, Value};

impl Setup {
    /// Invites guest `n` as `token`, logs the guest in and completes their first login.
    async fn active_guest(&self, token: &str, n: u16) -> (String, String) {
        let id = self.guest(token, n).await;
        let code = self.app.read_outbox_code(&guest_phone(n)).await;
        let guest = self.app.login(&guest_phone(n), &code).await;
        self.app.activate(&guest).await;
        (id, guest)
    }

    async fn row(&self, token: &str, guest_id: &str) -> Value {
        let page = self.guests(token, "").await;
        page["rows"].as_array().expect("rows").iter().find(|r| r["id"] == guest_id).cloned().expect("listed")
    }

    async fn sponsor(&self, token: &str, guest_ids: &[&str], sponsor_id: &str) -> reqwest::Response {
        let body = json!({ "guest_ids": guest_ids, "sponsor_id": sponsor_id });
        self.app.post_json_auth("/api/v1/admin/guests/sponsor", token, &body).await
    }

    async fn take_over(&self, token: &str, guest_id: &str) -> reqwest::Response {
        self.app.post_auth(&format!("/api/v1/guests/{guest_id}/take-over"), token).await
    }

    /// A new code for guest `n`, and what logging in with it answers.
    async fn guest_login(&self, n: u16) -> reqwest::Response {
        let code = self.app.request_new_code(&guest_phone(n)).await;
        self.app.try_login(&guest_phone(n), &code).await
    }

    async fn contact(&self, token: &str, id: &str) -> Value {
        let all: Value = self.app.get_auth("/api/v1/contacts", token).await.json().await.expect("contacts");
        all["contacts"].as_array().expect("contacts").iter().find(|c| c["id"] == id).cloned().expect("a contact")
    }
}

fn actions(report: &Value) -> Vec<(String, String)> {
    report["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| (r["action"].as_str().expect("action").to_owned(), r["sponsor"].as_str().unwrap_or("").to_owned()))
        .collect()
}

#[tokio::test]
async fn the_inviter_sponsors_the_guest() {
    let s = setup().await;
    let guest_id = s.guest(&s.member, 1).await;
    let row = s.row(&s.admin, &guest_id).await;
    assert_eq!(row["sponsor_id"], s.org.member.id.as_str());
    assert_eq!(row["sponsor_name"], "Test User");
    assert_eq!(row["access"], "open");
}

#[tokio::test]
async fn withdrawing_the_right_suspends_the_guests_until_an_authorised_member_takes_them_over() {
    let s = setup().await;
    s.settings(json!({ "activity_report_enabled": true })).await;
    let (guest_id, guest) = s.active_guest(&s.member, 1).await;
    // The colleague shares a group with the guest, so sees them.
    let group = json!({"kind": "group", "member_ids": [guest_id, s.org.colleague.id], "name": "Atlas"});
    assert!(s.app.post_json_auth("/api/v1/conversations", &s.member, &group).await.status().is_success());
    let mut socket = connect(&s.app, &guest).await;

    s.may_invite(&s.org.member.id, false).await;

    // The guest's socket is told and closed, the token is dead, a new code does not log in.
    let mut revoked = false;
    while let Some(e) = next_event(&mut socket).await {
        revoked |= e["type"] == "session_revoked";
    }
    assert!(revoked, "session_revoked before the close");
    assert_error(s.app.get_auth("/api/v1/me", &guest).await, StatusCode::UNAUTHORIZED, "unauthorized").await;
    let refused = assert_error(s.guest_login(1).await, StatusCode::FORBIDDEN, "guest_suspended").await;
    assert!(refused["message"].as_str().expect("message").starts_with("Your guest access is suspended"));
    // Suspended in the list, which filters on it, and in the colleague's Contacts.
    let row = s.row(&s.admin, &guest_id).await;
    assert_eq!((row["access"].as_str(), row["sponsor_id"].is_null()), (Some("suspended"), true));
    let without = s.guests(&s.admin, "without_sponsor=true").await;
    assert_eq!((without["total"].as_u64(), without["rows"][0]["id"].as_str()), (Some(1), Some(guest_id.as_str())));
    assert_eq!(s.guests(&s.admin, "without_sponsor=true&search=0101").await["total"], 1);
    assert_eq!(s.guests(&s.admin, "without_sponsor=true&status=pending").await["total"], 0);
    assert_eq!(s.contact(&s.colleague, &guest_id).await["access"], "suspended");
    // The admins are told.
    let notices: Value = s.app.get_auth("/api/v1/notices", &s.admin).await.json().await.expect("notices");
    let told = notices.as_array().expect("notices").iter().any(|n| {
        n["kind"] == "guest_suspended" && n["body"].as_str().is_some_and(|b| b.contains("may no longer invite guests"))
    });
    assert!(told, "{notices}");

    // The colleague may invite and sees the guest: takes them over.
    let me: Value = s.app.get_auth("/api/v1/me", &s.colleague).await.json().await.expect("me");
    assert_eq!(me["may_sponsor"], true);
    assert_eq!(s.take_over(&s.colleague, &guest_id).await.status(), StatusCode::OK);
    let row = s.row(&s.admin, &guest_id).await;
    assert_eq!((row["access"].as_str(), row["sponsor_id"].as_str()), (Some("open"), Some(s.org.colleague.id.as_str())));
    assert_eq!(s.contact(&s.colleague, &guest_id).await["access"], "open");
    assert_eq!(s.guest_login(1).await.status(), StatusCode::OK, "the guest logs in again");
    // The report has both, with the sponsors concerned.
    let report = s.report(&s.admin, &ReportMonth::of(s.app.state.clock.now_ms()).to_string()).await;
    let got = actions(&report);
    assert!(got.contains(&("suspension".into(), "Test User".into())), "{report}");
    assert!(got.contains(&("take_over".into(), "Test User".into())), "{report}");
}

#[tokio::test]
async fn removing_a_member_suspends_their_guests_and_admins_take_them_over_or_reassign_them() {
    let s = setup().await;
    s.settings(json!({ "activity_report_enabled": true })).await;
    let first = s.guest(&s.member, 1).await;
    let (second, _) = s.active_guest(&s.member, 2).await;

    let r = s.app.post_auth(&format!("/api/v1/admin/members/{}/remove", s.org.member.id), &s.admin).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.json::<Value>().await.expect("removed")["guests_suspended"], 2);
    assert_error(s.app.get_auth("/api/v1/me", &s.member).await, StatusCode::UNAUTHORIZED, "unauthorized").await;
    assert_eq!(s.guests(&s.admin, "without_sponsor=true").await["total"], 2);
    // Pending or active, a suspended guest cannot log in.
    assert_error(s.guest_login(1).await, StatusCode::FORBIDDEN, "guest_suspended").await;

    // Only someone who may sponsor can be given guests.
    s.may_invite(&s.org.colleague.id, false).await;
    assert_error(
        s.sponsor(&s.admin, &[&first], &s.org.colleague.id).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "sponsor_not_allowed",
    )
    .await;
    assert_error(
        s.sponsor(&s.admin, &[&first], &second).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "sponsor_not_allowed",
    )
    .await;
    assert_error(
        s.sponsor(&s.admin, &[&first], &s.org.member.id).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "sponsor_not_allowed",
    )
    .await;
    s.may_invite(&s.org.colleague.id, true).await;

    // An admin hands one to the colleague and takes the other over.
    assert_eq!(s.sponsor(&s.admin, &[&first], &s.org.colleague.id).await.status(), StatusCode::OK);
    assert_eq!(s.sponsor(&s.admin, &[&second], &s.org.company_admin.id).await.status(), StatusCode::OK);
    assert_eq!(s.row(&s.admin, &first).await["sponsor_id"], s.org.colleague.id.as_str());
    assert_eq!(s.row(&s.admin, &second).await["sponsor_id"], s.org.company_admin.id.as_str());
    assert_eq!(s.guests(&s.admin, "without_sponsor=true").await["total"], 0);
    assert_eq!(s.guest_login(2).await.status(), StatusCode::OK);
    let report = s.report(&s.admin, &ReportMonth::of(s.app.state.clock.now_ms()).to_string()).await;
    let takeovers = actions(&report).into_iter().filter(|(a, _)| a == "take_over").count();
    assert_eq!(takeovers, 2, "{report}");

    // A guest's sponsor who loses the right later hands nothing else: the colleague's one guest.
    s.may_invite(&s.org.colleague.id, false).await;
    assert_eq!(s.row(&s.admin, &first).await["access"], "suspended");
    assert_eq!(s.row(&s.admin, &second).await["access"], "open", "an admin keeps their guests");
}

#[tokio::test]
async fn who_may_take_a_guest_over() {
    let s = setup().await;
    let (guest_id, guest) = s.active_guest(&s.member, 1).await;
    // A live sponsor is replaced only by an admin; a member who does not see the guest is told
    // nothing; a guest never takes anyone over.
    assert_error(s.take_over(&s.colleague, &guest_id).await, StatusCode::NOT_FOUND, "not_found").await;
    assert_error(s.take_over(&guest, &guest_id).await, StatusCode::NOT_FOUND, "not_found").await;
    s.may_invite(&s.org.member.id, false).await;
    assert_error(s.take_over(&s.colleague, &guest_id).await, StatusCode::NOT_FOUND, "not_found").await;
    // The former sponsor sees the guest but may not sponsor any more.
    assert_error(s.take_over(&s.member, &guest_id).await, StatusCode::FORBIDDEN, "forbidden").await;
    // A department admin of another branch does not reach the guest; the sales admin does.
    let engineering_admin = s.app.login_active(&s.org.engineering_admin).await;
    assert_error(s.take_over(&engineering_admin, &guest_id).await, StatusCode::NOT_FOUND, "not_found").await;
    assert_error(
        s.sponsor(&engineering_admin, &[&guest_id], &s.org.engineering_admin.id).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    let sales_admin = s.app.login_active(&s.org.sales_admin).await;
    assert_eq!(s.take_over(&sales_admin, &guest_id).await.status(), StatusCode::OK);
    // A department admin hands guests only to people of their departments.
    let elsewhere = s.sponsor(&sales_admin, &[&guest_id], &s.org.colleague.id).await;
    assert_error(elsewhere, StatusCode::UNPROCESSABLE_ENTITY, "sponsor_not_allowed").await;
    // A member may not reassign through the admin route.
    assert_error(s.sponsor(&s.colleague, &[&guest_id], &s.org.colleague.id).await, StatusCode::FORBIDDEN, "forbidden")
        .await;
    // Another organisation's admin is not told the guest exists.
    let other = s.app.seed_org("Other", 50).await;
    let other_admin = s.app.login_active(&other.company_admin).await;
    assert_error(s.take_over(&other_admin, &guest_id).await, StatusCode::NOT_FOUND, "not_found").await;
    // A company admin may not remove themselves, a guest, or someone of another organisation.
    let me = &s.org.company_admin.id;
    assert_error(
        s.app.post_auth(&format!("/api/v1/admin/members/{me}/remove"), &s.admin).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    assert_error(
        s.app.post_auth(&format!("/api/v1/admin/members/{guest_id}/remove"), &s.admin).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    assert_error(
        s.app.post_auth(&format!("/api/v1/admin/members/{}/remove", other.member.id), &s.admin).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    assert_error(
        s.app.post_auth(&format!("/api/v1/admin/members/{}/remove", s.org.colleague.id), &sales_admin).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
}
