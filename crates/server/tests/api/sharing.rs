//! Sharing a conversation (SPEC §10.1): invitations to members and department queues, the
//! one-active rule, each way an invitation ends, and external keys (expiry, redemption once,
//! the invitation rules, e-mail).

use crate::helpers::{assert_error, extract_code, spawn_app, TestApp, TestOrg};
use parley_core::role::{AccountStatus, Role};
use reqwest::StatusCode;
use serde_json::{json, Value};

struct Share {
    app: TestApp,
    org: TestOrg,
    admin: String,
    /// The group's owner (`org.member`).
    owner: String,
    colleague: String,
    group: String,
}

async fn setup() -> Share {
    let app = spawn_app().await;
    let org = app.seed_org("Acme", 0).await;
    let admin = app.login_active(&org.company_admin).await;
    let owner = app.login_active(&org.member).await;
    let colleague = app.login_active(&org.colleague).await;
    let body = json!({"kind": "group", "member_ids": [org.colleague.id], "name": "Atlas"});
    let r = app.post_json_auth("/api/v1/conversations", &owner, &body).await;
    let group = r.json::<Value>().await.expect("group")["id"].as_str().expect("id").to_owned();
    Share { app, org, admin, owner, colleague, group }
}

impl Share {
    async fn share(&self, token: &str, people: &[&str], departments: &[&str]) -> reqwest::Response {
        let body = json!({"account_ids": people, "department_ids": departments});
        self.app.post_json_auth(&format!("/api/v1/conversations/{}/invitations", self.group), token, &body).await
    }

    async fn incoming(&self, token: &str) -> Vec<Value> {
        let r = self.app.get_auth("/api/v1/conversation-invitations", token).await;
        assert_eq!(r.status(), StatusCode::OK);
        r.json::<Vec<Value>>().await.expect("list")
    }

    async fn sent(&self) -> Vec<Value> {
        let r = self.app.get_auth(&format!("/api/v1/conversations/{}/invitations", self.group), &self.owner).await;
        r.json::<Vec<Value>>().await.expect("list")
    }

    async fn answer(&self, token: &str, invitation: &str, how: &str) -> reqwest::Response {
        self.app.post_auth(&format!("/api/v1/conversation-invitations/{invitation}/{how}"), token).await
    }

    async fn is_member(&self, token: &str) -> bool {
        self.app.get_auth(&format!("/api/v1/conversations/{}", self.group), token).await.status() == StatusCode::OK
    }
}

fn id_of(v: &Value) -> String {
    v["id"].as_str().expect("id").to_owned()
}

#[tokio::test]
async fn the_owner_invites_members_who_accept_or_decline() {
    let s = setup().await;
    let sales_admin = s.app.login_active(&s.org.sales_admin).await;
    assert_error(s.share(&s.colleague, &[&s.org.sales_admin.id], &[]).await, StatusCode::FORBIDDEN, "forbidden").await;

    let r = s.share(&s.owner, &[&s.org.sales_admin.id], &[]).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let created: Vec<Value> = r.json().await.expect("created");
    assert_eq!(created[0]["conversation_title"], "Atlas");
    assert_eq!(created[0]["invitee"]["id"], s.org.sales_admin.id.as_str());

    // Never two active invitations for the same person and conversation; nor for a member.
    let again =
        assert_error(s.share(&s.owner, &[&s.org.sales_admin.id], &[]).await, StatusCode::CONFLICT, "conflict").await;
    assert_eq!(again["message"], "Test User already has an invitation to this conversation.");
    let member =
        assert_error(s.share(&s.owner, &[&s.org.colleague.id], &[]).await, StatusCode::CONFLICT, "conflict").await;
    assert_eq!(member["message"], "Test User is already in this conversation.");
    assert_error(s.share(&s.owner, &[], &[]).await, StatusCode::BAD_REQUEST, "invalid_request").await;

    // Declined: gone for both sides, and a new one may be sent.
    let incoming = s.incoming(&sales_admin).await;
    assert_eq!(incoming.len(), 1);
    assert_eq!(incoming[0]["inviter_name"], "Test User");
    assert_eq!(s.answer(&sales_admin, &id_of(&incoming[0]), "decline").await.status(), StatusCode::NO_CONTENT);
    assert!(s.incoming(&sales_admin).await.is_empty() && s.sent().await.is_empty());
    assert!(!s.is_member(&sales_admin).await);

    // Accepted: in the group, with a notice of the arrival, and the invitation gone.
    s.share(&s.owner, &[&s.org.sales_admin.id], &[]).await;
    let invitation = id_of(&s.incoming(&sales_admin).await[0]);
    let r = s.answer(&sales_admin, &invitation, "accept").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.json::<Value>().await.expect("view")["title"], "Atlas");
    assert!(s.is_member(&sales_admin).await && s.sent().await.is_empty());
    let page: Value =
        s.app.get_auth(&format!("/api/v1/conversations/{}/messages", s.group), &s.owner).await.json().await.expect("p");
    assert_eq!(page["messages"].as_array().expect("m").last().expect("notice")["kind"], "joined");
    let r = s.answer(&sales_admin, &invitation, "accept").await;
    assert_error(r, StatusCode::NOT_FOUND, "not_found").await;

    // Cancelled by the owner: the invitee can no longer accept it.
    s.share(&s.owner, &[&s.org.company_admin.id], &[]).await;
    let pending = id_of(&s.incoming(&s.admin).await[0]);
    let r = s
        .app
        .client
        .delete(s.app.url(&format!("/api/v1/conversation-invitations/{pending}")))
        .bearer_auth(&s.owner)
        .send()
        .await;
    assert_eq!(r.expect("delete").status(), StatusCode::NO_CONTENT);
    assert!(s.incoming(&s.admin).await.is_empty());
    assert_error(s.answer(&s.admin, &pending, "accept").await, StatusCode::NOT_FOUND, "not_found").await;
}

#[tokio::test]
async fn a_department_queue_goes_to_the_first_member_who_accepts() {
    let s = setup().await;
    let second = s.app.add_member(&s.org.id, &s.org.engineering, 40, Role::Member, AccountStatus::Pending).await;
    let (first, second) = (s.app.login_active(&s.org.engineering_admin).await, s.app.login_active(&second).await);
    let r = s.share(&s.owner, &[], &[&s.org.engineering]).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let created: Vec<Value> = r.json().await.expect("created");
    assert_eq!(created[0]["department"]["name"], "Engineering");
    assert!(created[0]["invitee"].is_null());
    assert!(s.incoming(&s.colleague).await.is_empty(), "already a member: nothing to accept");
    assert_error(s.share(&s.owner, &[], &[&s.org.engineering]).await, StatusCode::CONFLICT, "conflict").await;

    // One declines: only for them. Then the first to accept joins; the queue is gone.
    let queue = id_of(&s.incoming(&first).await[0]);
    assert_eq!(s.answer(&first, &queue, "decline").await.status(), StatusCode::NO_CONTENT);
    assert!(s.incoming(&first).await.is_empty());
    assert_eq!(s.incoming(&second).await.len(), 1, "the rest of the department still sees it");
    assert_eq!(s.answer(&second, &queue, "accept").await.status(), StatusCode::OK);
    assert!(s.is_member(&second).await && !s.is_member(&first).await);
    assert!(s.sent().await.is_empty());
}

#[tokio::test]
async fn concurrent_invitations_leave_one_active() {
    let s = setup().await;
    s.app.login_active(&s.org.sales_admin).await;
    let target = [s.org.sales_admin.id.as_str()];
    let tries = (0..6).map(|_| s.share(&s.owner, &target, &[]));
    let statuses: Vec<StatusCode> = futures_util::future::join_all(tries).await.iter().map(|r| r.status()).collect();
    assert_eq!(statuses.iter().filter(|s| **s == StatusCode::CREATED).count(), 1, "{statuses:?}");
    assert!(statuses.iter().all(|s| matches!(*s, StatusCode::CREATED | StatusCode::CONFLICT)), "{statuses:?}");
    assert_eq!(s.sent().await.len(), 1);
}

#[tokio::test]
async fn invitations_end_when_the_owner_leaves_hands_over_or_closes() {
    let s = setup().await;
    let sales_admin = s.app.login_active(&s.org.sales_admin).await;

    // Handed over: the old owner's invitations are withdrawn; the new owner may share.
    s.share(&s.owner, &[&s.org.company_admin.id], &[]).await;
    let url = s.app.url(&format!("/api/v1/conversations/{}/owner", s.group));
    let r = s.app.client.put(&url).bearer_auth(&s.owner).json(&json!({"account_id": s.org.colleague.id})).send().await;
    assert_eq!(r.expect("put").status(), StatusCode::OK);
    assert!(s.incoming(&s.admin).await.is_empty());
    assert_error(s.share(&s.owner, &[&s.org.company_admin.id], &[]).await, StatusCode::FORBIDDEN, "forbidden").await;
    let view: Value =
        s.app.get_auth(&format!("/api/v1/conversations/{}", s.group), &s.colleague).await.json().await.expect("v");
    assert_eq!((view["viewer_is_owner"].as_bool(), view["viewer_is_admin"].as_bool()), (Some(true), Some(true)));

    // The owner leaves: withdrawn again, and the group passes on.
    assert_eq!(s.share(&s.colleague, &[&s.org.company_admin.id], &[]).await.status(), StatusCode::CREATED);
    let leave = s.app.url(&format!("/api/v1/conversations/{}/members/{}", s.group, s.org.colleague.id));
    assert_eq!(
        s.app.client.delete(&leave).bearer_auth(&s.colleague).send().await.expect("d").status(),
        StatusCode::NO_CONTENT
    );
    assert!(s.incoming(&s.admin).await.is_empty());
    let view: Value =
        s.app.get_auth(&format!("/api/v1/conversations/{}", s.group), &s.owner).await.json().await.expect("v");
    assert_eq!(view["viewer_is_owner"], true, "the remaining admin owns it now");

    // Closed: gone for its members, and its invitations with it.
    s.share(&s.owner, &[&s.org.sales_admin.id], &[]).await;
    let close = format!("/api/v1/conversations/{}/close", s.group);
    assert_eq!(s.app.post_auth(&close, &s.owner).await.status(), StatusCode::NO_CONTENT);
    assert!(s.incoming(&sales_admin).await.is_empty());
    assert!(!s.is_member(&s.owner).await);
}

/// The organisation lets members invite guests, and forbids one domain.
async fn with_guests(s: &Share) {
    let current: Value = s.app.get_auth("/api/v1/admin/settings", &s.admin).await.json().await.expect("settings");
    let mut next = current.clone();
    next["guest_invitations_enabled"] = json!(true);
    next["forbidden_email_domains"] = json!(["rival.example"]);
    let r = s.app.client.put(s.app.url("/api/v1/admin/settings")).bearer_auth(&s.admin).json(&next).send().await;
    assert_eq!(r.expect("put").status(), StatusCode::OK);
    let url = s.app.url(&format!("/api/v1/admin/accounts/{}/may-invite", s.org.member.id));
    let r = s.app.client.put(url).bearer_auth(&s.admin).json(&json!({"may_invite": true})).send().await;
    assert_eq!(r.expect("put").status(), StatusCode::OK);
}

async fn make_key(s: &Share, valid_days: u32) -> Value {
    let body = json!({"person_name": "Pat Partner", "description": "Supplier audit", "comments": "via Jo", "valid_days": valid_days});
    let r = s.app.post_json_auth(&format!("/api/v1/conversations/{}/keys", s.group), &s.owner, &body).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    r.json().await.expect("key")
}

fn redeem_body(code: &str, email: &str) -> Value {
    json!({"code": code, "first_name": "Pat", "last_name": "Partner", "email": email, "phone": "+44 20 7946 0321"})
}

#[tokio::test]
async fn an_external_key_is_redeemed_once_within_its_validity_under_the_invitation_rules() {
    let s = setup().await;
    let body = json!({"person_name": "Pat Partner"});
    let r = s.app.post_json_auth(&format!("/api/v1/conversations/{}/keys", s.group), &s.owner, &body).await;
    assert_error(r, StatusCode::FORBIDDEN, "not_authorized_to_invite").await;
    with_guests(&s).await;
    let r = s.app.post_json_auth(&format!("/api/v1/conversations/{}/keys", s.group), &s.colleague, &body).await;
    assert_error(r, StatusCode::FORBIDDEN, "forbidden").await;
    let r = s
        .app
        .post_json_auth(&format!("/api/v1/conversations/{}/keys", s.group), &s.owner, &json!({"person_name": ""}))
        .await;
    assert_eq!(assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "required").await["field"], "person_name");

    let key = make_key(&s, 7).await;
    let code = key["code"].as_str().expect("code").to_owned();
    assert!(key["link"].as_str().expect("link").starts_with("parley://redeem?server="));
    assert_eq!(key["key"]["status"], "active");
    let preview: Value = s
        .app
        .client
        .get(s.app.url(&format!("/api/v1/keys/{code}")))
        .send()
        .await
        .expect("get")
        .json()
        .await
        .expect("p");
    assert_eq!(
        (preview["conversation_title"].as_str(), preview["person_name"].as_str()),
        (Some("Atlas"), Some("Pat Partner"))
    );

    // The invitation rules hold, and a refusal leaves the key usable.
    let r = s.app.post_json("/api/v1/keys/redeem", &redeem_body(&code, "pat@rival.example")).await;
    let refused = assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "domain_forbidden").await;
    assert_eq!(
        (refused["message"].as_str(), refused["field"].as_str()),
        (Some("The domain is forbidden"), Some("email"))
    );

    let r = s.app.post_json("/api/v1/keys/redeem", &redeem_body(&code.to_lowercase(), "pat@partner.example")).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let redeemed: Value = r.json().await.expect("redeemed");
    assert_eq!(
        (redeemed["phone"].as_str(), redeemed["conversation_title"].as_str()),
        (Some("+442079460321"), Some("Atlas"))
    );
    let again = s.app.post_json("/api/v1/keys/redeem", &redeem_body(&code, "pat2@partner.example")).await;
    let gone = assert_error(again, StatusCode::NOT_FOUND, "not_found").await;
    assert_eq!(gone["message"], "This key is not valid. Ask for a new one.");

    // The redeemer logs in with the code sent to them: a guest of that one conversation.
    let guest =
        s.app.login(redeemed["phone"].as_str().expect("phone"), &s.app.read_outbox_code("+442079460321").await).await;
    s.app.activate(&guest).await;
    let list: Vec<Value> = s.app.get_auth("/api/v1/conversations", &guest).await.json().await.expect("list");
    let mut titles: Vec<&str> = list.iter().map(|c| c["title"].as_str().expect("t")).collect();
    titles.sort();
    assert_eq!(titles, ["Atlas", "Parley"], "its welcome, and the one conversation of the key");
    let me: Value = s.app.get_auth("/api/v1/me", &guest).await.json().await.expect("me");
    assert_eq!((me["kind"].as_str(), me["department_id"].as_str()), (Some("guest"), Some(s.org.emea.as_str())));
    let keys: Vec<Value> =
        s.app.get_auth(&format!("/api/v1/conversations/{}/keys", s.group), &s.owner).await.json().await.expect("k");
    assert_eq!(keys[0]["status"], "redeemed");
}

#[tokio::test]
async fn keys_expire_can_be_revoked_and_are_e_mailed_with_their_link() {
    let s = setup().await;
    with_guests(&s).await;
    let short = make_key(&s, 1).await;
    s.app.advance_clock(24 * 3600 * 1000);
    let r = s.app.client.get(s.app.url(&format!("/api/v1/keys/{}", short["code"].as_str().expect("c")))).send().await;
    assert_error(r.expect("get"), StatusCode::NOT_FOUND, "not_found").await;
    let r = s
        .app
        .post_json("/api/v1/keys/redeem", &redeem_body(short["code"].as_str().expect("c"), "pat@partner.example"))
        .await;
    assert_error(r, StatusCode::NOT_FOUND, "not_found").await;

    let key = make_key(&s, 7).await;
    let (key_id, code) = (key["key"]["id"].as_str().expect("id"), key["code"].as_str().expect("code"));
    let email = format!("/api/v1/conversations/{}/keys/{key_id}/email", s.group);
    let r = s.app.post_json_auth(&email, &s.owner, &json!({"email": "not-an-address", "code": code})).await;
    assert_eq!(assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "invalid_format").await["field"], "email");
    let r = s
        .app
        .post_json_auth(&email, &s.owner, &json!({"email": "pat@partner.example", "code": "AAAA-AAAA-AAAA"}))
        .await;
    assert_error(r, StatusCode::NOT_FOUND, "not_found").await;
    let r = s.app.post_json_auth(&email, &s.owner, &json!({"email": "pat@partner.example", "code": code})).await;
    assert_eq!(r.status(), StatusCode::ACCEPTED);
    s.app.wait_outbox_drained().await;
    let file = s.app.outbox_files("email", "pat@partner.example").pop().expect("an e-mail");
    let text = std::fs::read_to_string(file).expect("read");
    assert!(
        text.contains(code) && text.contains(key["link"].as_str().expect("link")) && text.contains("Atlas"),
        "{text}"
    );
    assert_eq!(extract_code(&text), None, "no six-digit activation code in a key e-mail");

    let revoke = format!("/api/v1/conversations/{}/keys/{key_id}/revoke", s.group);
    assert_eq!(s.app.post_auth(&revoke, &s.owner).await.status(), StatusCode::NO_CONTENT);
    let r = s.app.client.get(s.app.url(&format!("/api/v1/keys/{code}"))).send().await;
    assert_error(r.expect("get"), StatusCode::NOT_FOUND, "not_found").await;
}

/// A guest invited by the owner into the group, logged in and active.
async fn guest_in_group(s: &Share) -> (String, String) {
    with_guests(s).await;
    let form = json!({
        "first_name": "Gina", "last_name": "Guest", "email": "gina@partner.example", "phone": "+44 20 7946 0777",
        "by_sms": true, "by_email": true, "details": "", "conversation_id": s.group
    });
    let r = s.app.post_json_auth("/api/v1/invitations", &s.owner, &form).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let id = r.json::<Value>().await.expect("created")["guest"]["id"].as_str().expect("id").to_owned();
    let code = s.app.read_outbox_code("+442079460777").await;
    let token = s.app.login("+442079460777", &code).await;
    s.app.activate(&token).await;
    (id, token)
}

/// SPEC §5 against §10.1: a guest in a shared group is never offered a department queue, never
/// reads who is invited, is never named to an invitee, runs nothing, and is never made an admin
/// or the owner.
#[tokio::test]
async fn guests_stay_out_of_sharing_and_run_nothing() {
    let s = setup().await;
    let (guest_id, guest) = guest_in_group(&s).await;

    // The owner's department queue (the guest carries the owner's department): not the guest's.
    let r = s.share(&s.owner, &[], &[&s.org.emea]).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    assert!(s.incoming(&guest).await.is_empty(), "a queue is for the department's members");
    let queue = id_of(&s.sent().await[0]);
    assert_error(s.answer(&guest, &queue, "accept").await, StatusCode::NOT_FOUND, "not_found").await;

    // Who is invited is the members' to read, not the guest's.
    let sent = s.app.get_auth(&format!("/api/v1/conversations/{}/invitations", s.group), &guest).await;
    assert_error(sent, StatusCode::FORBIDDEN, "forbidden").await;

    // An unnamed group is titled for an invitee without naming its guests.
    let body = json!({"name": ""});
    let r = s
        .app
        .client
        .patch(s.app.url(&format!("/api/v1/conversations/{}", s.group)))
        .bearer_auth(&s.owner)
        .json(&body)
        .send()
        .await;
    assert_eq!(r.expect("rename").status(), StatusCode::OK);
    s.app.login_active(&s.org.sales_admin).await;
    let r = s.share(&s.owner, &[&s.org.sales_admin.id], &[]).await;
    let title =
        r.json::<Vec<Value>>().await.expect("created")[0]["conversation_title"].as_str().expect("title").to_owned();
    assert!(!title.contains("Gina"), "{title}");

    // The server says what each viewer may do: the guest may only leave.
    let view: Value =
        s.app.get_auth(&format!("/api/v1/conversations/{}", s.group), &guest).await.json().await.expect("view");
    let actions = view["actions"].as_object().expect("actions");
    let granted: Vec<&String> = actions.iter().filter(|(_, v)| v.as_bool() == Some(true)).map(|(k, _)| k).collect();
    assert_eq!(granted, vec!["leave"], "{view}");
    let owners_view: Value =
        s.app.get_auth(&format!("/api/v1/conversations/{}", s.group), &s.owner).await.json().await.expect("view");
    let on_guest = owners_view["members"]
        .as_array()
        .expect("members")
        .iter()
        .find(|m| m["contact"]["id"] == guest_id.as_str())
        .expect("guest");
    assert_eq!(on_guest["actions"], json!({"make_admin": false, "make_owner": false, "remove": true}));
    assert_eq!(owners_view["actions"]["invite_queues"], true);

    // Never made an admin or the owner.
    let promote = s
        .app
        .client
        .put(s.app.url(&format!("/api/v1/conversations/{}/members/{guest_id}/admin", s.group)))
        .bearer_auth(&s.owner)
        .send()
        .await;
    assert_error(promote.expect("put"), StatusCode::FORBIDDEN, "forbidden").await;
    let hand = s
        .app
        .client
        .put(s.app.url(&format!("/api/v1/conversations/{}/owner", s.group)))
        .bearer_auth(&s.owner)
        .json(&json!({"account_id": guest_id}))
        .send()
        .await;
    assert_error(hand.expect("put"), StatusCode::FORBIDDEN, "forbidden").await;

    // A guest runs nothing, even a group it started (the profile allows it to start one).
    let mine = s
        .app
        .post_json_auth(
            "/api/v1/conversations",
            &guest,
            &json!({"kind": "group", "member_ids": [s.org.member.id], "name": "Gina's"}),
        )
        .await;
    assert_eq!(mine.status(), StatusCode::CREATED);
    let mine: Value = mine.json().await.expect("group");
    assert_eq!(mine["viewer_is_owner"], true);
    let gid = mine["id"].as_str().expect("id");
    let body = json!({"account_ids": [], "department_ids": [s.org.emea]});
    let r = s.app.post_json_auth(&format!("/api/v1/conversations/{gid}/invitations"), &guest, &body).await;
    let refused = assert_error(r, StatusCode::FORBIDDEN, "forbidden").await;
    assert_eq!(refused["message"], "Guests cannot run a conversation; they may leave it.");
    let r = s
        .app
        .post_json_auth(
            &format!("/api/v1/conversations/{gid}/members"),
            &guest,
            &json!({"account_ids": [s.org.colleague.id]}),
        )
        .await;
    assert_error(r, StatusCode::FORBIDDEN, "forbidden").await;
}

/// A key holder never learns whether a number or address has an account on the server: a key
/// redeemed with one answers as any redemption, is spent (no replay to probe again), sends no
/// code and lets nobody in; its owner is told.
#[tokio::test]
async fn redeeming_a_key_with_a_known_contact_tells_the_holder_nothing() {
    let s = setup().await;
    with_guests(&s).await;
    let owner_socket_token = s.owner.clone();
    let mut owner_socket = crate::ws::connect(&s.app, &owner_socket_token).await;
    let key = make_key(&s, 7).await;
    let code = key["code"].as_str().expect("code").to_owned();
    let known = json!({"code": code, "first_name": "Pat", "last_name": "Partner", "email": "pat@partner.example",
        "phone": s.org.colleague.phone});
    let r = s.app.post_json("/api/v1/keys/redeem", &known).await;
    assert_eq!(r.status(), StatusCode::CREATED, "answered as any redemption");
    let answer: Value = r.json().await.expect("answer");
    assert_eq!(answer["conversation_title"], "Atlas");
    assert!(answer.to_string().contains("on its way"), "{answer}");
    // Spent: a second probe with the same key gets the one "not valid" answer.
    let again = s.app.post_json("/api/v1/keys/redeem", &redeem_body(&code, "pat@partner.example")).await;
    assert_error(again, StatusCode::NOT_FOUND, "not_found").await;
    // Nobody joined, no code left for the known number beyond its own, and the owner knows.
    let view: Value =
        s.app.get_auth(&format!("/api/v1/conversations/{}", s.group), &s.owner).await.json().await.expect("view");
    assert_eq!(view["member_count"], 2);
    let told = loop {
        let event = crate::ws::next_event(&mut owner_socket).await.expect("the owner's notice");
        if event["type"] == "notice" {
            break event;
        }
    };
    assert_eq!(told["notice"]["kind"], "key_refused", "{told}");
    assert!(told["notice"]["body"].as_str().is_some_and(|b| b.contains("Pat Partner")), "{told}");
}
