//! The ALL group (SPEC §2, setting *display the group All*): every member, never a guest; shown
//! and hidden by the setting with its history kept; its members follow the organisation and
//! nobody changes them by hand.

use crate::helpers::assert_error;
use crate::invitations::{form, setup, Setup};
use crate::ws::{connect, next_event};
use parley_core::role::{AccountStatus, Role};
use reqwest::StatusCode;
use serde_json::{json, Value};

impl Setup {
    async fn conversations(&self, token: &str) -> Vec<Value> {
        let r = self.app.get_auth("/api/v1/conversations", token).await;
        assert_eq!(r.status(), StatusCode::OK);
        r.json().await.expect("list")
    }

    /// The ALL group in `token`'s list, if it is there.
    async fn all_group(&self, token: &str) -> Option<Value> {
        self.conversations(token).await.into_iter().find(|c| c["org_wide"] == true)
    }
}

fn member_ids(conversation: &Value) -> Vec<String> {
    let mut ids: Vec<String> = conversation["members"]
        .as_array()
        .expect("members")
        .iter()
        .map(|m| m["contact"]["id"].as_str().expect("id").to_owned())
        .collect();
    ids.sort();
    ids
}

fn sorted(ids: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = ids.iter().map(|s| (*s).to_owned()).collect();
    v.sort();
    v
}

#[tokio::test]
async fn the_all_group_holds_every_member_never_a_guest_and_follows_the_setting() {
    let s = setup().await;
    let r = s.invite(&s.member, &form(1)).await;
    let guest_id = r.json::<Value>().await.expect("invited")["guest"]["id"].as_str().expect("id").to_owned();
    let code = s.app.read_outbox_code("+442079460101").await;
    let guest = s.app.login("+442079460101", &code).await;
    s.app.activate(&guest).await;

    // Off by default: nobody has it.
    assert!(s.all_group(&s.member).await.is_none());

    // On: every member's list has it at once (their sockets are told), pending members included.
    let mut socket = connect(&s.app, &s.member).await;
    s.settings(json!({ "display_group_all": true })).await;
    let event = next_event(&mut socket).await.expect("an event");
    let event =
        if event["type"] == "settings_changed" { next_event(&mut socket).await.expect("an event") } else { event };
    assert_eq!(event["type"], "conversation_changed", "{event}");
    let all = s.all_group(&s.member).await.expect("shown to a member");
    assert_eq!(event["conversation_id"], all["id"]);
    assert_eq!((all["title"].as_str(), all["kind"].as_str()), (Some("All"), Some("group")));
    let o = &s.org;
    assert_eq!(
        member_ids(&all),
        sorted(&[&o.company_admin.id, &o.sales_admin.id, &o.engineering_admin.id, &o.colleague.id]),
        "every other member, and no guest"
    );
    assert!(!all["viewer_is_admin"].as_bool().expect("bool") && !all["viewer_is_owner"].as_bool().expect("bool"));
    let id = all["id"].as_str().expect("id").to_owned();

    // Never a guest: not in its list, and not said to exist.
    assert!(s.all_group(&guest).await.is_none());
    let r = s.app.get_auth(&format!("/api/v1/conversations/{id}"), &guest).await;
    assert_error(r, StatusCode::NOT_FOUND, "not_found").await;

    // Members talk in it.
    let send = json!({"client_id": "00000000-0000-4000-8000-000000000001", "body": "Hello everyone"});
    let r = s.app.post_json_auth(&format!("/api/v1/conversations/{id}/messages"), &s.member, &send).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let seen: Value =
        s.app.get_auth(&format!("/api/v1/conversations/{id}/messages"), &s.colleague).await.json().await.expect("page");
    assert!(seen["messages"].as_array().expect("messages").iter().any(|m| m["body"] == "Hello everyone"));
    let sent = next_event(&mut socket).await.expect("the message, live");
    assert_eq!((sent["type"].as_str(), sent["message"]["body"].as_str()), (Some("message"), Some("Hello everyone")));
    // Receipts in the ALL group reach only the reader's own devices (everyone's to everyone
    // would grow with the square of the organisation): the member hears the colleague's reply,
    // not the colleague's receipt that came first, then their own receipt.
    let receipts = format!("/api/v1/conversations/{id}/receipts");
    let read = json!({"delivered_seq": 1, "read_seq": 1});
    assert_eq!(s.app.post_json_auth(&receipts, &s.colleague, &read).await.status(), StatusCode::OK);
    let reply = json!({"client_id": "00000000-0000-4000-8000-000000000002", "body": "Hi"});
    let r = s.app.post_json_auth(&format!("/api/v1/conversations/{id}/messages"), &s.colleague, &reply).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let next = next_event(&mut socket).await.expect("the reply");
    assert_eq!((next["type"].as_str(), next["message"]["body"].as_str()), (Some("message"), Some("Hi")));
    let mine = json!({"delivered_seq": 2, "read_seq": 2});
    assert_eq!(s.app.post_json_auth(&receipts, &s.member, &mine).await.status(), StatusCode::OK);
    let receipt = next_event(&mut socket).await.expect("a receipt");
    assert_eq!(
        (receipt["type"].as_str(), receipt["receipt"]["account_id"].as_str()),
        (Some("receipt"), Some(o.member.id.as_str()))
    );
    assert_eq!(s.all_group(&s.member).await.expect("shown")["member_count"], 5, "the viewer included");

    // Its members are the organisation's: nobody adds, removes, leaves, renames, promotes,
    // shares or closes it, not even a company admin.
    let forbidden = |r: reqwest::Response| assert_error(r, StatusCode::FORBIDDEN, "forbidden");
    let add = json!({ "account_ids": [guest_id] });
    forbidden(s.app.post_json_auth(&format!("/api/v1/conversations/{id}/members"), &s.admin, &add).await).await;
    let leave = s.app.url(&format!("/api/v1/conversations/{id}/members/{}", o.member.id));
    forbidden(s.app.client.delete(leave).bearer_auth(&s.member).send().await.expect("delete")).await;
    let remove = s.app.url(&format!("/api/v1/conversations/{id}/members/{}", o.colleague.id));
    forbidden(s.app.client.delete(remove).bearer_auth(&s.admin).send().await.expect("delete")).await;
    let rename = s.app.url(&format!("/api/v1/conversations/{id}"));
    let r =
        s.app.client.patch(rename).bearer_auth(&s.admin).json(&json!({"name": "Mine"})).send().await.expect("patch");
    forbidden(r).await;
    let promote = s.app.url(&format!("/api/v1/conversations/{id}/members/{}/admin", o.member.id));
    forbidden(s.app.client.put(promote).bearer_auth(&s.admin).send().await.expect("put")).await;
    let share = json!({"account_ids": [], "department_ids": [o.engineering]});
    forbidden(s.app.post_json_auth(&format!("/api/v1/conversations/{id}/invitations"), &s.admin, &share).await).await;
    forbidden(s.app.post_auth(&format!("/api/v1/conversations/{id}/close"), &s.admin).await).await;
    let into_all = crate::invitations::with(form(2), json!({ "conversation_id": id }));
    let refused = assert_error(s.invite(&s.member, &into_all).await, StatusCode::FORBIDDEN, "forbidden").await;
    assert_eq!(refused["message"], "Guests are never in the All group.");
    let all = s.all_group(&s.admin).await.expect("still there");
    assert_eq!(all["members"].as_array().expect("members").len(), 4, "nothing changed");

    // A guest incorporated as a member joins it, announced to everyone (under the name the
    // guest confirmed at first login).
    let r =
        s.app.post_json_auth("/api/v1/admin/guests/incorporate", &s.admin, &json!({ "guest_ids": [guest_id] })).await;
    assert_eq!(r.status(), StatusCode::OK);
    let theirs = s.all_group(&guest).await.expect("the incorporated guest is in it");
    assert_eq!(theirs["id"], id.as_str());
    let page: Value =
        s.app.get_auth(&format!("/api/v1/conversations/{id}/messages"), &s.member).await.json().await.expect("page");
    let last = page["messages"].as_array().expect("messages").last().cloned().expect("a message");
    assert_eq!(
        (last["kind"].as_str(), last["body"].as_str()),
        (Some("joined"), Some("Test User joined the conversation."))
    );

    // A member provisioned while it is shown joins it at once.
    let newcomer = s.app.add_member(&o.id, &o.engineering, 40, Role::Member, AccountStatus::Pending).await;
    let all = s.all_group(&s.member).await.expect("shown");
    assert!(member_ids(&all).contains(&newcomer.id) && member_ids(&all).contains(&guest_id));

    // Off: it leaves every list (history kept); a member added meanwhile is in it when it is
    // shown again, with the earlier messages.
    s.settings(json!({ "display_group_all": false })).await;
    assert!(s.all_group(&s.member).await.is_none());
    assert_error(
        s.app.get_auth(&format!("/api/v1/conversations/{id}"), &s.member).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    let later = s.app.add_member(&o.id, &o.emea, 41, Role::Member, AccountStatus::Pending).await;
    s.settings(json!({ "display_group_all": true })).await;
    let all = s.all_group(&s.member).await.expect("shown again");
    assert_eq!(all["id"], id.as_str(), "the same conversation");
    assert!(member_ids(&all).contains(&later.id));
    let page: Value =
        s.app.get_auth(&format!("/api/v1/conversations/{id}/messages"), &s.member).await.json().await.expect("page");
    assert!(page["messages"].as_array().expect("messages").iter().any(|m| m["body"] == "Hello everyone"));
    // Saving the settings again changes nothing.
    s.settings(json!({ "display_group_all": true })).await;
    assert_eq!(s.conversations(&s.member).await.iter().filter(|c| c["org_wide"] == true).count(), 1);
}
