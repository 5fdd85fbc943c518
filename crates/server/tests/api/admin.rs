//! Who may revoke whose sessions: company admins for the organisation, department admins for
//! their departments and sub-departments; nobody for another organisation.

use crate::helpers::{assert_error, spawn_app, TestApp};
use reqwest::{Response, StatusCode};
use serde_json::Value;

async fn revoke(app: &TestApp, token: &str, account_id: &str) -> Response {
    app.post_auth(&format!("/api/v1/admin/accounts/{account_id}/revoke-sessions"), token).await
}

#[tokio::test]
async fn a_member_may_not_revoke_sessions() {
    let app = spawn_app().await;
    let org = app.seed_org("Acme", 0).await;
    let member = app.login_active(&org.member).await;
    assert_error(revoke(&app, &member, &org.colleague.id).await, StatusCode::FORBIDDEN, "forbidden").await;
    assert_error(revoke(&app, &member, &org.member.id).await, StatusCode::FORBIDDEN, "forbidden").await;
}

#[tokio::test]
async fn a_department_admin_administers_their_departments_and_below_only() {
    let app = spawn_app().await;
    let org = app.seed_org("Acme", 0).await;
    let member = app.login_active(&org.member).await; // in Sales EMEA, under Sales
    let sales_admin = app.login_active(&org.sales_admin).await;
    let engineering_admin = app.login_active(&org.engineering_admin).await;

    // A sibling department's admin.
    assert_error(revoke(&app, &engineering_admin, &org.member.id).await, StatusCode::FORBIDDEN, "forbidden").await;
    assert_eq!(app.get_auth("/api/v1/me", &member).await.status(), StatusCode::OK, "still logged in");
    // Nor above: the company admin is not in their departments.
    assert_error(revoke(&app, &sales_admin, &org.company_admin.id).await, StatusCode::FORBIDDEN, "forbidden").await;

    // The parent department's admin: sub-departments included.
    let response = revoke(&app, &sales_admin, &org.member.id).await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.expect("body");
    assert_eq!(body["revoked"], 1);
    assert_error(app.get_auth("/api/v1/me", &member).await, StatusCode::UNAUTHORIZED, "unauthorized").await;

    // In their own department too (the engineering colleague has no session: 0 revoked).
    let response = revoke(&app, &engineering_admin, &org.colleague.id).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.json::<Value>().await.expect("body")["revoked"], 0);
}

#[tokio::test]
async fn a_company_admin_administers_the_whole_organisation_and_nothing_else() {
    let app = spawn_app().await;
    let acme = app.seed_org("Acme", 0).await;
    let globex = app.seed_org("Globex", 10).await;
    let admin = app.login_active(&acme.company_admin).await;
    let colleague = app.login_active(&acme.colleague).await;
    let outsider = app.login_active(&globex.member).await;

    let response = revoke(&app, &admin, &acme.colleague.id).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_error(app.get_auth("/api/v1/me", &colleague).await, StatusCode::UNAUTHORIZED, "unauthorized").await;

    // Another organisation's account is not even said to exist.
    let other = assert_error(revoke(&app, &admin, &globex.member.id).await, StatusCode::NOT_FOUND, "not_found").await;
    let missing = assert_error(revoke(&app, &admin, "no-such-account").await, StatusCode::NOT_FOUND, "not_found").await;
    assert_eq!(other, missing);
    assert_eq!(app.get_auth("/api/v1/me", &outsider).await.status(), StatusCode::OK, "untouched");
}

#[tokio::test]
async fn revoking_needs_an_active_session() {
    let app = spawn_app().await;
    let org = app.seed_org("Acme", 0).await;
    let response = app
        .client
        .post(app.url(&format!("/api/v1/admin/accounts/{}/revoke-sessions", org.member.id)))
        .send()
        .await
        .expect("sent");
    assert_error(response, StatusCode::UNAUTHORIZED, "unauthorized").await;

    let pending_admin = app.login(&org.company_admin.phone, org.company_admin.code.as_deref().expect("code")).await;
    assert_error(revoke(&app, &pending_admin, &org.member.id).await, StatusCode::FORBIDDEN, "first_login_required")
        .await;
}
