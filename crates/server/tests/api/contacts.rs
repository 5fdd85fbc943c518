//! Contact sync (SPEC §11): a full list, then deltas from a cursor.

use crate::helpers::{assert_error, spawn_app, TestApp};
use parley_core::role::{AccountStatus, Role};
use parley_server::contact_sync::ACCOUNTS_PER_PAGE;
use reqwest::StatusCode;
use serde_json::Value;
use std::collections::BTreeSet;

async fn sync(app: &TestApp, token: &str, cursor: Option<&str>) -> Value {
    ask(app, token, "cursor", cursor).await
}

/// The page of a whole list after the one whose `page.next` is `next`.
async fn next_page(app: &TestApp, token: &str, next: &str) -> Value {
    ask(app, token, "page", Some(next)).await
}

async fn ask(app: &TestApp, token: &str, parameter: &str, value: Option<&str>) -> Value {
    let mut request = app.client.get(app.url("/api/v1/contacts")).bearer_auth(token);
    if let Some(v) = value {
        request = request.query(&[(parameter, v)]);
    }
    let response = request.send().await.expect("sent");
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.expect("a delta")
}

fn ids(delta: &Value) -> BTreeSet<String> {
    delta["contacts"].as_array().expect("contacts").iter().map(|c| c["id"].as_str().expect("id").to_owned()).collect()
}

fn cursor(delta: &Value) -> String {
    let c = delta["cursor"].as_str().expect("cursor").to_owned();
    assert!(!c.is_empty());
    c
}

#[tokio::test]
async fn a_full_sync_lists_every_other_member_of_the_organisation() {
    let app = spawn_app().await;
    let acme = app.seed_org("Acme", 0).await;
    let globex = app.seed_org("Globex", 10).await;
    let token = app.login_active(&acme.company_admin).await;

    let delta = sync(&app, &token, None).await;
    assert_eq!(delta["full_resync"], true);
    cursor(&delta);
    let expected: BTreeSet<String> = acme.everyone().iter().skip(1).map(|u| u.id.clone()).collect();
    assert_eq!(ids(&delta), expected, "everyone else in Acme; not self, nobody from Globex");
    for other in globex.everyone() {
        assert!(!ids(&delta).contains(&other.id));
    }
    assert_eq!(delta["removed"].as_array().expect("removed").len(), 0);

    let member = delta["contacts"]
        .as_array()
        .expect("contacts")
        .iter()
        .find(|c| c["id"] == acme.member.id.as_str())
        .expect("member");
    assert_eq!(member["phone"], acme.member.phone.as_str());
    assert_eq!(member["department_name"], "Sales EMEA");
    assert_eq!(member["status"], "pending");
}

#[tokio::test]
async fn a_delta_holds_exactly_what_changed_since_the_cursor() {
    let app = spawn_app().await;
    let acme = app.seed_org("Acme", 0).await;
    let globex = app.seed_org("Globex", 10).await;
    let token = app.login_active(&acme.company_admin).await;
    let first = sync(&app, &token, None).await;

    // Nothing changed: an empty delta.
    let none = sync(&app, &token, Some(&cursor(&first))).await;
    assert_eq!(none["full_resync"], false);
    assert!(ids(&none).is_empty());

    // A colleague completes the first-login steps; another organisation changes too.
    app.login_active(&acme.member).await;
    app.login_active(&globex.member).await;
    let delta = sync(&app, &token, Some(&cursor(&first))).await;
    assert_eq!(delta["full_resync"], false);
    assert_eq!(ids(&delta), BTreeSet::from([acme.member.id.clone()]));
    assert_eq!(delta["contacts"][0]["status"], "active");
    assert_eq!(delta["contacts"][0]["first_name"], "Test");
    assert_eq!(delta["removed"].as_array().expect("removed").len(), 0);

    // A newly provisioned member.
    let newcomer = app.add_member(&acme.id, &acme.engineering, 40, Role::Member, AccountStatus::Pending).await;
    let next = sync(&app, &token, Some(&cursor(&delta))).await;
    assert_eq!(next["full_resync"], false);
    assert_eq!(ids(&next), BTreeSet::from([newcomer.id.clone()]));
}

#[tokio::test]
async fn an_unknown_cursor_gets_a_full_resync() {
    let app = spawn_app().await;
    let acme = app.seed_org("Acme", 0).await;
    let token = app.login_active(&acme.company_admin).await;
    let everyone_else: BTreeSet<String> = acme.everyone().iter().skip(1).map(|u| u.id.clone()).collect();

    for unknown in ["garbage", "c1.999999", "c1.-1", ""] {
        let delta = sync(&app, &token, Some(unknown)).await;
        assert_eq!(delta["full_resync"], true, "cursor {unknown:?}");
        assert_eq!(ids(&delta), everyone_else, "cursor {unknown:?}");
    }
}

#[tokio::test]
async fn a_whole_list_comes_in_pages_as_of_one_moment_and_the_next_delta_has_what_changed_meanwhile() {
    let app = spawn_app().await;
    let acme = app.seed_org("Acme", 0).await;
    let bulk = ACCOUNTS_PER_PAGE + 300;
    parley_server::provisioning::add_members_in_bulk(&app.state.db, &acme.id, bulk, app.state.clock.now_ms())
        .await
        .expect("members");
    let token = app.login_active(&acme.company_admin).await;
    let accounts = bulk + acme.everyone().len();

    let first = sync(&app, &token, None).await;
    assert_eq!(first["full_resync"], true);
    assert_eq!(first["page"]["read"], ACCOUNTS_PER_PAGE);
    assert_eq!(first["page"]["total"], accounts);
    let next = first["page"]["next"].as_str().expect("a next page").to_owned();

    // Between the pages a member is added and another one changes: the list stays as of its
    // first page; the delta from its cursor brings both.
    let newcomer = app.add_member(&acme.id, &acme.engineering, 40, Role::Member, AccountStatus::Pending).await;
    app.login_active(&acme.member).await;
    let last = next_page(&app, &token, &next).await;
    assert_eq!(last["full_resync"], true);
    assert_eq!(last["cursor"], first["cursor"], "one list, one moment");
    assert!(last["page"]["next"].is_null(), "the last page");
    assert_eq!(last["page"]["read"], accounts);
    let (a, b) = (ids(&first), ids(&last));
    assert!(a.is_disjoint(&b), "no account on two pages");
    let listed: BTreeSet<String> = a.union(&b).cloned().collect();
    assert!(!listed.contains(&newcomer.id) && !listed.contains(&acme.company_admin.id));
    let delta = sync(&app, &token, Some(&cursor(&last))).await;
    assert_eq!(delta["full_resync"], false);
    assert!(delta["page"].is_null());
    assert!(ids(&delta).contains(&newcomer.id) && ids(&delta).contains(&acme.member.id));
    let held: BTreeSet<String> = listed.union(&ids(&delta)).cloned().collect();
    assert_eq!(held.len(), accounts, "everyone but the viewer, and the newcomer");
}

#[tokio::test]
async fn a_page_the_server_did_not_give_is_refused_with_a_message() {
    let app = spawn_app().await;
    let acme = app.seed_org("Acme", 0).await;
    let token = app.login_active(&acme.company_admin).await;
    for strange in
        ["garbage", "", "p1.", "p1.999999.10.1.x", "p1.1.1.2.x", "c1.1", &format!("p1.1.9.1.{}", "x".repeat(65))]
    {
        let response = app
            .client
            .get(app.url("/api/v1/contacts"))
            .bearer_auth(&token)
            .query(&[("page", strange)])
            .send()
            .await
            .expect("sent");
        assert_error(response, StatusCode::BAD_REQUEST, "invalid_request").await;
    }
}
