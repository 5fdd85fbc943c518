//! "Preview as guest" (SPEC §11.1, issue 13): the server's preview before an invitation is what
//! the guest then sees, in its preview and in its own contacts sync; only the inviter and the
//! guest's admins may look.

use crate::helpers::assert_error;
use crate::invitations::{form, setup, with, Setup};
use reqwest::StatusCode;
use serde_json::{json, Value};

impl Setup {
    async fn preview_before(&self, token: &str, conversation: Option<&str>) -> reqwest::Response {
        self.app.post_json_auth("/api/v1/invitations/preview", token, &json!({ "conversation_id": conversation })).await
    }

    async fn preview_of(&self, token: &str, guest: &str) -> reqwest::Response {
        self.app.get_auth(&format!("/api/v1/guests/{guest}/preview"), token).await
    }

    async fn sent(&self, token: &str, form: &Value) -> Value {
        let r = self.invite(token, form).await;
        assert_eq!(r.status(), StatusCode::CREATED);
        r.json::<Value>().await.expect("created")["guest"].clone()
    }
}

fn ids(people: &Value) -> Vec<String> {
    let mut v: Vec<String> =
        people.as_array().expect("people").iter().map(|p| p["person"]["id"].as_str().expect("id").to_owned()).collect();
    v.sort();
    v
}

async fn ok(r: reqwest::Response) -> Value {
    assert_eq!(r.status(), StatusCode::OK);
    r.json().await.expect("preview")
}

#[tokio::test]
async fn the_preview_before_inviting_is_what_the_guest_then_sees() {
    let s = setup().await;
    let (member, colleague) = (s.org.member.id.clone(), s.org.colleague.id.clone());

    // Invited from Contacts: the inviter only, and no conversation.
    let alone = ok(s.preview_before(&s.member, None).await).await;
    assert_eq!(ids(&alone["contacts"]), vec![member.clone()]);
    assert_eq!(alone["contacts"][0]["why"], "Invited the guest");
    // Only the welcome conversation it gets at its first login.
    assert_eq!(alone["conversations"], json!([{ "title": "Parley", "member_count": 1 }]));
    assert_eq!(alone["before_activation"], true);

    // Into a group: its people, and another guest of it only in its member list.
    let group = s.group_with_colleague().await;
    let gid = group["id"].as_str().expect("id");
    let first_guest = s.sent(&s.member, &with(form(1), json!({ "conversation_id": gid }))).await;
    let before = ok(s.preview_before(&s.member, Some(gid)).await).await;
    let mut want = vec![member.clone(), colleague.clone()];
    want.sort();
    assert_eq!(ids(&before["contacts"]), want);
    let colleague_row =
        before["contacts"].as_array().expect("rows").iter().find(|p| p["person"]["id"] == colleague.as_str()).cloned();
    assert_eq!(colleague_row.expect("colleague")["why"], "Also in “Atlas”");
    assert_eq!(ids(&before["in_conversations_only"]), vec![first_guest["id"].as_str().expect("id").to_owned()]);
    // Atlas with the guest in it: the inviter, the colleague, the first guest and this one.
    assert_eq!(
        before["conversations"],
        json!([{ "title": "Atlas", "member_count": 4 }, { "title": "Parley", "member_count": 1 }])
    );

    // Sent: the guest's own preview says the same, and so does its contacts sync once active.
    let guest = s.sent(&s.member, &with(form(2), json!({ "conversation_id": gid }))).await;
    let gid2 = guest["id"].as_str().expect("id");
    let after = ok(s.preview_of(&s.member, gid2).await).await;
    assert_eq!(ids(&after["contacts"]), ids(&before["contacts"]));
    assert_eq!(ids(&after["in_conversations_only"]), ids(&before["in_conversations_only"]));
    let code = s.app.read_outbox_code(guest["phone"].as_str().expect("phone")).await;
    let token = s.app.login(guest["phone"].as_str().expect("phone"), &code).await;
    s.app.activate(&token).await;
    let mut synced = s.contact_ids(&token).await;
    synced.sort();
    let active = ok(s.preview_of(&s.admin, gid2).await).await;
    assert_eq!(ids(&active["contacts"]), synced, "the preview is what the guest's contacts sync shows");
    assert_eq!(active["before_activation"], false);
    let titles: Vec<&str> =
        active["conversations"].as_array().expect("c").iter().filter_map(|c| c["title"].as_str()).collect();
    assert!(titles.contains(&"Atlas") && titles.contains(&"Parley"), "{titles:?}");
}

#[tokio::test]
async fn only_the_inviter_and_the_guests_admins_may_preview() {
    let s = setup().await;
    let group = s.group_with_colleague().await;
    let gid = group["id"].as_str().expect("id");
    let guest = s.sent(&s.member, &with(form(1), json!({ "conversation_id": gid }))).await;
    let guest_id = guest["id"].as_str().expect("id");
    let unrelated = s.sent(&s.member, &form(2)).await;

    assert_eq!(s.preview_of(&s.member, guest_id).await.status(), StatusCode::OK);
    let sales_admin = s.app.login_active(&s.org.sales_admin).await;
    assert_eq!(s.preview_of(&sales_admin, guest_id).await.status(), StatusCode::OK, "Sales EMEA is under Sales");
    // The colleague shares Atlas with the guest, so is told why; the other guest is not shown to them.
    let body = assert_error(s.preview_of(&s.colleague, guest_id).await, StatusCode::FORBIDDEN, "forbidden").await;
    assert_eq!(body["message"], "Only the guest's inviter and its administrators can preview what it sees.");
    let engineering_admin = s.app.login_active(&s.org.engineering_admin).await;
    for (token, id) in [(&s.colleague, unrelated["id"].as_str().expect("id")), (&engineering_admin, guest_id)] {
        let body = assert_error(s.preview_of(token, id).await, StatusCode::NOT_FOUND, "not_found").await;
        assert_eq!(body["message"], "No such guest.");
    }
    for junk in ["nobody", "%00", &s.org.member.id] {
        assert_error(s.preview_of(&s.admin, junk).await, StatusCode::NOT_FOUND, "not_found").await;
    }

    // Before inviting: the right to invite, and a group the inviter runs.
    s.may_invite(&s.org.colleague.id, false).await;
    assert_error(s.preview_before(&s.colleague, None).await, StatusCode::FORBIDDEN, "not_authorized_to_invite").await;
    assert_error(s.preview_before(&s.member, Some("nope")).await, StatusCode::NOT_FOUND, "not_found").await;
    assert_error(s.preview_before(&s.member, Some("\u{0}")).await, StatusCode::NOT_FOUND, "not_found").await;
    s.may_invite(&s.org.colleague.id, true).await;
    let r = s.preview_before(&s.colleague, Some(gid)).await;
    assert_error(r, StatusCode::FORBIDDEN, "forbidden").await;
}

#[tokio::test]
async fn the_preview_names_only_what_the_asker_may_see() {
    let s = setup().await;
    let group = s.group_with_colleague().await;
    let atlas = group["id"].as_str().expect("id");
    let guest = s.sent(&s.member, &with(form(1), json!({ "conversation_id": atlas }))).await;
    let guest_id = guest["id"].as_str().expect("id");
    // The colleague runs Ops, without the inviter: the guest and a guest of the colleague's own.
    let body = json!({"kind": "group", "member_ids": [guest_id], "name": "Ops"});
    let r = s.app.post_json_auth("/api/v1/conversations", &s.colleague, &body).await;
    assert_eq!(r.status(), StatusCode::CREATED, "{}", r.text().await.unwrap_or_default());
    let ops: Value = s.app.get_auth("/api/v1/conversations", &s.colleague).await.json().await.expect("list");
    let ops_id = ops.as_array().expect("list").iter().find(|c| c["title"] == "Ops").expect("Ops")["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let theirs = s.sent(&s.colleague, &with(form(2), json!({ "conversation_id": ops_id }))).await;
    let theirs_id = theirs["id"].as_str().expect("id");

    // The inviter: Ops and the colleague's guest are counted, not named.
    let seen = ok(s.preview_of(&s.member, guest_id).await).await;
    assert_eq!(seen["in_conversations_only_total"], 1);
    assert_eq!(seen["in_conversations_only"], json!([]));
    let text = seen.to_string();
    assert!(!text.contains("Ops") && !text.contains(theirs_id) && !text.contains("Guest2"), "{text}");
    assert_eq!(seen["other_conversations"], 1);
    let titles: Vec<&str> =
        seen["conversations"].as_array().expect("c").iter().filter_map(|c| c["title"].as_str()).collect();
    assert_eq!(titles, vec!["Atlas", "Parley"]);
    // The company admin is told everything.
    let all = ok(s.preview_of(&s.admin, guest_id).await).await;
    assert_eq!(ids(&all["in_conversations_only"]), vec![theirs_id.to_owned()]);
    assert_eq!(all["other_conversations"], 0);
    let phrase = all["in_conversations_only"][0]["why"].as_str().expect("why");
    assert_eq!(phrase, "Only in the member list of “Ops”");
}
