//! "Why does X see Y?" (SPEC §11.1, issue 13): the admin's answer is the visibility rule's own,
//! agrees with what the viewer's contacts sync shows, and stays within the admin's scope.

use crate::helpers::assert_error;
use crate::invitations::{form, setup, with, Setup};
use reqwest::StatusCode;
use serde_json::{json, Value};

impl Setup {
    async fn invited(&self, token: &str, form: &Value) -> String {
        let r = self.invite(token, form).await;
        assert_eq!(r.status(), StatusCode::CREATED);
        r.json::<Value>().await.expect("created")["guest"]["id"].as_str().expect("id").to_owned()
    }

    async fn why(&self, token: &str, viewer: &str, target: &str) -> reqwest::Response {
        self.app.get_auth(&format!("/api/v1/admin/visibility?viewer={viewer}&target={target}"), token).await
    }

    async fn answer(&self, viewer: &str, target: &str) -> Value {
        let r = self.why(&self.admin, viewer, target).await;
        assert_eq!(r.status(), StatusCode::OK, "{viewer} -> {target}");
        r.json().await.expect("answer")
    }
}

#[tokio::test]
async fn the_answer_is_the_rules_reason_and_agrees_with_the_viewers_contacts() {
    let s = setup().await;
    let group = s.group_with_colleague().await;
    let gid = group["id"].as_str().expect("id");
    let alone = s.invited(&s.member, &form(1)).await;
    let in_atlas = s.invited(&s.member, &with(form(2), json!({ "conversation_id": gid }))).await;
    let also_in_atlas = s.invited(&s.member, &with(form(3), json!({ "conversation_id": gid }))).await;
    let (member, colleague) = (s.org.member.id.as_str(), s.org.colleague.id.as_str());

    let a = s.answer(member, alone.as_str()).await;
    assert_eq!((a["reason"].as_str(), a["sees_in_contacts"].as_bool()), (Some("viewer_invited_target"), Some(true)));
    assert_eq!(a["sentence"], "Test User sees Gina Guest1: Test User invited Gina Guest1.");
    let a = s.answer(&alone, member).await;
    assert_eq!(a["reason"], "target_invited_viewer");

    let a = s.answer(colleague, &alone).await;
    assert_eq!(
        (a["reason"].as_str(), a["sees_in_contacts"].as_bool()),
        (Some("guest_not_tied_to_member"), Some(false))
    );
    let a = s.answer(colleague, &in_atlas).await;
    assert_eq!(a["reason"], "share_conversation");
    assert_eq!(a["shared_conversations"], json!(["Atlas"]));
    assert_eq!(a["sentence"], "Test User sees Gina Guest2: both are in “Atlas”.");
    let a = s.answer(member, colleague).await;
    assert_eq!(a["reason"], "both_members");

    let a = s.answer(&in_atlas, &also_in_atlas).await;
    assert_eq!(a["reason"], "guests_only_in_conversation");
    assert_eq!((a["sees_in_contacts"].as_bool(), a["sees_in_conversation"].as_bool()), (Some(false), Some(true)));
    let a = s.answer(&alone, &in_atlas).await;
    assert_eq!(
        (a["reason"].as_str(), a["sees_in_conversation"].as_bool()),
        (Some("guests_never_in_contacts"), Some(false))
    );

    // The enforcement agrees: what the colleague's contacts sync shows is what the answers say.
    let shown = s.contact_ids(&s.colleague).await;
    for guest in [&alone, &in_atlas, &also_in_atlas] {
        let a = s.answer(colleague, guest).await;
        assert_eq!(a["sees_in_contacts"].as_bool(), Some(shown.contains(guest)), "{guest}");
    }
}

#[tokio::test]
async fn only_admins_ask_and_only_about_people_of_their_scope() {
    let s = setup().await;
    let guest = s.invited(&s.member, &form(1)).await; // provisioned in Sales EMEA
    let (member, colleague) = (s.org.member.id.as_str(), s.org.colleague.id.as_str());

    assert_error(s.why(&s.colleague, member, colleague).await, StatusCode::FORBIDDEN, "forbidden").await;
    let engineering_admin = s.app.login_active(&s.org.engineering_admin).await;
    let body =
        assert_error(s.why(&engineering_admin, colleague, &guest).await, StatusCode::FORBIDDEN, "forbidden").await;
    assert_eq!(
        (body["message"].as_str(), body["field"].as_str()),
        (Some("This person is outside the departments you administer."), Some("target"))
    );
    let sales_admin = s.app.login_active(&s.org.sales_admin).await;
    assert_eq!(s.why(&sales_admin, member, &guest).await.status(), StatusCode::OK);

    let body = assert_error(s.why(&s.admin, member, member).await, StatusCode::BAD_REQUEST, "invalid_request").await;
    assert_eq!(body["message"], "Choose two different people.");
    for junk in ["nobody", "%00", "a%20b", &"x".repeat(300)] {
        let body = assert_error(s.why(&s.admin, junk, member).await, StatusCode::NOT_FOUND, "not_found").await;
        assert_eq!((body["message"].as_str(), body["field"].as_str()), (Some("No such person."), Some("viewer")));
    }
    assert_error(
        s.app.get_auth("/api/v1/admin/visibility?viewer=x", &s.admin).await,
        StatusCode::BAD_REQUEST,
        "invalid_request",
    )
    .await;
    // Another organisation's people are not said to exist.
    let other = s.app.seed_org("Other", 40).await;
    assert_error(s.why(&s.admin, member, &other.member.id).await, StatusCode::NOT_FOUND, "not_found").await;
}

#[tokio::test]
async fn the_picker_finds_people_of_the_admins_scope_by_name_or_number() {
    let s = setup().await;
    let guest = s.invited(&s.member, &form(1)).await;
    let picks = |token: String, search: &'static str| {
        let app = &s.app;
        async move {
            let r = app.get_auth(&format!("/api/v1/admin/accounts?search={search}"), &token).await;
            assert_eq!(r.status(), StatusCode::OK, "{search}");
            let rows: Value = r.json().await.expect("picks");
            rows.as_array().expect("rows").iter().map(|r| r["id"].as_str().expect("id").to_owned()).collect::<Vec<_>>()
        }
    };
    assert_eq!(picks(s.admin.clone(), "gina").await, vec![guest.clone()]);
    assert_eq!(picks(s.admin.clone(), "gu%20gi").await, vec![guest.clone()]);
    assert_eq!(picks(s.admin.clone(), "7946%200101").await, vec![guest.clone()]);
    assert!(picks(s.admin.clone(), "g").await.is_empty(), "one character finds nobody");
    let engineering_admin = s.app.login_active(&s.org.engineering_admin).await;
    assert!(picks(engineering_admin.clone(), "gina").await.is_empty(), "a guest of Sales EMEA");
    assert!(picks(engineering_admin, "test").await.contains(&s.org.colleague.id));
    assert_error(
        s.app.get_auth("/api/v1/admin/accounts?search=gina", &s.colleague).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
}
