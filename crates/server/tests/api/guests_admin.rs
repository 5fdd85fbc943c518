//! Administration of guests (SPEC §7.6, §8, §9): the scoped list, incorporate, delete, pending
//! invitations (resend, amend, cancel), reminders on a controllable clock, the activity report
//! and its monthly e-mail, the users list and settings pushes.

use crate::helpers::{assert_error, extract_code};
use crate::invitations::{form, setup, Setup};
use crate::ws::{connect, next_event};
use parley_core::admin::ReportMonth;
use reqwest::StatusCode;
use serde_json::{json, Value};

const DAY_MS: i64 = 24 * 3_600_000;

impl Setup {
    /// Invites guest `n` as `token` and returns its id.
    pub(crate) async fn guest(&self, token: &str, n: u16) -> String {
        let r = self.invite(token, &form(n)).await;
        assert_eq!(r.status(), StatusCode::CREATED);
        let body: Value = r.json().await.expect("created");
        body["guest"]["id"].as_str().expect("id").to_owned()
    }

    pub(crate) async fn guests(&self, token: &str, query: &str) -> Value {
        let r = self.app.get_auth(&format!("/api/v1/admin/guests?{query}"), token).await;
        assert_eq!(r.status(), StatusCode::OK, "{query}");
        r.json().await.expect("page")
    }

    async fn batch(&self, token: &str, action: &str, ids: &[&str]) -> reqwest::Response {
        self.app.post_json_auth(&format!("/api/v1/admin/guests/{action}"), token, &json!({ "guest_ids": ids })).await
    }

    pub(crate) async fn report(&self, token: &str, month: &str) -> Value {
        let r = self.app.get_auth(&format!("/api/v1/admin/activity?month={month}"), token).await;
        assert_eq!(r.status(), StatusCode::OK);
        r.json().await.expect("report")
    }
}

fn ids(page: &Value) -> Vec<String> {
    page["rows"].as_array().expect("rows").iter().map(|r| r["id"].as_str().expect("id").to_owned()).collect()
}

/// Guest `n`'s phone number in E.164 (see `form`).
pub(crate) fn guest_phone(n: u16) -> String {
    format!("+44207946{:04}", 100 + n)
}

#[tokio::test]
async fn the_list_counter_and_search_are_scoped_to_the_admins_departments() {
    let s = setup().await;
    let emea_1 = s.guest(&s.member, 1).await; // Sales EMEA, under Sales
    let emea_2 = s.guest(&s.member, 2).await;
    let engineering = s.guest(&s.colleague, 3).await;
    let sales_admin = s.app.login_active(&s.org.sales_admin).await;
    let engineering_admin = s.app.login_active(&s.org.engineering_admin).await;

    let all = s.guests(&s.admin, "").await;
    assert_eq!((all["created"].as_u64(), all["total"].as_u64()), (Some(3), Some(3)));
    // Newest invitation first by default.
    assert_eq!(ids(&all), vec![engineering.clone(), emea_2.clone(), emea_1.clone()]);

    // The parent department's admin: the sub-department's guests, not the sibling's.
    let sales = s.guests(&sales_admin, "").await;
    assert_eq!(sales["created"], 2);
    let mut got = ids(&sales);
    got.sort();
    let mut want = vec![emea_1.clone(), emea_2.clone()];
    want.sort();
    assert_eq!(got, want);
    let eng = s.guests(&engineering_admin, "").await;
    assert_eq!((eng["created"].as_u64(), ids(&eng)), (Some(1), vec![engineering.clone()]));

    // Search is scoped too (every inviter confirmed the name "Test User" at first login).
    assert_eq!(s.guests(&sales_admin, "search=test%20user").await["total"], 2);
    assert_eq!(s.guests(&s.admin, "search=test%20user").await["total"], 3);
    assert_eq!(ids(&s.guests(&engineering_admin, "search=guest3").await), vec![engineering.clone()]);
    assert_eq!(s.guests(&engineering_admin, "search=guest1").await["total"], 0);
    // The counter does not move with the search.
    assert_eq!(s.guests(&sales_admin, "search=guest1").await["created"], 2);

    // Acting on a guest outside the scope: not even said to exist.
    assert_error(s.batch(&sales_admin, "delete", &[&engineering]).await, StatusCode::NOT_FOUND, "not_found").await;
    assert_error(
        s.batch(&sales_admin, "incorporate", &[&emea_1, &engineering]).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    assert_eq!(s.guests(&s.admin, "").await["created"], 3, "all or nothing: nothing changed");
    let r = s.app.post_auth(&format!("/api/v1/admin/guests/{engineering}/resend"), &sales_admin).await;
    assert_error(r, StatusCode::NOT_FOUND, "not_found").await;

    // Members and guests have no admin screens.
    assert_error(s.app.get_auth("/api/v1/admin/guests", &s.member).await, StatusCode::FORBIDDEN, "forbidden").await;
    assert_error(s.batch(&s.member, "delete", &[&emea_1]).await, StatusCode::FORBIDDEN, "forbidden").await;
    let code = s.app.read_outbox_code(&guest_phone(1)).await;
    let guest = s.app.login(&guest_phone(1), &code).await;
    s.app.activate(&guest).await;
    assert_error(s.app.get_auth("/api/v1/admin/guests", &guest).await, StatusCode::FORBIDDEN, "forbidden").await;
    assert_error(
        s.app.get_auth("/api/v1/admin/activity?month=2026-11", &guest).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    // Department admins have no users list (company-wide rights).
    assert_error(s.app.get_auth("/api/v1/admin/members", &sales_admin).await, StatusCode::FORBIDDEN, "forbidden").await;
}

#[tokio::test]
async fn search_filter_sort_and_pages() {
    let s = setup().await;
    let mut all = Vec::new();
    for n in 1..=5 {
        all.push(s.guest(&s.member, n).await);
    }
    // One character: no filter (SPEC §8: from two characters on).
    assert_eq!(s.guests(&s.admin, "search=g").await["total"], 5);
    // Two characters and more: the start of any word of the names, any part of the user ID
    // (whatever the spacing), the inviter's name; words in any order.
    assert_eq!(ids(&s.guests(&s.admin, "search=guest3").await), vec![all[2].clone()]);
    assert_eq!(ids(&s.guests(&s.admin, "search=GINA%20GUEST4").await), vec![all[3].clone()]);
    assert_eq!(ids(&s.guests(&s.admin, "search=guest4%20gi").await), vec![all[3].clone()]);
    assert_eq!(ids(&s.guests(&s.admin, "search=%2B44%2020%207946%200102").await), vec![all[1].clone()]);
    assert_eq!(ids(&s.guests(&s.admin, "search=7946%200105").await), vec![all[4].clone()]);
    assert_eq!(s.guests(&s.admin, "search=test%20us").await["total"], 5, "the inviter's name");
    assert_eq!(s.guests(&s.admin, "search=est%20us").await["total"], 0, "the start of a word, not its middle");
    assert_eq!(s.guests(&s.admin, "search=zz").await["total"], 0);
    assert_eq!(s.guests(&s.admin, "search=%25").await["total"], 5, "one character, even a wildcard, is no filter");
    assert_eq!(s.guests(&s.admin, "search=%25%25").await["total"], 0, "wildcards match themselves");

    // Sorting by last name both ways, then pages of two.
    let asc = ids(&s.guests(&s.admin, "sort=last_name&direction=asc").await);
    assert_eq!(asc, all);
    let desc = ids(&s.guests(&s.admin, "sort=last_name&direction=desc").await);
    assert_eq!(desc, all.iter().rev().cloned().collect::<Vec<_>>());
    let page2 = s.guests(&s.admin, "sort=last_name&direction=asc&limit=2&offset=2").await;
    assert_eq!(
        (ids(&page2), page2["total"].as_u64(), page2["offset"].as_u64()),
        (all[2..4].to_vec(), Some(5), Some(2))
    );
    assert_eq!(s.guests(&s.admin, "search=%00%00").await["total"], 5, "control characters are no search, not a 500");
    let r = s.batch(&s.admin, "delete", &["\u{0}"]).await;
    assert_error(r, StatusCode::NOT_FOUND, "not_found").await;
    let bad = s.app.get_auth("/api/v1/admin/guests?sort=password", &s.admin).await;
    assert_error(bad, StatusCode::BAD_REQUEST, "invalid_request").await;
    let bad = s.app.get_auth("/api/v1/admin/guests?offset=-1", &s.admin).await;
    assert_error(bad, StatusCode::BAD_REQUEST, "invalid_request").await;

    // Pending filter: one guest activates.
    let code = s.app.read_outbox_code(&guest_phone(1)).await;
    s.app.activate(&s.app.login(&guest_phone(1), &code).await).await;
    let pending = s.guests(&s.admin, "status=pending").await;
    assert_eq!((pending["total"].as_u64(), pending["created"].as_u64()), (Some(4), Some(5)));
    assert!(!ids(&pending).contains(&all[0]));
    let active = s.guests(&s.admin, "status=active").await;
    assert_eq!(ids(&active), vec![all[0].clone()]);
    let row = &active["rows"][0];
    assert_eq!(row["invited_by_name"], "Test User");
    assert_eq!(row["department_name"], "Sales EMEA");
    assert_eq!(row["phone_display"], "+44 20 7946 0101");
}

#[tokio::test]
async fn incorporating_makes_a_member_who_sees_and_is_seen_by_everyone() {
    let s = setup().await;
    let group = s.group_with_colleague().await;
    let gid = group["id"].as_str().expect("id").to_owned();
    let r = s.invite(&s.member, &crate::invitations::with(form(1), json!({ "conversation_id": gid }))).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let guest_id = r.json::<Value>().await.expect("created")["guest"]["id"].as_str().expect("id").to_owned();
    let other = s.guest(&s.member, 2).await;
    let code = s.app.read_outbox_code(&guest_phone(1)).await;
    let guest = s.app.login(&guest_phone(1), &code).await;
    s.app.activate(&guest).await;
    let cursor = s.app.get_auth("/api/v1/contacts", &guest).await.json::<Value>().await.expect("contacts")["cursor"]
        .as_str()
        .expect("cursor")
        .to_owned();
    // Before: a guest sees only their inviter and who shares a conversation; the company
    // admin does not see them in Contacts (not invited by, no shared conversation).
    assert!(!s.contact_ids(&s.admin).await.contains(&guest_id));
    let mut socket = connect(&s.app, &guest).await;

    let r = s.batch(&s.admin, "incorporate", &[&guest_id]).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.json::<Value>().await.expect("body")["count"], 1);

    // The guest's client is told at once that its own account changed.
    let mut told = false;
    for _ in 0..5 {
        match next_event(&mut socket).await {
            Some(e) if e["type"] == "account_changed" => {
                told = true;
                break;
            }
            Some(_) => {}
            None => break,
        }
    }
    assert!(told, "account_changed pushed to the incorporated account");
    let me: Value = s.app.get_auth("/api/v1/me", &guest).await.json().await.expect("me");
    assert_eq!((me["kind"].as_str(), me["role"].as_str()), (Some("member"), Some("member")));
    assert_eq!(me["department_id"], s.org.emea.as_str(), "a member of their department");
    // Their delta from the old cursor is a full list: every member of the organisation.
    let delta: Value =
        s.app.get_auth(&format!("/api/v1/contacts?cursor={cursor}"), &guest).await.json().await.expect("delta");
    assert_eq!(delta["full_resync"], true);
    let seen: Vec<&str> =
        delta["contacts"].as_array().expect("contacts").iter().filter_map(|c| c["id"].as_str()).collect();
    for m in s.org.everyone() {
        assert!(seen.contains(&m.id.as_str()), "sees {}", m.phone);
    }
    assert!(!seen.contains(&other.as_str()), "still no other guest");
    // Everyone sees them now, as a member; they left the guests list.
    assert!(s.contact_ids(&s.admin).await.contains(&guest_id));
    let page = s.guests(&s.admin, "").await;
    assert_eq!((page["created"].as_u64(), ids(&page)), (Some(1), vec![other.clone()]));
    // They keep their conversations and may now do what members do.
    let r = s.app.get_auth(&format!("/api/v1/conversations/{gid}"), &guest).await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = s
        .app
        .post_json_auth("/api/v1/conversations", &guest, &json!({"kind": "direct", "member_ids": [s.org.colleague.id]}))
        .await;
    assert!(r.status().is_success(), "a member may message any member: {}", r.status());
    // Incorporating again: it is no longer a guest.
    assert_error(s.batch(&s.admin, "incorporate", &[&guest_id]).await, StatusCode::NOT_FOUND, "not_found").await;
}

#[tokio::test]
async fn deleting_ends_sessions_at_once_and_keeps_messages_as_from_a_former_guest() {
    let s = setup().await;
    let guest_id = s.guest(&s.member, 1).await;
    let code = s.app.read_outbox_code(&guest_phone(1)).await;
    let guest = s.app.login(&guest_phone(1), &code).await;
    s.app.activate(&guest).await;
    let dm = s
        .app
        .post_json_auth("/api/v1/conversations", &guest, &json!({"kind": "direct", "member_ids": [s.org.member.id]}))
        .await;
    assert!(dm.status().is_success());
    let cid = dm.json::<Value>().await.expect("dm")["id"].as_str().expect("id").to_owned();
    let sent = s
        .app
        .post_json_auth(
            &format!("/api/v1/conversations/{cid}/messages"),
            &guest,
            &json!({"client_id": "00000000-0000-4000-8000-000000000001", "body": "Hello from outside"}),
        )
        .await;
    assert!(sent.status().is_success(), "{}", sent.text().await.unwrap_or_default());
    let cursor = s.app.get_auth("/api/v1/contacts", &s.member).await.json::<Value>().await.expect("c")["cursor"]
        .as_str()
        .expect("cursor")
        .to_owned();
    let mut socket = connect(&s.app, &guest).await;

    let r = s.batch(&s.admin, "delete", &[&guest_id]).await;
    assert_eq!(r.status(), StatusCode::OK);

    // The open socket is told and closed; the token is dead; no new code either.
    let mut revoked = false;
    while let Some(e) = next_event(&mut socket).await {
        revoked |= e["type"] == "session_revoked";
    }
    assert!(revoked, "session_revoked before the close");
    assert_error(s.app.get_auth("/api/v1/me", &guest).await, StatusCode::UNAUTHORIZED, "unauthorized").await;
    let r = s.app.post_json("/api/v1/auth/request-code", &json!({ "phone": guest_phone(1) })).await;
    assert_eq!(r.status(), StatusCode::ACCEPTED, "same answer as for an unknown number");
    assert!(s.app.try_login(&guest_phone(1), &code).await.status().is_client_error());
    // Gone from the inviter's contacts (listed as removed), from the list, into the report.
    let delta: Value =
        s.app.get_auth(&format!("/api/v1/contacts?cursor={cursor}"), &s.member).await.json().await.expect("delta");
    assert!(delta["removed"].as_array().expect("removed").iter().any(|id| id == guest_id.as_str()));
    assert_eq!(s.guests(&s.admin, "").await["created"], 0);
    // No longer a member of the conversation (no events, not listed).
    let conversation: Value =
        s.app.get_auth(&format!("/api/v1/conversations/{cid}"), &s.member).await.json().await.expect("c");
    let listed =
        conversation["members"].as_array().expect("members").iter().any(|m| m["contact"]["id"] == guest_id.as_str());
    assert!(!listed, "the deleted guest is not listed: {conversation}");
    // The message stays, from a former guest.
    let history: Value = s
        .app
        .get_auth(&format!("/api/v1/conversations/{cid}/messages"), &s.member)
        .await
        .json()
        .await
        .expect("history");
    let text = history["messages"].as_array().expect("messages").iter().find(|m| m["body"] == "Hello from outside");
    assert_eq!(text.expect("the message stays")["sender_name"], "Former guest");
    // The number is free again for a new invitation.
    assert_eq!(s.invite(&s.member, &form(1)).await.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn pending_invitations_can_be_resent_amended_and_cancelled() {
    let s = setup().await;
    let guest_id = s.guest(&s.member, 1).await;
    let first = s.app.read_outbox_code(&guest_phone(1)).await;

    // Resend: a new code, by the invitation's modes.
    let r = s.app.post_auth(&format!("/api/v1/admin/guests/{guest_id}/resend"), &s.admin).await;
    assert_eq!(r.status(), StatusCode::OK);
    let second = s.app.read_outbox_code(&guest_phone(1)).await;
    assert_ne!(first, second);

    // Amend: the same rules as the form, on their fields.
    let amend = |body: Value| {
        let url = s.app.url(&format!("/api/v1/admin/guests/{guest_id}"));
        let client = s.app.client.clone();
        let token = s.admin.clone();
        async move { client.put(url).bearer_auth(token).json(&body).send().await.expect("put") }
    };
    let ok = json!({"first_name": "Gina", "last_name": "Corrected", "email": "gina@partner.example", "phone": "+44 20 7946 0999"});
    let r = amend(crate::invitations::with(ok.clone(), json!({"phone": "+44 12"}))).await;
    assert_eq!(assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "invalid_format").await["field"], "phone");
    let r = amend(crate::invitations::with(ok.clone(), json!({"email": "not-an-email"}))).await;
    let body = assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "invalid_format").await;
    assert_eq!((body["field"].as_str(), body["message"].as_str()), (Some("email"), Some("Invalid format")));
    s.settings(json!({ "forbidden_email_domains": ["rival.example"] })).await;
    let r = amend(crate::invitations::with(ok.clone(), json!({"email": "g@eu.rival.example"}))).await;
    assert_eq!(
        assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "domain_forbidden").await["message"],
        "The domain is forbidden"
    );
    let r = amend(crate::invitations::with(ok.clone(), json!({"phone": "+1 201 555 0103"}))).await; // the member's number
    let body = assert_error(r, StatusCode::CONFLICT, "contact_exists").await;
    assert_eq!(body["message"], "This contact already exists in your organization");
    // Only the e-mail was wrong: whoever got the first invitation cannot use its code now.
    let r = amend(json!({"first_name": "Gina", "last_name": "Guest1", "email": "gina.right@partner.example", "phone": "+44 20 7946 0101"})).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_error(s.app.try_login(&guest_phone(1), &second).await, StatusCode::UNAUTHORIZED, "invalid_code").await;
    let _ = s.app.read_outbox_code(&guest_phone(1)).await;
    let r = amend(ok).await;
    assert_eq!(r.status(), StatusCode::OK);
    let row: Value = r.json().await.expect("row");
    assert_eq!((row["last_name"].as_str(), row["phone"].as_str()), (Some("Corrected"), Some("+442079460999")));
    // The corrected number gets a working code; the old number has no account any more.
    let code = s.app.read_outbox_code("+442079460999").await;
    let token = s.app.login("+442079460999", &code).await;
    assert!(!token.is_empty());

    // Not pending any more once activated: resend, amend and cancel are refused.
    s.app.activate(&token).await;
    let r = s.app.post_auth(&format!("/api/v1/admin/guests/{guest_id}/resend"), &s.admin).await;
    assert_error(r, StatusCode::CONFLICT, "conflict").await;

    // Cancel a pending one: the guest is removed and cannot log in.
    let other = s.guest(&s.member, 2).await;
    let code = s.app.read_outbox_code(&guest_phone(2)).await;
    let r = s.app.post_auth(&format!("/api/v1/admin/guests/{other}/cancel"), &s.admin).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(s.app.try_login(&guest_phone(2), &code).await.status().is_client_error());
    assert!(!ids(&s.guests(&s.admin, "").await).contains(&other));
}

/// Counts the outbox rows (SMS) queued for a number.
async fn sms_count(s: &Setup, phone: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE channel = 'sms' AND recipient = $1")
        .bind(phone)
        .fetch_one(&s.app.state.db)
        .await
        .expect("count")
}

#[tokio::test]
async fn reminders_go_out_once_a_day_up_to_the_limit_and_never_twice() {
    let s = setup().await;
    s.settings(json!({ "reminders_max": 2 })).await;
    let _pending = s.guest(&s.member, 1).await;
    let activated = s.guest(&s.member, 2).await;
    let code = s.app.read_outbox_code(&guest_phone(2)).await;
    s.app.activate(&s.app.login(&guest_phone(2), &code).await).await;
    let state = &s.app.state;
    assert_eq!(sms_count(&s, &guest_phone(1)).await, 1, "the invitation");

    s.app.advance_clock(DAY_MS - 60_000);
    assert_eq!(parley_server::scheduler::send_reminders(state).await.expect("run"), 0, "not a day yet");
    s.app.advance_clock(60_000);
    // Two nodes running the job at the same moment send one reminder.
    let (a, b) =
        tokio::join!(parley_server::scheduler::send_reminders(state), parley_server::scheduler::send_reminders(state));
    assert_eq!(a.expect("a") + b.expect("b"), 1);
    assert_eq!(sms_count(&s, &guest_phone(1)).await, 2);
    // Read as delivered: the outbox table keeps no body once a message is sent.
    s.app.wait_outbox_drained().await;
    let newest = s.app.outbox_files("sms", &guest_phone(1)).pop().expect("the reminder's file");
    let file = std::fs::read_to_string(newest).expect("read");
    let text = file.split_once("\n\n").map(|(_, body)| body).unwrap_or_default();
    assert!(text.starts_with("Reminder: "), "{text}");
    assert!(extract_code(text).is_some(), "a fresh code: {text}");
    assert_eq!(parley_server::scheduler::send_reminders(state).await.expect("run"), 0, "once a day");

    s.app.advance_clock(DAY_MS);
    assert_eq!(parley_server::scheduler::send_reminders(state).await.expect("run"), 1);
    s.app.wait_outbox_drained().await;
    let fresh = s.app.read_outbox_code(&guest_phone(1)).await;
    s.app.advance_clock(DAY_MS);
    assert_eq!(parley_server::scheduler::send_reminders(state).await.expect("run"), 0, "at most reminders_max");
    assert_eq!(sms_count(&s, &guest_phone(1)).await, 3);
    assert_eq!(sms_count(&s, &guest_phone(2)).await, 1, "an activated guest gets none");
    let _ = activated;

    // A reminder's code logs in.
    s.app.wait_outbox_drained().await;
    let r = s.app.try_login(&guest_phone(1), &fresh).await;
    assert_eq!(r.status(), StatusCode::OK, "the reminder's code works");

    // Reminders off (or the guest feature off): none.
    let third = s.guest(&s.member, 3).await;
    s.settings(json!({ "reminders_enabled": false })).await;
    s.app.advance_clock(DAY_MS);
    assert_eq!(parley_server::scheduler::send_reminders(state).await.expect("run"), 0);
    // Cancelled: none either, even with reminders back on.
    s.settings(json!({ "reminders_enabled": true })).await;
    assert_eq!(
        s.app.post_auth(&format!("/api/v1/admin/guests/{third}/cancel"), &s.admin).await.status(),
        StatusCode::OK
    );
    assert_eq!(parley_server::scheduler::send_reminders(state).await.expect("run"), 0);
}

#[tokio::test]
async fn the_activity_report_lists_the_month_and_is_mailed_once() {
    let s = setup().await;
    let month = ReportMonth::of(s.app.state.clock.now_ms()).to_string();
    let invited = s.guest(&s.member, 1).await;
    let second = s.guest(&s.colleague, 2).await;

    // Off by default: no columns, no rows.
    let off = s.report(&s.admin, &month).await;
    assert_eq!((off["enabled"].as_bool(), off["rows"].as_array().map(Vec::len)), (Some(false), Some(0)));

    s.settings(json!({ "activity_report_enabled": true })).await;
    assert_eq!(s.batch(&s.admin, "incorporate", &[&invited]).await.status(), StatusCode::OK);
    assert_eq!(s.batch(&s.admin, "delete", &[&second]).await.status(), StatusCode::OK);
    let report = s.report(&s.admin, &month).await;
    assert_eq!(report["enabled"], true);
    let rows: Vec<(String, String, String)> = report["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| {
            (
                r["actor"].as_str().unwrap().into(),
                r["action"].as_str().unwrap().into(),
                r["guest"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        vec![
            ("Test User".into(), "invitation".into(), "Gina Guest1 (+44 20 7946 0101)".into()),
            ("Test User".into(), "invitation".into(), "Gina Guest2 (+44 20 7946 0102)".into()),
            ("Test User".into(), "incorporation".into(), "Gina Guest1 (+44 20 7946 0101)".into()),
            ("Test User".into(), "deletion".into(), "Gina Guest2 (+44 20 7946 0102)".into()),
        ]
    );
    // A department admin reads their guests' rows only; another month is empty.
    let sales_admin = s.app.login_active(&s.org.sales_admin).await;
    assert_eq!(s.report(&sales_admin, &month).await["rows"].as_array().map(Vec::len), Some(2));
    let previous = ReportMonth::parse(&month).expect("month").previous().to_string();
    assert_eq!(s.report(&s.admin, &previous).await["rows"].as_array().map(Vec::len), Some(0));
    let r = s.app.get_auth("/api/v1/admin/activity?month=2026-13", &s.admin).await;
    assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "invalid_format").await;

    // Next month, the report is mailed to the company admin — once, even from two nodes.
    let (_, end) = ReportMonth::parse(&month).expect("month").bounds_ms();
    s.app.advance_clock(end - s.app.state.clock.now_ms() + 3_600_000);
    let state = &s.app.state;
    let (a, b) = tokio::join!(parley_server::activity::mail_due(state), parley_server::activity::mail_due(state));
    assert_eq!(a.expect("a") + b.expect("b"), 1);
    assert_eq!(parley_server::activity::mail_due(state).await.expect("again"), 0);
    let admin_email = s.org.company_admin.email.clone().expect("email");
    // Read as delivered: the outbox table keeps no body once a message is sent.
    s.app.wait_outbox_drained().await;
    let report = s
        .app
        .outbox_files("email", &admin_email)
        .into_iter()
        .map(|f| std::fs::read_to_string(f).expect("read"))
        .find(|text| text.contains("activity report"))
        .expect("one report e-mail");
    let (head, body) = report.split_once("\n\n").expect("headers, then the body");
    let subject = head.lines().find_map(|l| l.strip_prefix("Subject: ")).unwrap_or_default().to_owned();
    assert!(subject.contains(&month), "{subject}");
    assert!(body.contains("Incorporation") && body.contains("Gina Guest2 (+44 20 7946 0102)"), "{body}");
}

#[tokio::test]
async fn the_users_list_grants_the_right_and_settings_changes_are_pushed() {
    let s = setup().await;
    let page: Value =
        s.app.get_auth("/api/v1/admin/members?authorised_only=true", &s.admin).await.json().await.expect("page");
    let mut authorised: Vec<&str> =
        page["rows"].as_array().expect("rows").iter().filter_map(|r| r["id"].as_str()).collect();
    authorised.sort();
    let mut want = vec![s.org.member.id.as_str(), s.org.colleague.id.as_str()];
    want.sort();
    assert_eq!(authorised, want);
    let all: Value = s.app.get_auth("/api/v1/admin/members", &s.admin).await.json().await.expect("page");
    assert_eq!(all["total"], 5);
    let found: Value =
        s.app.get_auth("/api/v1/admin/members?search=555%200104", &s.admin).await.json().await.expect("page");
    assert_eq!(found["rows"][0]["id"], s.org.colleague.id.as_str());
    assert_eq!(found["rows"][0]["may_invite"], true);

    // Revoking from the list: the next invitation is refused with the exact message.
    s.may_invite(&s.org.colleague.id, false).await;
    let r = s.invite(&s.colleague, &form(1)).await;
    let body = assert_error(r, StatusCode::FORBIDDEN, "not_authorized_to_invite").await;
    assert!(body["message"].as_str().unwrap_or_default().starts_with("You are not anymore authorized"));

    // A saved setting is pushed to every socket of the organisation.
    let mut socket = connect(&s.app, &s.member).await;
    s.settings(json!({ "activation_code_validity_hours": 1 })).await;
    let mut pushed = false;
    for _ in 0..5 {
        match next_event(&mut socket).await {
            Some(e) if e["type"] == "settings_changed" => {
                pushed = true;
                break;
            }
            Some(_) => {}
            None => break,
        }
    }
    assert!(pushed, "settings_changed pushed");
    // The validity applies to the next invitation: its code is dead after an hour.
    let guest_id = s.guest(&s.member, 2).await;
    let code = s.app.read_outbox_code(&guest_phone(2)).await;
    s.app.advance_clock(3_600_000 + 1_000);
    assert_error(s.app.try_login(&guest_phone(2), &code).await, StatusCode::UNAUTHORIZED, "invalid_code").await;
    let _ = guest_id;
    // Bad values are refused on their field.
    let current: Value = s.app.get_auth("/api/v1/admin/settings", &s.admin).await.json().await.expect("settings");
    let mut bad = current.clone();
    bad["reminders_max"] = json!(99);
    let r = s
        .app
        .client
        .put(s.app.url("/api/v1/admin/settings"))
        .bearer_auth(&s.admin)
        .json(&bad)
        .send()
        .await
        .expect("put");
    assert_eq!(assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "invalid_format").await["field"], "reminders_max");
}

/// Adds `n` activated guests named "Lena Bulk0000"… invited by the member, straight into the
/// database (as an import would), then writes their search words.
async fn bulk_guests(s: &Setup, n: usize) {
    let db = &s.app.state.db;
    let now = s.app.state.clock.now_ms();
    let mut tx = db.begin().await.expect("tx");
    for i in 0..n {
        let id = parley_server::db::new_id();
        sqlx::query(
            "INSERT INTO accounts (id, organisation_id, department_id, kind, role, status, first_name, last_name, phone, \
             invited_by, created_at, updated_at, change_seq) \
             VALUES ($1, $2, $3, 'guest', 'guest', 'active', 'Lena', $4, $5, $6, $7, $7, 0)",
        )
        .bind(&id)
        .bind(&s.org.id)
        .bind(&s.org.emea)
        .bind(format!("Bulk{i:04}"))
        .bind(format!("+4479000{i:05}"))
        .bind(&s.org.member.id)
        .bind(now + i as i64)
        .execute(&mut *tx)
        .await
        .expect("guest");
        sqlx::query(
            "INSERT INTO invitations (id, organisation_id, guest_id, inviter_id, department_id, by_sms, by_email, details, \
             status, created_at) VALUES ($1, $2, $3, $4, $5, 1, 0, '', 'accepted', $6)",
        )
        .bind(parley_server::db::new_id())
        .bind(&s.org.id)
        .bind(&id)
        .bind(&s.org.member.id)
        .bind(&s.org.emea)
        .bind(now + i as i64)
        .execute(&mut *tx)
        .await
        .expect("invitation");
    }
    use parley_server::guest_search::{refresh, SearchKey};
    refresh(&mut tx, SearchKey::Organisation, &s.org.id).await.expect("search words");
    tx.commit().await.expect("commit");
}

fn last_names(page: &Value) -> Vec<String> {
    page["rows"].as_array().expect("rows").iter().map(|r| r["last_name"].as_str().expect("name").to_owned()).collect()
}

#[tokio::test]
async fn a_broad_search_counts_up_to_a_thousand_and_still_pages_in_order() {
    let s = setup().await;
    bulk_guests(&s, 1_030).await;

    // "le" matches every guest: the count stops at 1,000 and says so; pages follow the sort.
    let first = s.guests(&s.admin, "search=le&sort=last_name&direction=asc").await;
    assert_eq!((first["total"].as_u64(), first["total_is_lower_bound"].as_bool()), (Some(1000), Some(true)));
    assert_eq!(first["created"], 1030);
    assert_eq!(last_names(&first)[..3], ["Bulk0000", "Bulk0001", "Bulk0002"]);
    let past = s.guests(&s.admin, "search=le&sort=last_name&direction=asc&offset=1000").await;
    assert_eq!(last_names(&past).len(), 30, "pages go on past the counted matches");
    assert_eq!(last_names(&past)[0], "Bulk1000");
    let desc = s.guests(&s.admin, "search=lena%20bu&sort=last_name&direction=desc&limit=2").await;
    assert_eq!(last_names(&desc), ["Bulk1029", "Bulk1028"]);

    // A narrow search is counted exactly (Bulk1000 to Bulk1009).
    let narrow = s.guests(&s.admin, "search=bulk100").await;
    assert_eq!((narrow["total"].as_u64(), narrow["total_is_lower_bound"].as_bool()), (Some(10), Some(false)));
    let by_number = s.guests(&s.admin, "search=79000%2001017").await;
    assert_eq!(last_names(&by_number), ["Bulk1017"]);
    // Sorting without a search walks the whole list in order.
    let by_user_id = s.guests(&s.admin, "sort=user_id&direction=desc&limit=1").await;
    assert_eq!(last_names(&by_user_id), ["Bulk1029"]);
    // The department admin of another branch sees none of them.
    let engineering_admin = s.app.login_active(&s.org.engineering_admin).await;
    assert_eq!(s.guests(&engineering_admin, "search=le").await["total"], 0);
}
