//! The authorisation matrix of pushed events (SPEC §5: "every pushed event applies these
//! rules"): every kind of change the server announces × every role's socket. One table says,
//! for each change made in a fresh world (`authorization::World`), which event types each role
//! is sent — no more (nobody hears of a conversation, a guest or a notice that is not theirs)
//! and no fewer (every recipient is told). Each event is also read for anyone the role may not
//! see, as the HTTP answers are. On SQLite and (`PARLEY_TEST_DATABASE=postgres`) PostgreSQL.

use crate::authorization::{World, ROLES};
use crate::helpers::wrong_code;
use crate::ws::{connect, Socket};
use futures_util::StreamExt;
use parley_core::activation::{MAX_FAILED_PER_ACCOUNT, MAX_TRIES_PER_CODE, THROTTLE_WINDOW_MS};
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;

/// A change made by someone of the world, announced to whoever it concerns.
#[derive(Debug, Clone, Copy)]
enum Change {
    /// The inviter writes in Atlas (inviter, colleague, guest).
    MessageInAtlas,
    /// The guest marks Atlas read.
    GuestReadsAtlas,
    /// The inviter renames Atlas.
    RenameAtlas,
    /// The inviter makes the colleague an admin of Atlas.
    PromoteColleague,
    /// The inviter adds the Sales admin to Atlas.
    AddSalesAdmin,
    /// The inviter removes the guest from Atlas.
    RemoveGuest,
    /// The colleague leaves Atlas.
    ColleagueLeaves,
    /// The inviter opens Atlas to the Engineering queue.
    ShareWithEngineering,
    /// The Sales admin accepts the invitation into Atlas.
    SalesAdminAccepts,
    /// The Sales admin declines it.
    SalesAdminDeclines,
    /// The inviter hands Atlas over to the colleague.
    HandOverToColleague,
    /// The inviter closes Atlas.
    CloseAtlas,
    /// Someone new redeems Atlas' external key.
    KeyRedeemed,
    /// The colleague invites a new guest into no conversation.
    ColleagueInvitesGuest,
    /// The unrelated guest (the colleague's, pending) logs in and completes the first login.
    UnrelatedGuestActivates,
    /// The company admin corrects the unrelated guest's name.
    AmendUnrelatedGuest,
    /// The company admin cancels the unrelated guest's invitation.
    CancelUnrelatedGuest,
    /// The company admin incorporates the guest.
    IncorporateGuest,
    /// The company admin deletes the guest.
    DeleteGuest,
    /// The company admin revokes the guest's sessions.
    RevokeGuestSessions,
    /// The guest logs out.
    GuestLogsOut,
    /// The company admin takes the colleague's right to invite.
    RevokeColleaguesRight,
    /// The company admin turns the ALL group on.
    DisplayGroupAll,
    /// With the ALL group on, the company admin writes in it.
    MessageInAll,
    /// Twenty wrong codes for the colleague's number: the account is locked.
    LockColleague,
    /// Someone of the other organisation writes to a colleague of theirs.
    MessageInOtherOrganisation,
}

/// Event types each socket role is sent, in `ROLES` order from the guest on (anonymous holds
/// no socket); `-` for none.
const SOCKET_ROLES: std::ops::Range<usize> = 1..8;

impl World {
    async fn put_json(&self, path: &str, token: &str, body: &Value) -> reqwest::Response {
        self.app.client.put(self.app.url(path)).bearer_auth(token).json(body).send().await.expect("put")
    }

    fn token(&self, role: &str) -> String {
        let r = ROLES.iter().position(|x| *x == role).expect("a role");
        self.tokens[r].clone().expect("a signed-in role")
    }

    /// Makes `change` and checks that it was taken.
    async fn make(&self, change: Change) {
        let (app, atlas) = (&self.app, &self.atlas);
        let ok = |r: reqwest::Response, what: &str| {
            assert!(r.status().is_success(), "{what}: {}", r.status());
            r
        };
        match change {
            Change::MessageInAtlas => {
                let body = json!({"client_id": uuid::Uuid::new_v4().to_string(), "body": "hello"});
                let path = format!("/api/v1/conversations/{atlas}/messages");
                ok(app.post_json_auth(&path, &self.token("inviter"), &body).await, "send");
            }
            Change::GuestReadsAtlas => {
                let body = json!({"client_id": uuid::Uuid::new_v4().to_string(), "body": "hello"});
                let path = format!("/api/v1/conversations/{atlas}/messages");
                let sent: Value = ok(app.post_json_auth(&path, &self.token("inviter"), &body).await, "send")
                    .json()
                    .await
                    .expect("message");
                self.settle().await;
                let path = format!("/api/v1/conversations/{atlas}/receipts");
                let read = json!({"delivered_seq": sent["seq"], "read_seq": sent["seq"]});
                ok(app.post_json_auth(&path, &self.token("guest"), &read).await, "receipt");
            }
            Change::RenameAtlas => {
                let r = app.client.patch(app.url(&format!("/api/v1/conversations/{atlas}")));
                let r = r.bearer_auth(self.token("inviter")).json(&json!({"name": "Atlas 2"})).send().await;
                ok(r.expect("rename"), "rename");
            }
            Change::PromoteColleague => {
                let path = format!("/api/v1/conversations/{atlas}/members/{}/admin", self.org.colleague.id);
                let r = app.client.put(app.url(&path)).bearer_auth(self.token("inviter")).send().await;
                ok(r.expect("promote"), "promote");
            }
            Change::AddSalesAdmin => {
                let body = json!({"account_ids": [self.org.sales_admin.id]});
                let path = format!("/api/v1/conversations/{atlas}/members");
                ok(app.post_json_auth(&path, &self.token("inviter"), &body).await, "add");
            }
            Change::RemoveGuest => {
                let path = format!("/api/v1/conversations/{atlas}/members/{}", self.guest.id);
                let r = app.client.delete(app.url(&path)).bearer_auth(self.token("inviter")).send().await;
                ok(r.expect("remove"), "remove");
            }
            Change::ColleagueLeaves => {
                let path = format!("/api/v1/conversations/{atlas}/members/{}", self.org.colleague.id);
                let r = app.client.delete(app.url(&path)).bearer_auth(self.token("colleague")).send().await;
                ok(r.expect("leave"), "leave");
            }
            Change::ShareWithEngineering => {
                let body = json!({"account_ids": [], "department_ids": [self.org.engineering]});
                let path = format!("/api/v1/conversations/{atlas}/invitations");
                ok(app.post_json_auth(&path, &self.token("inviter"), &body).await, "share");
            }
            Change::SalesAdminAccepts | Change::SalesAdminDeclines => {
                let verb = if matches!(change, Change::SalesAdminAccepts) { "accept" } else { "decline" };
                let path = format!("/api/v1/conversation-invitations/{}/{verb}", self.invitation);
                ok(app.post_json_auth(&path, &self.token("dept admin"), &json!({})).await, verb);
            }
            Change::HandOverToColleague => {
                let body = json!({"account_id": self.org.colleague.id});
                ok(
                    self.put_json(&format!("/api/v1/conversations/{atlas}/owner"), &self.token("inviter"), &body).await,
                    "hand over",
                );
            }
            Change::CloseAtlas => {
                let path = format!("/api/v1/conversations/{atlas}/close");
                ok(app.post_json_auth(&path, &self.token("inviter"), &json!({})).await, "close");
            }
            Change::KeyRedeemed => {
                let body = json!({"code": self.key_code, "first_name": "Pat", "last_name": "Partner",
                                  "email": "pat@partner.example", "phone": "+44 20 7946 0888"});
                ok(app.post_json("/api/v1/keys/redeem", &body).await, "redeem");
            }
            Change::ColleagueInvitesGuest => {
                let body = json!({"first_name": "Vic", "last_name": "Visitor", "email": "vic@partner.example",
                    "phone": "+44 20 7946 0444", "by_sms": true, "by_email": false, "details": "", "conversation_id": null});
                ok(app.post_json_auth("/api/v1/invitations", &self.token("colleague"), &body).await, "invite");
            }
            Change::UnrelatedGuestActivates => {
                let code = app.read_outbox_code(&self.unrelated_guest.phone).await;
                let token = app.login(&self.unrelated_guest.phone, &code).await;
                app.activate(&token).await;
            }
            Change::AmendUnrelatedGuest => {
                let body = json!({"first_name": "Gina", "last_name": "Renamed", "email": "gina2@partner.example",
                                  "phone": "+44 20 7946 0102"});
                let path = format!("/api/v1/admin/guests/{}", self.unrelated_guest.id);
                ok(self.put_json(&path, &self.token("company admin"), &body).await, "amend");
            }
            Change::CancelUnrelatedGuest => {
                let path = format!("/api/v1/admin/guests/{}/cancel", self.unrelated_guest.id);
                ok(app.post_json_auth(&path, &self.token("company admin"), &json!({})).await, "cancel");
            }
            Change::IncorporateGuest | Change::DeleteGuest => {
                let verb = if matches!(change, Change::IncorporateGuest) { "incorporate" } else { "delete" };
                let body = json!({"guest_ids": [self.guest.id]});
                let path = format!("/api/v1/admin/guests/{verb}");
                ok(app.post_json_auth(&path, &self.token("company admin"), &body).await, verb);
            }
            Change::RevokeGuestSessions => {
                let path = format!("/api/v1/admin/accounts/{}/revoke-sessions", self.guest.id);
                ok(app.post_json_auth(&path, &self.token("company admin"), &json!({})).await, "revoke");
            }
            Change::GuestLogsOut => {
                ok(app.post_json_auth("/api/v1/auth/logout", &self.token("guest"), &json!({})).await, "logout");
            }
            Change::RevokeColleaguesRight => {
                let path = format!("/api/v1/admin/accounts/{}/may-invite", self.org.colleague.id);
                ok(
                    self.put_json(&path, &self.token("company admin"), &json!({"may_invite": false})).await,
                    "may-invite",
                );
            }
            Change::DisplayGroupAll => self.display_group_all().await,
            Change::MessageInAll => {
                let all = self.all_group().await;
                let body = json!({"client_id": uuid::Uuid::new_v4().to_string(), "body": "to everyone"});
                let path = format!("/api/v1/conversations/{all}/messages");
                ok(app.post_json_auth(&path, &self.token("company admin"), &body).await, "send in ALL");
            }
            Change::LockColleague => {
                // Four codes, five wrong tries each, out of the throttle's window between them.
                let phone = &self.org.colleague.phone;
                for _ in 0..MAX_FAILED_PER_ACCOUNT / MAX_TRIES_PER_CODE {
                    let code = app.request_new_code(phone).await;
                    for i in 0..MAX_TRIES_PER_CODE {
                        let status = app.try_login(phone, &wrong_code(&code, i)).await.status();
                        assert_eq!(status, StatusCode::UNAUTHORIZED);
                    }
                    app.advance_clock(THROTTLE_WINDOW_MS);
                }
            }
            Change::MessageInOtherOrganisation => {
                let body = json!({"kind": "direct", "member_ids": [self.other_colleague]});
                let outsider = self.token("other org");
                let direct: Value = ok(app.post_json_auth("/api/v1/conversations", &outsider, &body).await, "start")
                    .json()
                    .await
                    .expect("conversation");
                self.settle().await;
                let body = json!({"client_id": uuid::Uuid::new_v4().to_string(), "body": "hello"});
                let path = format!("/api/v1/conversations/{}/messages", direct["id"].as_str().expect("id"));
                ok(app.post_json_auth(&path, &outsider, &body).await, "send");
            }
        }
    }

    /// Turns *Display the group All* on (SPEC §3).
    async fn display_group_all(&self) {
        let admin = self.token("company admin");
        let mut settings: Value =
            self.app.get_auth("/api/v1/admin/settings", &admin).await.json().await.expect("settings");
        settings["display_group_all"] = json!(true);
        let r = self.put_json("/api/v1/admin/settings", &admin, &settings).await;
        assert!(r.status().is_success(), "settings: {}", r.status());
    }

    async fn all_group(&self) -> String {
        let list: Value =
            self.app.get_auth("/api/v1/conversations", &self.token("company admin")).await.json().await.expect("list");
        let all = list.as_array().expect("a list").iter().find(|c| c["org_wide"] == true).expect("the ALL group");
        all["id"].as_str().expect("id").to_owned()
    }

    /// Whom role `r` may not be told of once `change` is made: the change may show someone.
    fn hidden_after(&self, change: Change, r: usize) -> Vec<crate::authorization::Person> {
        let shown: Vec<&str> = match change {
            // In Atlas with the guest now.
            Change::AddSalesAdmin | Change::SalesAdminAccepts if ROLES[r] == "guest" => vec![&self.org.sales_admin.id],
            // A member now, whom every member sees.
            Change::IncorporateGuest if ROLES[r] != "other org" => vec![&self.guest.id],
            _ => Vec::new(),
        };
        self.hidden_from(r).into_iter().filter(|p| !shown.contains(&p.id.as_str())).collect()
    }

    /// Lets pushes of earlier steps reach their sockets before the next step.
    async fn settle(&self) {
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
}

/// Every event a socket is sent until it has been quiet for a moment (or closes).
async fn drain(socket: &mut Socket) -> Vec<Value> {
    let mut events = Vec::new();
    while let Ok(Some(Ok(message))) = tokio::time::timeout(Duration::from_millis(400), socket.next()).await {
        match message {
            Message::Text(text) => events.push(serde_json::from_str(&text).expect("a JSON event")),
            Message::Close(_) => break,
            _ => {}
        }
    }
    events
}

/// One row: a change, made after `setup`, and the event types each socket role is sent, from
/// the guest to the other organisation (`-`: nothing; several types joined by `+`).
struct EventRow {
    change: Change,
    setup: &'static [Change],
    expect: [&'static str; 7],
}

/// `cc` is short for `contacts_changed` in the table.
fn expand(event_type: &str) -> String {
    if event_type == "cc" { "contacts_changed" } else { event_type }.to_owned()
}

const fn row(change: Change, expect: [&'static str; 7]) -> EventRow {
    EventRow { change, setup: &[], expect }
}

/// Runs `rows`, each in a fresh world with every role's socket open; collects every event type
/// sent to a role that should not have it, every one missing, and every leak; fails with all.
async fn check(rows: &[EventRow]) {
    let mut failures = Vec::new();
    let mut events_read = 0;
    for row in rows {
        let w = World::new().await;
        for step in row.setup {
            w.make(*step).await;
        }
        // The world's members were provisioned as the CLI does: each node's change watcher
        // announces them within its one-second period, before the change is made.
        tokio::time::sleep(Duration::from_millis(1200)).await;
        let mut sockets: Vec<(usize, Socket)> = Vec::new();
        for r in SOCKET_ROLES {
            sockets.push((r, connect(&w.app, w.tokens[r].as_deref().expect("a token")).await));
        }
        for (_, socket) in &mut sockets {
            drain(socket).await;
        }
        w.make(row.change).await;
        for ((r, socket), expect) in sockets.iter_mut().zip(row.expect) {
            let events = drain(socket).await;
            events_read += events.len();
            let got: BTreeSet<String> = events.iter().map(|e| e["type"].as_str().unwrap_or("?").to_owned()).collect();
            let want: BTreeSet<String> = expect.split('+').filter(|t| *t != "-").map(expand).collect();
            if got != want {
                failures.push(format!("{:?} → {}: expected {want:?}, got {got:?}", row.change, ROLES[*r]));
            }
            let text = events.iter().map(Value::to_string).collect::<Vec<_>>().join("\n");
            for p in w.hidden_after(row.change, *r) {
                let named = [Some(&p.id), Some(&p.phone), p.email.as_ref()]
                    .into_iter()
                    .flatten()
                    .find(|needle| !needle.is_empty() && text.contains(needle.as_str()));
                if let Some(needle) = named {
                    failures.push(format!("{:?} → {}: told of {needle}: {text:.300}", row.change, ROLES[*r]));
                }
            }
        }
    }
    eprintln!(
        "event matrix: {} rows, {} cells, {events_read} events, {} failures",
        rows.len(),
        rows.len() * 7,
        failures.len()
    );
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
}

// Each row: the change, then what each socket is sent, from the guest to the other organisation:
//        guest, inviter, colleague, other dept admin, dept admin, company admin, other org.
// `cc` stands for contacts_changed (see `expand`).

#[tokio::test]
async fn chat_events_reach_the_members_and_nobody_else() {
    use Change::*;
    check(&[
        row(MessageInAtlas, ["message", "message", "message", "-", "-", "-", "-"]),
        row(GuestReadsAtlas, ["message+receipt", "message+receipt", "message+receipt", "-", "-", "-", "-"]),
        // Between two members: nobody's Contacts change, and nobody else hears of it.
        row(MessageInOtherOrganisation, ["-", "-", "-", "-", "-", "-", "message"]),
        row(
            DisplayGroupAll,
            [
                "settings_changed",
                "conversation_changed+settings_changed",
                "conversation_changed+settings_changed",
                "conversation_changed+settings_changed",
                "conversation_changed+settings_changed",
                "conversation_changed+settings_changed",
                "-",
            ],
        ),
        EventRow {
            change: MessageInAll,
            setup: &[DisplayGroupAll],
            expect: ["-", "message", "message", "message", "message", "message", "-"],
        },
    ])
    .await;
}

#[tokio::test]
async fn group_events_reach_the_members_and_nobody_else() {
    use Change::*;
    let changed = "conversation_changed";
    let joined = "cc+conversation_changed+message";
    check(&[
        row(RenameAtlas, [changed, changed, changed, "-", "-", "-", "-"]),
        row(PromoteColleague, [changed, changed, changed, "-", "-", "-", "-"]),
        // With a guest in the group, who sees whom changes for everyone in it — and only them.
        row(AddSalesAdmin, [joined, joined, joined, "-", joined, "-", "-"]),
        row(
            RemoveGuest,
            [
                "cc+conversation_changed",
                "cc+conversation_changed+message",
                "cc+conversation_changed+message",
                "-",
                "-",
                "-",
                "-",
            ],
        ),
        row(
            ColleagueLeaves,
            [
                "cc+conversation_changed+message",
                "cc+conversation_changed+message",
                "cc+conversation_changed",
                "-",
                "-",
                "-",
                "-",
            ],
        ),
        row(
            CloseAtlas,
            [
                "cc+conversation_changed",
                "cc+conversation_changed+invitations_changed",
                "cc+conversation_changed",
                "-",
                "invitations_changed",
                "-",
                "-",
            ],
        ),
    ])
    .await;
}

#[tokio::test]
async fn sharing_events_reach_the_owner_and_the_invitees() {
    use Change::*;
    let joined = "cc+conversation_changed+message";
    check(&[
        row(ShareWithEngineering, ["-", "invitations_changed", "-", "invitations_changed", "-", "-", "-"]),
        row(
            SalesAdminAccepts,
            [
                joined,
                "cc+conversation_changed+invitations_changed+message",
                joined,
                "-",
                "cc+conversation_changed+invitations_changed+message",
                "-",
                "-",
            ],
        ),
        row(SalesAdminDeclines, ["-", "invitations_changed", "-", "-", "invitations_changed", "-", "-"]),
        row(
            HandOverToColleague,
            [
                "conversation_changed",
                "conversation_changed+invitations_changed",
                "conversation_changed",
                "-",
                "invitations_changed",
                "-",
                "-",
            ],
        ),
        // The key's guest joins Atlas (pending): its people see them; the owner's admins are told.
        row(
            KeyRedeemed,
            [
                "cc+conversation_changed",
                "cc+conversation_changed",
                "cc+conversation_changed",
                "-",
                "notice",
                "notice",
                "-",
            ],
        ),
    ])
    .await;
}

#[tokio::test]
async fn guest_events_reach_the_inviter_the_admins_in_scope_and_the_guest() {
    use Change::*;
    check(&[
        row(ColleagueInvitesGuest, ["-", "-", "cc", "notice", "-", "notice", "-"]),
        row(UnrelatedGuestActivates, ["-", "-", "cc+notice", "-", "-", "-", "-"]),
        row(AmendUnrelatedGuest, ["-", "-", "cc", "-", "-", "-", "-"]),
        row(CancelUnrelatedGuest, ["-", "-", "cc", "-", "-", "-", "-"]),
        // A member now: every member sees them; their own socket reads itself again.
        row(IncorporateGuest, ["account_changed", "cc", "cc", "cc", "cc", "cc", "-"]),
        row(DeleteGuest, ["session_revoked", "cc+conversation_changed", "cc+conversation_changed", "-", "-", "-", "-"]),
    ])
    .await;
}

#[tokio::test]
async fn account_events_reach_the_account_and_its_admins() {
    use Change::*;
    check(&[
        row(RevokeGuestSessions, ["session_revoked", "-", "-", "-", "-", "-", "-"]),
        row(GuestLogsOut, ["session_revoked", "-", "-", "-", "-", "-", "-"]),
        // Nobody's Contacts show the right: the colleague reads itself again. The guest the
        // colleague sponsored is suspended (SPEC §11.1): the colleague, who sees it, is told its
        // contact changed, and the admins of its department (Engineering's and the company
        // admin) get a notice.
        row(RevokeColleaguesRight, ["-", "-", "account_changed+contacts_changed", "notice", "-", "notice", "-"]),
        row(LockColleague, ["-", "-", "-", "notice", "-", "notice", "-"]),
    ])
    .await;
}
