//! Chat (SPEC §10): idempotent sending, ordering, history pages, unread counters and receipts,
//! live delivery to every device, group administration with arrival and departure notices,
//! the welcome message, and the refusals.

use crate::helpers::{assert_error, spawn_app, TestApp, TestOrg};
use crate::ws::{connect, next_event};
use reqwest::StatusCode;
use serde_json::{json, Value};

struct Chat {
    app: TestApp,
    org: TestOrg,
    member: String,
    colleague: String,
}

async fn setup() -> Chat {
    let app = spawn_app().await;
    let org = app.seed_org("Acme", 0).await;
    let member = app.login_active(&org.member).await;
    let colleague = app.login_active(&org.colleague).await;
    Chat { app, org, member, colleague }
}

fn client_id(n: u32) -> String {
    format!("00000000-0000-4000-8000-{n:012}")
}

impl Chat {
    async fn conversation(&self, token: &str, kind: &str, ids: &[&str]) -> String {
        let body = json!({"kind": kind, "member_ids": ids});
        let r = self.app.post_json_auth("/api/v1/conversations", token, &body).await;
        assert!(r.status().is_success(), "{}", r.status());
        r.json::<Value>().await.expect("conversation")["id"].as_str().expect("id").to_owned()
    }

    async fn direct(&self) -> String {
        self.conversation(&self.member, "direct", &[&self.org.colleague.id]).await
    }

    async fn send(&self, token: &str, conversation: &str, client_id: &str, body: &str) -> reqwest::Response {
        let path = format!("/api/v1/conversations/{conversation}/messages");
        self.app.post_json_auth(&path, token, &json!({"client_id": client_id, "body": body})).await
    }

    async fn history(&self, token: &str, conversation: &str, query: &str) -> Value {
        let r = self.app.get_auth(&format!("/api/v1/conversations/{conversation}/messages{query}"), token).await;
        assert_eq!(r.status(), StatusCode::OK);
        r.json().await.expect("page")
    }

    async fn view(&self, token: &str, conversation: &str) -> Value {
        self.app.get_auth(&format!("/api/v1/conversations/{conversation}"), token).await.json().await.expect("view")
    }
}

fn seqs(page: &Value) -> Vec<i64> {
    page["messages"].as_array().expect("messages").iter().map(|m| m["seq"].as_i64().expect("seq")).collect()
}

#[tokio::test]
async fn a_resend_with_the_same_client_id_never_duplicates() {
    let c = setup().await;
    let id = c.direct().await;
    let first = c.send(&c.member, &id, &client_id(1), "Hello").await;
    assert_eq!(first.status(), StatusCode::CREATED);
    let first: Value = first.json().await.expect("message");
    assert_eq!((first["seq"].as_i64(), first["body"].as_str()), (Some(1), Some("Hello")));
    assert_eq!(first["sender_id"], c.org.member.id.as_str());

    // The acknowledgement was lost; the client sends again, even much later.
    c.app.advance_clock(30 * 24 * 3600 * 1000);
    let again = c.send(&c.member, &id, &client_id(1), "Hello").await;
    assert_eq!(again.status(), StatusCode::OK);
    let again: Value = again.json().await.expect("message");
    assert_eq!(again["id"], first["id"]);
    assert_eq!(seqs(&c.history(&c.colleague, &id, "").await), [1]);

    // Eight concurrent resends of a new message: one message.
    let twice = client_id(2);
    let sends = (0..8).map(|_| c.send(&c.member, &id, &twice, "Once"));
    let answers = futures_util::future::join_all(sends).await;
    let mut ids = Vec::new();
    for r in answers {
        assert!(matches!(r.status(), StatusCode::CREATED | StatusCode::OK), "{}", r.status());
        ids.push(r.json::<Value>().await.expect("message")["id"].clone());
    }
    ids.dedup();
    assert_eq!(ids.len(), 1, "every resend answers with the one message");
    assert_eq!(seqs(&c.history(&c.colleague, &id, "").await), [1, 2]);

    // The same id in another conversation is a client bug, said as such.
    let group = c.conversation(&c.member, "group", &[&c.org.colleague.id]).await;
    assert_error(c.send(&c.member, &group, &client_id(1), "Hello").await, StatusCode::CONFLICT, "conflict").await;
}

#[tokio::test]
async fn messages_are_numbered_in_order_and_history_pages_backwards() {
    let c = setup().await;
    let id = c.direct().await;
    for n in 1..=120u32 {
        let (token, who) = if n % 3 == 0 { (&c.colleague, "colleague") } else { (&c.member, "member") };
        let r = c.send(token, &id, &client_id(n), &format!("{who} {n}")).await;
        assert_eq!(r.status(), StatusCode::CREATED);
    }
    let newest = c.history(&c.member, &id, "").await;
    assert_eq!(seqs(&newest), (71..=120).collect::<Vec<_>>(), "the newest 50, oldest first");
    assert_eq!(newest["has_more"], true);
    assert_eq!(newest["messages"][49]["body"], "colleague 120");
    let older = c.history(&c.member, &id, "?before=71").await;
    assert_eq!(seqs(&older), (21..=70).collect::<Vec<_>>());
    let oldest = c.history(&c.member, &id, "?before=21&limit=200").await;
    assert_eq!(seqs(&oldest), (1..=20).collect::<Vec<_>>());
    assert_eq!(oldest["has_more"], false);
    let catch_up = c.history(&c.colleague, &id, "?after=100&limit=15").await;
    assert_eq!(seqs(&catch_up), (101..=115).collect::<Vec<_>>());
    assert_eq!(catch_up["has_more"], true);

    for bad in ["?limit=0", "?limit=201", "?before=abc", "?before=5&after=2"] {
        let r = c.app.get_auth(&format!("/api/v1/conversations/{id}/messages{bad}"), &c.member).await;
        assert_error(r, StatusCode::BAD_REQUEST, "invalid_request").await;
    }
}

#[tokio::test]
async fn unread_counters_and_receipts_move_states_forward() {
    let c = setup().await;
    let id = c.direct().await;
    let mut sender_socket = connect(&c.app, &c.member).await;
    for n in 1..=3 {
        c.send(&c.member, &id, &client_id(n), &format!("m{n}")).await;
    }
    let seen = c.view(&c.colleague, &id).await;
    assert_eq!((seen["unread_count"].as_u64(), seen["last_seq"].as_i64()), (Some(3), Some(3)));
    assert_eq!(seen["last_message"]["body"], "m3");
    assert_eq!(c.view(&c.member, &id).await["unread_count"], 0, "one's own messages are never unread");

    // Delivered, then read; positions never move back, nor past the newest message.
    let path = format!("/api/v1/conversations/{id}/receipts");
    let r: Value =
        c.app.post_json_auth(&path, &c.colleague, &json!({"delivered_seq": 3})).await.json().await.expect("r");
    assert_eq!((r["delivered_seq"].as_i64(), r["read_seq"].as_i64()), (Some(3), Some(0)));
    let r: Value = c
        .app
        .post_json_auth(&path, &c.colleague, &json!({"read_seq": 2, "delivered_seq": 1}))
        .await
        .json()
        .await
        .expect("r");
    assert_eq!((r["delivered_seq"].as_i64(), r["read_seq"].as_i64()), (Some(3), Some(2)));
    let r: Value = c.app.post_json_auth(&path, &c.colleague, &json!({"read_seq": 99})).await.json().await.expect("r");
    assert_eq!(r["read_seq"], 3);
    assert_eq!(c.view(&c.colleague, &id).await["unread_count"], 0);

    // The sender sees the colleague's positions, in the view and live.
    let member_view = c.view(&c.member, &id).await;
    assert_eq!(member_view["members"][0]["read_seq"], 3);
    let mut receipts = Vec::new();
    while receipts.len() < 3 {
        let e = next_event(&mut sender_socket).await.expect("event");
        if e["type"] == "receipt" {
            receipts.push(e["receipt"]["read_seq"].as_i64().expect("read"));
        }
    }
    assert_eq!(receipts, [0, 2, 3]);

    // An outsider cannot move anything.
    let outsider = c.app.login_active(&c.org.engineering_admin).await;
    assert_error(
        c.app.post_json_auth(&path, &outsider, &json!({"read_seq": 1})).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
}

#[tokio::test]
async fn new_messages_reach_every_device_of_every_member_live() {
    let c = setup().await;
    let id = c.direct().await;
    let second_device = {
        let code = c.app.request_new_code(&c.org.colleague.phone).await;
        c.app.login(&c.org.colleague.phone, &code).await
    };
    let mut sockets =
        [connect(&c.app, &c.colleague).await, connect(&c.app, &second_device).await, connect(&c.app, &c.member).await];
    let sent: Value = c.send(&c.member, &id, &client_id(7), "Are you there?").await.json().await.expect("sent");
    for socket in &mut sockets {
        let event = loop {
            let e = next_event(socket).await.expect("an event");
            if e["type"] == "message" {
                break e;
            }
        };
        assert_eq!(event["message"]["id"], sent["id"]);
        assert_eq!(event["message"]["body"], "Are you there?");
        assert_eq!(event["message"]["sender_name"], "Test User");
    }
    // Someone outside the conversation hears nothing of it.
    let outsider = c.app.login_active(&c.org.engineering_admin).await;
    let mut outsider_socket = connect(&c.app, &outsider).await;
    c.send(&c.member, &id, &client_id(8), "Still there?").await;
    let quiet = tokio::time::timeout(std::time::Duration::from_millis(500), async {
        loop {
            match next_event(&mut outsider_socket).await {
                Some(e) if e["type"] == "message" => return e,
                Some(_) => {}
                None => std::future::pending::<()>().await,
            }
        }
    })
    .await;
    assert!(quiet.is_err(), "an outsider got {quiet:?}");
}

#[tokio::test]
async fn bad_messages_are_refused_with_clear_messages() {
    let c = setup().await;
    let id = c.direct().await;
    let r = c.send(&c.member, &id, &client_id(1), " \n ").await;
    let body = assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "required").await;
    assert_eq!(body["field"], "body");
    let long = "x".repeat(10_001);
    assert_error(c.send(&c.member, &id, &client_id(2), &long).await, StatusCode::UNPROCESSABLE_ENTITY, "too_long")
        .await;
    let r = c.send(&c.member, &id, "not an id!", "Hi").await;
    assert_eq!(assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "invalid_format").await["field"], "client_id");
    let path = format!("/api/v1/conversations/{id}/messages");
    let r = c.app.post_json_auth(&path, &c.member, &json!({"body": "no id"})).await;
    assert_error(r, StatusCode::BAD_REQUEST, "invalid_request").await;

    // Not a member, or no such conversation: the same 404.
    let outsider = c.app.login_active(&c.org.engineering_admin).await;
    assert_error(c.send(&outsider, &id, &client_id(3), "Hi").await, StatusCode::NOT_FOUND, "not_found").await;
    assert_error(c.send(&c.member, "nope", &client_id(4), "Hi").await, StatusCode::NOT_FOUND, "not_found").await;
    let r = c.app.get_auth(&format!("/api/v1/conversations/{id}/messages"), &outsider).await;
    assert_error(r, StatusCode::NOT_FOUND, "not_found").await;
    assert!(seqs(&c.history(&c.member, &id, "").await).is_empty(), "nothing was stored");
}

#[tokio::test]
async fn activation_brings_a_read_only_welcome_from_the_system_account() {
    let c = setup().await;
    let list: Value = c.app.get_auth("/api/v1/conversations", &c.member).await.json().await.expect("list");
    let welcome =
        list.as_array().expect("array").iter().find(|c| c["kind"] == "system").expect("a welcome conversation");
    assert_eq!(welcome["title"], "Parley");
    assert_eq!(welcome["unread_count"], 1);
    let message = &welcome["last_message"];
    assert_eq!((message["kind"].as_str(), message["sender_name"].as_str()), (Some("welcome"), Some("Parley")));
    assert!(message["sender_id"].is_null());
    assert!(message["body"].as_str().expect("body").starts_with("Welcome to Parley, Test!"), "{message}");
    assert!(message["body"].as_str().expect("body").contains("Acme"));
    let id = welcome["id"].as_str().expect("id");
    let r = c.send(&c.member, id, &client_id(1), "Thanks").await;
    assert_eq!(assert_error(r, StatusCode::FORBIDDEN, "forbidden").await["message"], "This conversation is read-only.");
}

#[tokio::test]
async fn group_admins_add_promote_rename_and_members_see_arrivals_and_departures() {
    let c = setup().await;
    let group = c.conversation(&c.member, "group", &[&c.org.colleague.id]).await;
    c.send(&c.member, &group, &client_id(1), "Before you came").await;
    let admin = c.app.login_active(&c.org.company_admin).await;
    let add = format!("/api/v1/conversations/{group}/members");
    let company_admin_id = c.org.company_admin.id.as_str();

    // Only its admins run a group.
    let r = c.app.post_json_auth(&add, &c.colleague, &json!({"account_ids": [company_admin_id]})).await;
    assert_error(r, StatusCode::FORBIDDEN, "forbidden").await;
    let r = c.app.post_json_auth(&add, &c.member, &json!({"account_ids": [company_admin_id]})).await;
    assert_eq!(r.status(), StatusCode::OK);
    let view: Value = r.json().await.expect("view");
    assert_eq!(view["members"].as_array().expect("members").len(), 2);

    // The newcomer sees the whole history, then the notice of their arrival.
    let page = c.history(&admin, &group, "").await;
    let bodies: Vec<&str> =
        page["messages"].as_array().expect("m").iter().map(|m| m["body"].as_str().expect("b")).collect();
    assert_eq!(bodies, ["Before you came", "Test User joined the conversation."]);
    assert_eq!(page["messages"][1]["kind"], "joined");

    // Promote, rename, leave: a group is never left without an admin.
    let promote = format!("/api/v1/conversations/{group}/members/{}/admin", c.org.colleague.id);
    let r = c.app.client.put(c.app.url(&promote)).bearer_auth(&c.member).send().await.expect("put");
    assert_eq!(r.status(), StatusCode::OK);
    let rename = c.app.url(&format!("/api/v1/conversations/{group}"));
    let r = c
        .app
        .client
        .patch(&rename)
        .bearer_auth(&c.colleague)
        .json(&json!({"name": "Atlas"}))
        .send()
        .await
        .expect("patch");
    assert_eq!(r.json::<Value>().await.expect("view")["title"], "Atlas");
    let r = c.app.client.patch(&rename).bearer_auth(&admin).json(&json!({"name": "Mine"})).send().await.expect("patch");
    assert_error(r, StatusCode::FORBIDDEN, "forbidden").await;

    for leaver in [&c.member, &c.colleague] {
        let me: Value = c.app.get_auth("/api/v1/me", leaver).await.json().await.expect("me");
        let url = c.app.url(&format!("/api/v1/conversations/{group}/members/{}", me["id"].as_str().expect("id")));
        let r = c.app.client.delete(url).bearer_auth(leaver).send().await.expect("delete");
        assert_eq!(r.status(), StatusCode::NO_CONTENT);
    }
    let view = c.view(&admin, &group).await;
    assert_eq!(view["viewer_is_admin"], true, "the last one standing took over");
    let page = c.history(&admin, &group, "").await;
    assert_eq!(page["messages"][3]["body"], "Test User left the conversation.");
    assert_eq!(
        c.app.get_auth(&format!("/api/v1/conversations/{group}"), &c.member).await.status(),
        StatusCode::NOT_FOUND
    );
}
