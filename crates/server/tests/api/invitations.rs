//! External user invitations (SPEC §5–§7): provisioning, messages, notices, visibility, every
//! refusal with its HTTP status and exact message, and the guest profile.

use crate::helpers::{assert_error, extract_code, spawn_app, TestApp, TestOrg};
use reqwest::StatusCode;
use serde_json::{json, Value};

/// An organisation with the guest feature on, the company admin active, and `member` (in
/// Sales EMEA, under Sales) and `colleague` (Engineering) active and allowed to invite.
pub(crate) struct Setup {
    pub app: TestApp,
    pub org: TestOrg,
    pub admin: String,
    pub member: String,
    pub colleague: String,
}

pub(crate) async fn setup() -> Setup {
    setup_on(spawn_app().await).await
}

/// [`setup`] on a given node (of a cluster).
pub(crate) async fn setup_on(app: TestApp) -> Setup {
    let org = app.seed_org("Acme", 0).await;
    let admin = app.login_active(&org.company_admin).await;
    let member = app.login_active(&org.member).await;
    let colleague = app.login_active(&org.colleague).await;
    let s = Setup { app, org, admin, member, colleague };
    s.settings(json!({ "guest_invitations_enabled": true })).await;
    for id in [&s.org.member.id, &s.org.colleague.id] {
        s.may_invite(id, true).await;
    }
    s
}

impl Setup {
    pub(crate) async fn settings(&self, patch: Value) {
        let current: Value =
            self.app.get_auth("/api/v1/admin/settings", &self.admin).await.json().await.expect("settings");
        let mut merged = current.clone();
        for (k, v) in patch.as_object().expect("object") {
            merged[k] = v.clone();
        }
        let r = self
            .app
            .client
            .put(self.app.url("/api/v1/admin/settings"))
            .bearer_auth(&self.admin)
            .json(&merged)
            .send()
            .await
            .expect("put");
        assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap_or_default());
    }

    pub(crate) async fn may_invite(&self, id: &str, may: bool) {
        let url = self.app.url(&format!("/api/v1/admin/accounts/{id}/may-invite"));
        let r = self
            .app
            .client
            .put(url)
            .bearer_auth(&self.admin)
            .json(&json!({ "may_invite": may }))
            .send()
            .await
            .expect("put");
        assert_eq!(r.status(), StatusCode::OK);
    }

    pub(crate) async fn invite(&self, token: &str, form: &Value) -> reqwest::Response {
        self.app.post_json_auth("/api/v1/invitations", token, form).await
    }

    /// A group created by `member` with `colleague` in it (the member is its admin).
    pub(crate) async fn group_with_colleague(&self) -> Value {
        let body = json!({"kind": "group", "member_ids": [self.org.colleague.id], "name": "Atlas"});
        let r = self.app.post_json_auth("/api/v1/conversations", &self.member, &body).await;
        assert_eq!(r.status(), StatusCode::CREATED);
        r.json().await.expect("group")
    }

    pub(crate) async fn contact_ids(&self, token: &str) -> Vec<String> {
        let body: Value = self.app.get_auth("/api/v1/contacts", token).await.json().await.expect("contacts");
        body["contacts"].as_array().expect("array").iter().map(|c| c["id"].as_str().expect("id").to_owned()).collect()
    }
}

pub(crate) fn form(n: u16) -> Value {
    json!({
        "first_name": "Gina", "last_name": format!("Guest{n}"),
        "email": format!("gina{n}@partner.example"), "phone": format!("+44 20 7946 {:04}", 100 + n),
        "by_sms": true, "by_email": true, "details": "Project Atlas kick-off", "conversation_id": null
    })
}

pub(crate) fn with(mut base: Value, patch: Value) -> Value {
    for (k, v) in patch.as_object().expect("object") {
        base[k] = v.clone();
    }
    base
}

#[tokio::test]
async fn sending_provisions_a_pending_guest_with_messages_notices_and_a_record() {
    let s = setup().await;
    let r = s.invite(&s.member, &form(1)).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let created: Value = r.json().await.expect("json");
    let guest = &created["guest"];
    assert_eq!((guest["kind"].as_str(), guest["status"].as_str()), (Some("guest"), Some("pending")));
    assert_eq!(guest["phone"], "+442079460101");
    let guest_id = guest["id"].as_str().expect("id").to_owned();

    // Provisioned in the inviter's main department, recorded with who and when.
    let (dept, invited_by): (String, String) =
        sqlx::query_as("SELECT department_id, invited_by FROM accounts WHERE id = $1")
            .bind(&guest_id)
            .fetch_one(&s.app.state.db)
            .await
            .expect("guest row");
    assert_eq!((dept.as_str(), invited_by.as_str()), (s.org.emea.as_str(), s.org.member.id.as_str()));
    let actions: Vec<String> = sqlx::query_scalar("SELECT action FROM activity WHERE guest_id = $1")
        .bind(&guest_id)
        .fetch_all(&s.app.state.db)
        .await
        .expect("activity");
    assert_eq!(actions, ["invitation"]);

    // The SMS and the e-mail carry everything SPEC §7.5 lists.
    let code = s.app.read_outbox_code("+442079460101").await;
    s.app.wait_outbox_drained().await;
    let sms = std::fs::read_to_string(s.app.outbox_files("sms", "+442079460101").last().expect("sms")).expect("read");
    for needle in [
        "Test User",
        "Acme",
        "+44 20 7946 0101",
        code.as_str(),
        "UTC",
        "New User",
        "Project Atlas kick-off",
        "/download",
    ] {
        assert!(sms.contains(needle), "SMS lacks {needle:?}: {sms}");
    }
    let email_file = s.app.outbox_files("email", "gina1@partner.example").last().cloned().expect("an e-mail");
    let email = std::fs::read_to_string(&email_file).expect("read");
    assert_eq!(extract_code(email.split("\n\n").skip(1).collect::<String>().as_str()).as_deref(), Some(code.as_str()));
    assert!(
        email.contains("This e-mail was sent to gina1@partner.example")
            && email.contains("Subject: Test User invited you to Acme")
    );
    let html = std::fs::read_to_string(email_file.with_extension("html")).expect("html part");
    assert!(html.contains(&code) && html.contains("Project Atlas kick-off"));

    // Company admins and the admins of the inviter's department (and its parents) are told.
    let told: Vec<String> =
        sqlx::query_scalar("SELECT recipient_id FROM admin_notices WHERE kind = 'guest_invited' ORDER BY recipient_id")
            .fetch_all(&s.app.state.db)
            .await
            .expect("notices");
    let mut want = vec![s.org.company_admin.id.clone(), s.org.sales_admin.id.clone()];
    want.sort();
    assert_eq!(told, want, "not the Engineering admin, not the inviter");
    let notices: Value = s.app.get_auth("/api/v1/notices", &s.admin).await.json().await.expect("notices");
    assert!(notices[0]["body"].as_str().is_some_and(|b| b.contains("Gina Guest1")), "{notices}");
}

/// SPEC §5: who sees the new guest.
#[tokio::test]
async fn the_guest_is_seen_by_the_inviter_only_and_sees_only_the_inviter() {
    let s = setup().await;
    let created: Value = s.invite(&s.member, &form(1)).await.json().await.expect("json");
    let guest_id = created["guest"]["id"].as_str().expect("id").to_owned();
    s.invite(&s.member, &form(2)).await;
    assert!(s.contact_ids(&s.member).await.contains(&guest_id), "the inviter sees the guest");
    assert!(!s.contact_ids(&s.colleague).await.contains(&guest_id), "another member does not");
    assert!(!s.contact_ids(&s.admin).await.contains(&guest_id), "Contacts of an admin follow the member rule");

    let code = s.app.read_outbox_code("+442079460101").await;
    let guest = s.app.login(created["guest"]["phone"].as_str().expect("phone"), &code).await;
    s.app.activate(&guest).await;
    assert_eq!(
        s.contact_ids(&guest).await,
        std::slice::from_ref(&s.org.member.id),
        "only the inviter, never the other guest"
    );

    let told: Vec<String> = sqlx::query_scalar("SELECT recipient_id FROM admin_notices WHERE kind = 'guest_activated'")
        .fetch_all(&s.app.state.db)
        .await
        .expect("notices");
    assert_eq!(told, std::slice::from_ref(&s.org.member.id), "the inviter is told of the activation");
}

/// Every refusal of SPEC §7.2 with its status, exact message and field.
#[tokio::test]
async fn each_refusal_has_its_status_and_exact_message() {
    let s = setup().await;
    async fn check(r: reqwest::Response, status: StatusCode, code: &str, message: &str, field: Option<&str>) {
        let body = assert_error(r, status, code).await;
        assert_eq!(body["message"], message);
        assert_eq!(body["field"].as_str(), field, "{body}");
    }
    check(
        s.invite(&s.member, &with(form(1), json!({"email": "nope"}))).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_format",
        "Invalid format",
        Some("email"),
    )
    .await;
    check(
        s.invite(&s.member, &with(form(1), json!({"phone": "+44 12"}))).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_format",
        "Invalid format",
        Some("phone"),
    )
    .await;

    s.settings(json!({"forbidden_email_domains": ["Partner.example"], "forbidden_country_codes": ["+33"]})).await;
    check(
        s.invite(&s.member, &with(form(1), json!({"email": "x@eu.partner.example"}))).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "domain_forbidden",
        "The domain is forbidden",
        Some("email"),
    )
    .await;
    check(
        s.invite(&s.member, &with(form(1), json!({"email": "x@ok.example", "phone": "+33 6 12 34 56 78"}))).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "country_code_forbidden",
        "The country code is forbidden",
        Some("phone"),
    )
    .await;
    s.settings(json!({"forbidden_email_domains": [], "forbidden_country_codes": []})).await;

    s.settings(json!({"sms_invitations_enabled": false, "email_invitations_enabled": false})).await;
    check(
        s.invite(&s.member, &form(1)).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "no_invitation_mode",
        "Please contact your Company Admin to activate at least one invitation mode",
        None,
    )
    .await;
    s.settings(json!({"sms_invitations_enabled": true, "email_invitations_enabled": true})).await;

    let revoked =
        "You are not anymore authorized to invite external users. Please contact your admin for more information";
    s.may_invite(&s.org.member.id, false).await;
    check(s.invite(&s.member, &form(1)).await, StatusCode::FORBIDDEN, "not_authorized_to_invite", revoked, None).await;
    s.may_invite(&s.org.member.id, true).await;
    s.settings(json!({"guest_invitations_enabled": false})).await;
    check(s.invite(&s.member, &form(1)).await, StatusCode::FORBIDDEN, "not_authorized_to_invite", revoked, None).await;
    s.settings(json!({"guest_invitations_enabled": true})).await;

    let exists = "This contact already exists in your organization";
    check(
        s.invite(&s.member, &with(form(1), json!({"phone": s.org.colleague.phone}))).await,
        StatusCode::CONFLICT,
        "contact_exists",
        exists,
        Some("phone"),
    )
    .await;
    check(
        s.invite(&s.member, &with(form(1), json!({"email": "USER4@example.test"}))).await,
        StatusCode::CONFLICT,
        "contact_exists",
        exists,
        Some("email"),
    )
    .await;
    // The whole server counts, and the other organisation is never named.
    let other = s.app.seed_org("Globex", 50).await;
    let body = assert_error(
        s.invite(&s.member, &with(form(1), json!({"phone": other.member.phone}))).await,
        StatusCode::CONFLICT,
        "contact_exists",
    )
    .await;
    assert!(!body.to_string().contains("Globex"));

    check(
        s.invite(&s.member, &with(form(1), json!({"by_sms": false, "by_email": false}))).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "mode_required",
        "Choose SMS, e-mail or both",
        Some("mode"),
    )
    .await;
    check(
        s.invite(&s.member, &with(form(1), json!({"details": "x".repeat(201)}))).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "too_long",
        "This text is too long",
        Some("details"),
    )
    .await;
    let bad = s.app.post_json_auth("/api/v1/invitations", &s.member, &json!({"first_name": 3})).await;
    assert_error(bad, StatusCode::BAD_REQUEST, "invalid_request").await;

    let none: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM accounts WHERE kind = 'guest'")
        .fetch_one(&s.app.state.db)
        .await
        .expect("count");
    assert_eq!(none, 0, "no refusal provisions anything");
    // A guest cannot invite.
    let created: Value = s.invite(&s.member, &form(1)).await.json().await.expect("json");
    let code = s.app.read_outbox_code(created["guest"]["phone"].as_str().expect("phone")).await;
    let guest = s.app.login(created["guest"]["phone"].as_str().expect("phone"), &code).await;
    s.app.activate(&guest).await;
    check(s.invite(&guest, &form(2)).await, StatusCode::FORBIDDEN, "not_authorized_to_invite", revoked, None).await;
}

#[tokio::test]
async fn a_revoked_right_takes_effect_on_the_next_request() {
    let s = setup().await;
    assert_eq!(s.invite(&s.member, &form(1)).await.status(), StatusCode::CREATED);
    s.may_invite(&s.org.member.id, false).await;
    assert_error(s.invite(&s.member, &form(2)).await, StatusCode::FORBIDDEN, "not_authorized_to_invite").await;
    let options: Value = s.app.get_auth("/api/v1/invitations/options", &s.member).await.json().await.expect("options");
    assert_eq!(options["may_invite"], false);
}

#[tokio::test]
async fn a_concurrent_double_submit_creates_one_guest() {
    let s = setup().await;
    let (first, second) = (form(1), form(1));
    let (a, b) = tokio::join!(s.invite(&s.member, &first), s.invite(&s.member, &second));
    let mut statuses = [a.status().as_u16(), b.status().as_u16()];
    statuses.sort_unstable();
    assert_eq!(statuses, [201, 409]);
    let guests: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM accounts WHERE kind = 'guest'")
        .fetch_one(&s.app.state.db)
        .await
        .expect("count");
    assert_eq!(guests, 1);
}

#[tokio::test]
async fn only_the_chosen_modes_are_sent() {
    let s = setup().await;
    s.invite(&s.member, &with(form(1), json!({"by_email": false}))).await;
    s.app.wait_outbox_drained().await;
    assert_eq!(s.app.outbox_files("sms", "+442079460101").len(), 1);
    assert!(s.app.outbox_files("email", "gina1@partner.example").is_empty());
    s.settings(json!({"sms_invitations_enabled": false})).await;
    assert_error(s.invite(&s.member, &form(2)).await, StatusCode::UNPROCESSABLE_ENTITY, "mode_disabled").await;
}

/// SPEC §6: without desktop access the invitation carries only the mobile details and the
/// desktop login is refused with a clear message.
#[tokio::test]
async fn a_guest_without_desktop_access_gets_mobile_details_and_is_refused_at_login() {
    let s = setup().await;
    s.settings(
        json!({"guest_profile": {"desktop_access": false, "direct_messages": true, "group_conversations": true}}),
    )
    .await;
    let created: Value = s.invite(&s.member, &form(1)).await.json().await.expect("json");
    let code = s.app.read_outbox_code("+442079460101").await;
    let sms = std::fs::read_to_string(s.app.outbox_files("sms", "+442079460101").last().expect("sms")).expect("read");
    assert!(sms.contains("mobile app") && !sms.contains("/download"), "{sms}");
    let r = s.app.try_login(created["guest"]["phone"].as_str().expect("phone"), &code).await;
    let body = assert_error(r, StatusCode::FORBIDDEN, "guest_desktop_access_off").await;
    assert!(body["message"].as_str().is_some_and(|m| m.contains("mobile app")));
}

#[tokio::test]
async fn features_off_in_the_guest_profile_are_refused_with_the_spec_message() {
    let s = setup().await;
    let created: Value = s.invite(&s.member, &form(1)).await.json().await.expect("json");
    let guest_id = created["guest"]["id"].as_str().expect("id");
    s.settings(
        json!({"guest_profile": {"desktop_access": true, "direct_messages": false, "group_conversations": false}}),
    )
    .await;
    for kind in ["direct", "group"] {
        let r = s
            .app
            .post_json_auth("/api/v1/conversations", &s.member, &json!({"kind": kind, "member_ids": [guest_id]}))
            .await;
        let body = assert_error(r, StatusCode::FORBIDDEN, "feature_not_for_guests").await;
        assert_eq!(body["message"], "This feature is not available for guests");
    }
    s.settings(
        json!({"guest_profile": {"desktop_access": true, "direct_messages": true, "group_conversations": true}}),
    )
    .await;
    let r = s
        .app
        .post_json_auth("/api/v1/conversations", &s.member, &json!({"kind": "direct", "member_ids": [guest_id]}))
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
}

/// SPEC §7.3 c: from a group conversation, for its admins only; the guest joins the group and
/// its members see the guest; guests see each other only inside the conversation.
#[tokio::test]
async fn a_group_admin_invites_a_guest_into_the_group() {
    let s = setup().await;
    let group = s.group_with_colleague().await;
    let group_id = group["id"].as_str().expect("id").to_owned();
    assert_eq!(group["viewer_is_admin"], true);

    let not_admin = s.invite(&s.colleague, &with(form(1), json!({"conversation_id": group_id}))).await;
    assert_error(not_admin, StatusCode::FORBIDDEN, "forbidden").await;

    let before: Value = s.app.get_auth("/api/v1/contacts", &s.colleague).await.json().await.expect("contacts");
    let g1: Value =
        s.invite(&s.member, &with(form(1), json!({"conversation_id": group_id}))).await.json().await.expect("json");
    let g2: Value =
        s.invite(&s.member, &with(form(2), json!({"conversation_id": group_id}))).await.json().await.expect("json");
    let g1_id = g1["guest"]["id"].as_str().expect("id").to_owned();

    // The colleague's next delta brings the guest (they now share a conversation).
    let cursor = before["cursor"].as_str().expect("cursor");
    let delta: Value =
        s.app.get_auth(&format!("/api/v1/contacts?cursor={cursor}"), &s.colleague).await.json().await.expect("delta");
    assert_eq!(delta["full_resync"], false);
    let ids: Vec<&str> = delta["contacts"].as_array().expect("array").iter().filter_map(|c| c["id"].as_str()).collect();
    assert!(ids.contains(&g1_id.as_str()), "{delta}");

    // Guest 1 sees both members in Contacts, never guest 2 — but guest 2 is in the member list.
    let code = s.app.read_outbox_code(g1["guest"]["phone"].as_str().expect("phone")).await;
    let guest = s.app.login(g1["guest"]["phone"].as_str().expect("phone"), &code).await;
    s.app.activate(&guest).await;
    let mut seen = s.contact_ids(&guest).await;
    seen.sort();
    let mut want = vec![s.org.member.id.clone(), s.org.colleague.id.clone()];
    want.sort();
    assert_eq!(seen, want);
    let conv: Value =
        s.app.get_auth(&format!("/api/v1/conversations/{group_id}"), &guest).await.json().await.expect("conversation");
    let members: Vec<&str> =
        conv["members"].as_array().expect("members").iter().filter_map(|m| m["contact"]["id"].as_str()).collect();
    assert!(members.contains(&g2["guest"]["id"].as_str().expect("id")), "{conv}");
}

/// SPEC §5: who loses the last conversation shared with a guest stops seeing them, and the
/// delta tells the client to drop the contact; the inviter keeps seeing their guest.
#[tokio::test]
async fn losing_the_shared_conversation_removes_the_guest_from_the_delta() {
    let s = setup().await;
    let group = s.group_with_colleague().await;
    let group_id = group["id"].as_str().expect("id");
    let g: Value =
        s.invite(&s.member, &with(form(1), json!({"conversation_id": group_id}))).await.json().await.expect("json");
    let guest_id = g["guest"]["id"].as_str().expect("id").to_owned();
    let colleague_view: Value = s.app.get_auth("/api/v1/contacts", &s.colleague).await.json().await.expect("contacts");
    assert!(colleague_view["contacts"].as_array().expect("array").iter().any(|c| c["id"] == guest_id.as_str()));
    let member_view: Value = s.app.get_auth("/api/v1/contacts", &s.member).await.json().await.expect("contacts");

    let url = s.app.url(&format!("/api/v1/conversations/{group_id}/members/{}", s.org.colleague.id));
    let r = s.app.client.delete(url).bearer_auth(&s.member).send().await.expect("delete");
    assert_eq!(r.status(), StatusCode::NO_CONTENT);

    let cursor = colleague_view["cursor"].as_str().expect("cursor");
    let delta: Value =
        s.app.get_auth(&format!("/api/v1/contacts?cursor={cursor}"), &s.colleague).await.json().await.expect("delta");
    assert!(delta["removed"].as_array().expect("removed").iter().any(|id| id == guest_id.as_str()), "{delta}");
    assert!(!delta["contacts"].as_array().expect("contacts").iter().any(|c| c["id"] == guest_id.as_str()));
    let cursor = member_view["cursor"].as_str().expect("cursor");
    let delta: Value =
        s.app.get_auth(&format!("/api/v1/contacts?cursor={cursor}"), &s.member).await.json().await.expect("delta");
    assert!(
        !delta["removed"].as_array().expect("removed").iter().any(|id| id == guest_id.as_str()),
        "the inviter keeps the guest"
    );
}

/// SPEC §11: `removed` names only contacts the viewer saw and no longer sees — a guest it
/// never saw is never named, so a delta does not tell that (or when) a guest was invited,
/// changed or deleted.
#[tokio::test]
async fn a_delta_never_names_a_guest_the_viewer_never_saw() {
    let s = setup().await;
    let before: Value = s.app.get_auth("/api/v1/contacts", &s.colleague).await.json().await.expect("contacts");
    let g: Value = s.invite(&s.member, &form(1)).await.json().await.expect("json");
    let guest_id = g["guest"]["id"].as_str().expect("id").to_owned();
    // The inviter's client syncs and holds the guest.
    let inviters: Value = s.app.get_auth("/api/v1/contacts", &s.member).await.json().await.expect("contacts");
    assert!(inviters.to_string().contains(&guest_id));
    // The guest activates (a change to the account) and is then deleted by an admin.
    let code = s.app.read_outbox_code(g["guest"]["phone"].as_str().expect("phone")).await;
    let guest = s.app.login(g["guest"]["phone"].as_str().expect("phone"), &code).await;
    s.app.activate(&guest).await;
    let r = s.app.post_json_auth("/api/v1/admin/guests/delete", &s.admin, &json!({"guest_ids": [guest_id]})).await;
    assert!(r.status().is_success(), "{}", r.status());

    let cursor = before["cursor"].as_str().expect("cursor");
    let delta: Value =
        s.app.get_auth(&format!("/api/v1/contacts?cursor={cursor}"), &s.colleague).await.json().await.expect("delta");
    let named = |d: &Value| d.to_string().contains(&guest_id);
    assert!(!named(&delta), "never seen, never named: {delta}");
    // The inviter saw the guest: for them it is removed.
    let delta: Value =
        s.app.get_auth(&format!("/api/v1/contacts?cursor={cursor}"), &s.member).await.json().await.expect("delta");
    assert!(delta["removed"].as_array().expect("removed").iter().any(|id| id == guest_id.as_str()), "{delta}");
}
