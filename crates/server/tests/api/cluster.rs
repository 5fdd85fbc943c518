//! Several nodes on one database, their events crossing over NATS (SPEC §1 scale-out): what a
//! request on one node commits reaches the sockets held by another.

use crate::helpers::{spawn_cluster, TestApp};
use crate::invitations::{form, setup_on, Setup};
use crate::ws::{connect, next_event};
use reqwest::StatusCode;
use serde_json::{json, Value};

type Socket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// The next event of type `kind`, skipping others (contacts changes and the like).
async fn next_of(socket: &mut Socket, kind: &str) -> Value {
    for _ in 0..20 {
        let event = next_event(socket).await.unwrap_or_else(|| panic!("the socket closed before a {kind}"));
        if event["type"] == kind {
            return event;
        }
    }
    panic!("no {kind} among 20 events");
}

async fn direct_conversation(node: &TestApp, token: &str, with: &str) -> String {
    let body = json!({ "kind": "direct", "member_ids": [with] });
    let r = node.post_json_auth("/api/v1/conversations", token, &body).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    r.json::<Value>().await.expect("conversation")["id"].as_str().expect("id").to_owned()
}

async fn send(node: &TestApp, token: &str, conversation: &str, body: &str) -> Value {
    let path = format!("/api/v1/conversations/{conversation}/messages");
    let message = json!({ "client_id": uuid::Uuid::new_v4().to_string(), "body": body });
    let r = node.post_json_auth(&path, token, &message).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    r.json().await.expect("message")
}

#[tokio::test]
async fn a_message_sent_through_one_node_reaches_sockets_on_both() {
    let nodes = spawn_cluster(2).await;
    let (a, b) = (&nodes[0], &nodes[1]);
    let org = a.seed_org("Acme", 0).await;
    let alice = a.login_active(&org.company_admin).await;
    let bob = b.login_active(&org.member).await;
    let mut bob_on_b = connect(b, &bob).await;
    let mut alice_on_b = connect(b, &alice).await;

    let conversation = direct_conversation(a, &alice, &org.member.id).await;
    let sent = send(a, &alice, &conversation, "Across nodes").await;

    for socket in [&mut bob_on_b, &mut alice_on_b] {
        let event = next_of(socket, "message").await;
        assert_eq!(event["message"]["id"], sent["id"]);
        assert_eq!(event["message"]["body"], "Across nodes");
    }

    // Bob's read receipt, sent through node B, reaches Alice's socket on node A.
    let mut alice_on_a = connect(a, &alice).await;
    let path = format!("/api/v1/conversations/{conversation}/receipts");
    let r = b.post_json_auth(&path, &bob, &json!({ "read_seq": sent["seq"] })).await;
    assert_eq!(r.status(), StatusCode::OK);
    let receipt = next_of(&mut alice_on_a, "receipt").await;
    assert_eq!(receipt["receipt"]["account_id"], org.member.id.as_str());
    assert_eq!(receipt["receipt"]["read_seq"], sent["seq"]);
}

#[tokio::test]
async fn logging_out_on_one_node_closes_the_socket_held_by_another() {
    let nodes = spawn_cluster(2).await;
    let (a, b) = (&nodes[0], &nodes[1]);
    let org = a.seed_org("Acme", 0).await;
    let bob = a.login_active(&org.member).await;
    let mut on_b = connect(b, &bob).await;

    assert_eq!(a.post_auth("/api/v1/auth/logout", &bob).await.status(), StatusCode::NO_CONTENT);
    let event = next_of(&mut on_b, "session_revoked").await;
    assert_eq!(event["type"], "session_revoked");
    assert!(next_event(&mut on_b).await.is_none(), "the socket closes");
}

#[tokio::test]
async fn the_all_group_crosses_nodes_to_members_and_never_to_a_guest() {
    let mut nodes = spawn_cluster(2).await;
    let b = nodes.pop().expect("node b");
    let s = setup_on(nodes.pop().expect("node a")).await;
    s.settings(json!({ "display_group_all": true })).await;
    assert_eq!(s.invite(&s.member, &form(1)).await.status(), StatusCode::CREATED);
    let code = s.app.read_outbox_code("+442079460101").await;
    let guest = b.login("+442079460101", &code).await;
    b.activate(&guest).await;
    let list: Vec<Value> = s.app.get_auth("/api/v1/conversations", &s.admin).await.json().await.expect("list");
    let all =
        list.iter().find(|c| c["org_wide"] == true).expect("the All group")["id"].as_str().expect("id").to_owned();

    let mut member_on_b = connect(&b, &s.member).await;
    let mut guest_on_b = connect(&b, &guest).await;
    let sent = send(&s.app, &s.admin, &all, "To everyone").await;
    let event = next_of(&mut member_on_b, "message").await;
    assert_eq!(event["message"]["id"], sent["id"]);

    // The guest's socket hears of its own conversation, never of the ALL group.
    let with_guest = direct_conversation(&s.app, &s.member, &guest_id(&s, &guest).await).await;
    let to_guest = send(&s.app, &s.member, &with_guest, "Just for you").await;
    let event = next_of(&mut guest_on_b, "message").await;
    assert_eq!(event["message"]["id"], to_guest["id"], "the first message the guest hears is its own");
}

/// A contacts change made through one node reaches the sockets of the people it concerns on
/// another — a new guest's inviter — and nobody else's: the organisation never hears of a
/// guest it does not see, on any node. A member's first login reaches every member.
#[tokio::test]
async fn a_contacts_change_crosses_nodes_to_the_people_it_concerns_only() {
    let mut nodes = spawn_cluster(2).await;
    let b = nodes.pop().expect("node b");
    let s = setup_on(nodes.pop().expect("node a")).await;
    // The seeded members' announcements (the change watcher's, once a second) are behind us.
    tokio::time::sleep(std::time::Duration::from_millis(1200)).await;
    let mut member_on_b = connect(&b, &s.member).await;
    let mut colleague_on_b = connect(&b, &s.colleague).await;

    assert_eq!(s.invite(&s.member, &form(1)).await.status(), StatusCode::CREATED);
    next_of(&mut member_on_b, "contacts_changed").await;
    let contacts = b.get_auth("/api/v1/contacts", &s.member).await.text().await.expect("contacts");
    assert!(contacts.contains("gina1@partner.example"), "the inviter sees the guest, read on node B");

    // The Sales admin's first login, through node A: every member hears of it.
    s.app.login_active(&s.org.sales_admin).await;
    let event = next_event(&mut colleague_on_b).await.expect("an event");
    assert_eq!(event["type"], "contacts_changed", "the guest's invitation was never told to the colleague: {event}");
}

async fn guest_id(s: &Setup, guest_token: &str) -> String {
    let me: Value = s.app.get_auth("/api/v1/me", guest_token).await.json().await.expect("me");
    me["id"].as_str().expect("id").to_owned()
}

/// Throttles and lockouts hold across nodes (the budget is the cluster's, not each node's):
/// wrong codes spread over two nodes lock the number on both, and the per-number login
/// throttle counts the tries made through either.
#[tokio::test]
async fn a_lockout_and_the_throttles_hold_across_nodes() {
    use parley_core::activation::{MAX_FAILED_PER_ACCOUNT, MAX_LOGINS_PER_NUMBER, THROTTLE_WINDOW_MS};
    let nodes = spawn_cluster(2).await;
    let org = nodes[0].seed_org("Acme", 0).await;
    let phone = org.member.phone.clone();
    let advance = |ms: i64| nodes.iter().for_each(|n| n.advance_clock(ms));

    // The per-number throttle: its tries alternate between the nodes, and the next is refused on both.
    for i in 0..MAX_LOGINS_PER_NUMBER {
        let r = nodes[(i % 2) as usize].try_login(&phone, "000000").await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "try {i}");
    }
    for node in &nodes {
        assert_eq!(node.try_login(&phone, "000000").await.status(), StatusCode::TOO_MANY_REQUESTS);
    }

    // The lockout: twenty wrong codes in the day, half on each node, lock the number on both.
    let mut failures = MAX_LOGINS_PER_NUMBER;
    while failures < MAX_FAILED_PER_ACCOUNT {
        advance(THROTTLE_WINDOW_MS);
        for i in 0..(MAX_FAILED_PER_ACCOUNT - failures).min(MAX_LOGINS_PER_NUMBER) {
            let r = nodes[(i % 2) as usize].try_login(&phone, "000000").await;
            assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
            failures += 1;
        }
    }
    advance(THROTTLE_WINDOW_MS);
    let code = org.member.code.as_deref().expect("code");
    for node in &nodes {
        let r = node.try_login(&phone, code).await;
        assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS, "locked on every node, even with the right code");
    }
}
