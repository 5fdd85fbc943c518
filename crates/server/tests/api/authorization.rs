//! The authorisation matrix (SPEC §3, §5, §8, §10.1): every HTTP endpoint × every role —
//! anonymous, a guest, a member (the guest's inviter, owner of the shared group), another
//! member (in that group), the admin of another department, the department admin above the
//! guest's, the company admin, and someone of another organisation — on a related and an
//! unrelated target. One table of expected answers; every answer is also read for anyone the
//! viewer may not see (their id, phone number or e-mail address). Each row runs in a fresh
//! world, the roles in table order, on SQLite and (`PARLEY_TEST_DATABASE=postgres`) PostgreSQL.

use crate::helpers::{spawn_app, TestApp, TestOrg, TestUser};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

/// The roles, in the order of each row's expectations.
pub(crate) const ROLES: [&str; 8] =
    ["anonymous", "guest", "inviter", "colleague", "other dept admin", "dept admin", "company admin", "other org"];

/// A person of the world, as the answers may name them.
#[derive(Clone)]
pub(crate) struct Person {
    pub(crate) id: String,
    pub(crate) phone: String,
    pub(crate) email: Option<String>,
}

impl Person {
    fn of(u: &TestUser) -> Self {
        Self { id: u.id.clone(), phone: u.phone.clone(), email: u.email.clone() }
    }
}

/// Organisation A (`TestOrg`): `member` invited the guest G into their group Atlas, with
/// `colleague`; `colleague` invited the guest U, in no conversation. Atlas is shared with the
/// Sales admin (an open invitation) and has an external key. Organisation B is another one.
pub(crate) struct World {
    pub(crate) app: TestApp,
    pub(crate) org: TestOrg,
    pub(crate) tokens: [Option<String>; 8],
    pub(crate) guest: Person,
    pub(crate) unrelated_guest: Person,
    others: Vec<Person>,
    /// A colleague of the other organisation's member, there to be written to.
    pub(crate) other_colleague: String,
    pub(crate) atlas: String,
    pub(crate) invitation: String,
    key: String,
    pub(crate) key_code: String,
}

impl World {
    pub(crate) async fn new() -> Self {
        let app = spawn_app().await;
        let org = app.seed_org("Acme", 0).await;
        let other = app.seed_org("Other", 20).await;
        let member = app.login_active(&org.member).await;
        let colleague = app.login_active(&org.colleague).await;
        let eng_admin = app.login_active(&org.engineering_admin).await;
        let sales_admin = app.login_active(&org.sales_admin).await;
        let company_admin = app.login_active(&org.company_admin).await;
        let outsider = app.login_active(&other.member).await;

        let mut settings: Value =
            app.get_auth("/api/v1/admin/settings", &company_admin).await.json().await.expect("settings");
        settings["guest_invitations_enabled"] = json!(true);
        let r = app.client.put(app.url("/api/v1/admin/settings")).bearer_auth(&company_admin).json(&settings).send();
        assert!(r.await.expect("put").status().is_success());
        for who in [&org.member, &org.colleague] {
            let url = app.url(&format!("/api/v1/admin/accounts/{}/may-invite", who.id));
            let r = app.client.put(url).bearer_auth(&company_admin).json(&json!({"may_invite": true})).send();
            assert!(r.await.expect("put").status().is_success());
        }
        let body = json!({"kind": "group", "member_ids": [org.colleague.id], "name": "Atlas"});
        let atlas: Value =
            app.post_json_auth("/api/v1/conversations", &member, &body).await.json().await.expect("atlas");
        let atlas = atlas["id"].as_str().expect("id").to_owned();

        let invite = |n: u16, conversation: Option<&str>| {
            json!({"first_name": "Gina", "last_name": format!("Guest{n}"), "email": format!("gina{n}@partner.example"),
                   "phone": format!("+44 20 7946 {:04}", 100 + n), "by_sms": true, "by_email": true, "details": "",
                   "conversation_id": conversation})
        };
        let g: Value =
            app.post_json_auth("/api/v1/invitations", &member, &invite(1, Some(&atlas))).await.json().await.expect("g");
        let u: Value =
            app.post_json_auth("/api/v1/invitations", &colleague, &invite(2, None)).await.json().await.expect("u");
        let person = |v: &Value| Person {
            id: v["guest"]["id"].as_str().expect("id").to_owned(),
            phone: v["guest"]["phone"].as_str().expect("phone").to_owned(),
            email: v["guest"]["email"].as_str().map(str::to_owned),
        };
        let (guest, unrelated_guest) = (person(&g), person(&u));
        let code = app.read_outbox_code(&guest.phone).await;
        let guest_token = app.login(&guest.phone, &code).await;
        app.activate(&guest_token).await;

        let share = json!({"account_ids": [org.sales_admin.id], "department_ids": []});
        let shared: Value = app
            .post_json_auth(&format!("/api/v1/conversations/{atlas}/invitations"), &member, &share)
            .await
            .json()
            .await
            .expect("shared");
        let invitation = shared[0]["id"].as_str().expect("invitation").to_owned();
        let body = json!({"person_name": "Pat Partner", "description": "", "comments": "", "valid_days": 7});
        let key: Value = app
            .post_json_auth(&format!("/api/v1/conversations/{atlas}/keys"), &member, &body)
            .await
            .json()
            .await
            .expect("key");
        let (key_id, key_code) =
            (key["key"]["id"].as_str().expect("id").to_owned(), key["code"].as_str().expect("code").to_owned());

        let others = other.everyone().iter().map(|u| Person::of(u)).collect();
        let other_colleague = other.colleague.id.clone();
        Self {
            tokens: [
                None,
                Some(guest_token),
                Some(member),
                Some(colleague),
                Some(eng_admin),
                Some(sales_admin),
                Some(company_admin),
                Some(outsider),
            ],
            app,
            org,
            guest,
            unrelated_guest,
            others,
            other_colleague,
            atlas,
            invitation,
            key: key_id,
            key_code,
        }
    }

    /// Whom role `r` may never be told of (SPEC §5, and the admin scope of SPEC §8).
    pub(crate) fn hidden_from(&self, r: usize) -> Vec<Person> {
        let org_a: Vec<Person> = self
            .org
            .everyone()
            .iter()
            .map(|u| Person::of(u))
            .chain([self.guest.clone(), self.unrelated_guest.clone()])
            .collect();
        let other_org = self.others.clone();
        let keep = |people: Vec<Person>, ids: &[&String]| -> Vec<Person> {
            people.into_iter().filter(|p| ids.contains(&&p.id)).collect()
        };
        let mut hidden = other_org.clone();
        match ROLES[r] {
            "anonymous" => hidden.extend(org_a),
            // A guest sees its inviter and the people of its conversation, nobody else.
            "guest" => hidden.extend(
                org_a
                    .into_iter()
                    .filter(|p| ![&self.guest.id, &self.org.member.id, &self.org.colleague.id].contains(&&p.id)),
            ),
            "inviter" | "dept admin" => hidden.extend(keep(org_a, &[&self.unrelated_guest.id])),
            "other dept admin" => hidden.extend(keep(org_a, &[&self.guest.id])),
            "other org" => return org_a,
            _ => {}
        }
        hidden
    }
}

/// One request of the table: method, path and body, built from the world.
type Build = fn(&World) -> (Method, String, Option<Value>);

/// Expected answers by role (an admin action by someone who is no admin is refused before its
/// target is looked up: 403, whatever the organisation): `O` 2xx, `U` 401, `F` 403, `N` 404, `R` another 4xx (400, 409,
/// 422, 429 — the request is refused on its content or its pace), `X` 403 or 404.
struct Row {
    name: &'static str,
    build: Build,
    expect: &'static str,
}

fn matches(expect: char, status: StatusCode) -> bool {
    match expect {
        'O' => status.is_success(),
        'U' => status == StatusCode::UNAUTHORIZED,
        'F' => status == StatusCode::FORBIDDEN,
        'N' => status == StatusCode::NOT_FOUND,
        'X' => matches!(status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
        'R' => matches!(status.as_u16(), 400 | 409 | 413 | 422 | 429),
        _ => false,
    }
}

/// Runs `rows`, each in a fresh world; collects every mismatch and every leak, then fails
/// with all of them.
async fn check(rows: &[Row]) {
    let mut failures = Vec::new();
    let mut cells = 0;
    for row in rows {
        let world = World::new().await;
        for (r, expect) in row.expect.chars().enumerate() {
            let (method, path, body) = (row.build)(&world);
            let mut request = world.app.client.request(method.clone(), world.app.url(&path));
            if let Some(token) = &world.tokens[r] {
                request = request.bearer_auth(token);
            }
            if let Some(body) = &body {
                request = request.json(body);
            }
            let response = request.send().await.expect("sent");
            let status = response.status();
            let text = response.text().await.unwrap_or_default();
            cells += 1;
            if status.is_server_error() || !matches(expect, status) {
                failures.push(format!("{} as {}: expected {expect}, got {status}: {text:.200}", row.name, ROLES[r]));
            }
            for p in world.hidden_from(r) {
                let named = [Some(&p.id), Some(&p.phone), p.email.as_ref()]
                    .into_iter()
                    .flatten()
                    .find(|needle| !needle.is_empty() && text.contains(needle.as_str()));
                if let Some(needle) = named {
                    failures.push(format!("{} as {}: names {needle} it may not see: {text:.300}", row.name, ROLES[r]));
                }
            }
        }
    }
    eprintln!("authorization matrix: {} rows, {cells} cells, {} failures", rows.len(), failures.len());
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
}

fn get(path: String) -> (Method, String, Option<Value>) {
    (Method::GET, path, None)
}
fn post(path: String, body: Value) -> (Method, String, Option<Value>) {
    (Method::POST, path, Some(body))
}

#[tokio::test]
async fn account_contacts_and_notices() {
    check(&[
        Row { name: "GET /me", build: |_| get("/api/v1/me".into()), expect: "UOOOOOOO" },
        Row { name: "GET /contacts", build: |_| get("/api/v1/contacts".into()), expect: "UOOOOOOO" },
        Row { name: "GET /notices", build: |_| get("/api/v1/notices".into()), expect: "UOOOOOOO" },
        Row {
            name: "POST /notices/read",
            build: |_| post("/api/v1/notices/read".into(), json!({})),
            expect: "UOOOOOOO",
        },
        Row {
            name: "POST /auth/request-code",
            build: |w| post("/api/v1/auth/request-code".into(), json!({"phone": w.org.member.phone})),
            // The same number, whoever asks: five requests, then the number's throttle.
            expect: "OOOOORRR",
        },
        Row {
            name: "POST /auth/login (a wrong code)",
            build: |w| post("/api/v1/auth/login".into(), json!({"phone": w.org.member.phone, "code": "000000"})),
            expect: "UUUUUUUU",
        },
        Row {
            name: "POST /me/first-login",
            build: |_| {
                post("/api/v1/me/first-login".into(), json!({"first_name": "Test", "last_name": "User", "accept_terms": true}))
            },
            expect: "UOOOOOOO",
        },
        Row { name: "GET /ws (no upgrade)", build: |_| get("/api/v1/ws".into()), expect: "URRRRRRR" },
        Row {
            name: "POST /invitations (a guest)",
            build: |_| {
                post(
                    "/api/v1/invitations".into(),
                    json!({"first_name": "Hal", "last_name": "Guest", "email": "hal@partner.example",
                           "phone": "+44 20 7946 0999", "by_sms": true, "by_email": false, "details": "", "conversation_id": null}),
                )
            },
            // Admins invite only with the right, like anyone (SPEC §3); the colleague finds the
            // contact just invited by the inviter.
            expect: "UFORFFFF",
        },
        Row {
            name: "GET /invitations/options",
            build: |_| get("/api/v1/invitations/options".into()),
            expect: "UOOOOOOO",
        },
    ])
    .await;
}

#[tokio::test]
async fn conversations_and_messages() {
    check(&[
        Row { name: "GET /conversations", build: |_| get("/api/v1/conversations".into()), expect: "UOOOOOOO" },
        Row {
            name: "GET /conversations/{atlas}",
            build: |w| get(format!("/api/v1/conversations/{}", w.atlas)),
            expect: "UOOONNNN",
        },
        Row {
            name: "GET /conversations/{atlas}/messages",
            build: |w| get(format!("/api/v1/conversations/{}/messages", w.atlas)),
            expect: "UOOONNNN",
        },
        Row {
            name: "POST /conversations/{atlas}/messages",
            build: |w| {
                post(
                    format!("/api/v1/conversations/{}/messages", w.atlas),
                    json!({"client_id": uuid::Uuid::new_v4().to_string(), "body": "hello"}),
                )
            },
            expect: "UOOONNNN",
        },
        Row {
            name: "POST /conversations/{atlas}/receipts",
            build: |w| post(format!("/api/v1/conversations/{}/receipts", w.atlas), json!({"read_seq": 1})),
            expect: "UOOONNNN",
        },
        Row {
            name: "POST /conversations (a group with the guest)",
            build: |w| post("/api/v1/conversations".into(), json!({"kind": "group", "member_ids": [w.guest.id]})),
            expect: "UROONNNN",
        },
        Row {
            name: "POST /conversations (one-to-one with the unrelated guest)",
            build: |w| {
                post("/api/v1/conversations".into(), json!({"kind": "direct", "member_ids": [w.unrelated_guest.id]}))
            },
            expect: "UNNONNNN",
        },
    ])
    .await;
}

#[tokio::test]
async fn running_and_sharing_a_group() {
    check(&[
        Row {
            name: "PATCH /conversations/{atlas} (rename)",
            build: |w| (Method::PATCH, format!("/api/v1/conversations/{}", w.atlas), Some(json!({"name": "Renamed"}))),
            expect: "UFOFNNNN",
        },
        Row {
            name: "POST /conversations/{atlas}/members",
            build: |w| {
                post(
                    format!("/api/v1/conversations/{}/members", w.atlas),
                    json!({"account_ids": [w.org.sales_admin.id]}),
                )
            },
            // Added by the inviter, the Sales admin is then a member, not an admin.
            expect: "UFOFNFNN",
        },
        Row {
            name: "PUT /conversations/{atlas}/members/{colleague}/admin",
            build: |w| {
                (Method::PUT, format!("/api/v1/conversations/{}/members/{}/admin", w.atlas, w.org.colleague.id), None)
            },
            // Made an admin by the inviter, the colleague may then do it too.
            expect: "UFOONNNN",
        },
        Row {
            name: "PUT /conversations/{atlas}/members/{guest}/admin",
            build: |w| (Method::PUT, format!("/api/v1/conversations/{}/members/{}/admin", w.atlas, w.guest.id), None),
            expect: "UFFFNNNN",
        },
        Row {
            name: "DELETE /conversations/{atlas}/members/{guest}",
            build: |w| (Method::DELETE, format!("/api/v1/conversations/{}/members/{}", w.atlas, w.guest.id), None),
            // The guest leaves first; the inviter then finds nobody to remove.
            expect: "UONFNNNN",
        },
        Row {
            name: "GET /conversations/{atlas}/invitations",
            build: |w| get(format!("/api/v1/conversations/{}/invitations", w.atlas)),
            expect: "UFOONNNN",
        },
        Row {
            name: "POST /conversations/{atlas}/invitations (a queue)",
            build: |w| {
                post(
                    format!("/api/v1/conversations/{}/invitations", w.atlas),
                    json!({"account_ids": [], "department_ids": [w.org.engineering]}),
                )
            },
            expect: "UFOFNNNN",
        },
        Row {
            name: "GET /conversation-invitations",
            build: |_| get("/api/v1/conversation-invitations".into()),
            expect: "UOOOOOOO",
        },
        Row {
            name: "POST /conversation-invitations/{id}/accept",
            build: |w| post(format!("/api/v1/conversation-invitations/{}/accept", w.invitation), json!({})),
            expect: "UNNNNONN",
        },
        Row {
            name: "POST /conversation-invitations/{id}/decline",
            build: |w| post(format!("/api/v1/conversation-invitations/{}/decline", w.invitation), json!({})),
            expect: "UNNNNONN",
        },
        Row {
            name: "DELETE /conversation-invitations/{id}",
            build: |w| (Method::DELETE, format!("/api/v1/conversation-invitations/{}", w.invitation), None),
            // Cancelled by the owner, it is gone for whoever comes next.
            expect: "UFONNNNN",
        },
        Row {
            name: "PUT /conversations/{atlas}/owner (to the guest)",
            build: |w| {
                (
                    Method::PUT,
                    format!("/api/v1/conversations/{}/owner", w.atlas),
                    Some(json!({"account_id": w.guest.id})),
                )
            },
            expect: "UFFFNNNN",
        },
        Row {
            name: "GET /conversations/{atlas}/keys",
            build: |w| get(format!("/api/v1/conversations/{}/keys", w.atlas)),
            expect: "UFOFNNNN",
        },
        Row {
            name: "POST /conversations/{atlas}/keys/{key}/revoke",
            build: |w| post(format!("/api/v1/conversations/{}/keys/{}/revoke", w.atlas, w.key), json!({})),
            expect: "UFOFNNNN",
        },
        Row {
            name: "POST /conversations/{atlas}/keys/{key}/email",
            build: |w| {
                post(
                    format!("/api/v1/conversations/{}/keys/{}/email", w.atlas, w.key),
                    json!({"email": "pat@partner.example", "code": w.key_code}),
                )
            },
            expect: "UFOFNNNN",
        },
        Row {
            name: "POST /conversations/{atlas}/keys",
            build: |w| {
                post(
                    format!("/api/v1/conversations/{}/keys", w.atlas),
                    json!({"person_name": "Pat", "description": "", "comments": "", "valid_days": 3}),
                )
            },
            expect: "UFOFNNNN",
        },
        Row {
            name: "POST /keys/redeem (public)",
            build: |w| {
                post(
                    "/api/v1/keys/redeem".into(),
                    json!({"code": w.key_code, "first_name": "Pat", "last_name": "Partner",
                           "email": "pat@partner.example", "phone": "+44 20 7946 0888"}),
                )
            },
            // The first redemption uses the key up; every later one finds it gone.
            expect: "ONNNNNNN",
        },
        Row {
            name: "POST /conversations/{atlas}/invitations (a person)",
            build: |w| {
                post(
                    format!("/api/v1/conversations/{}/invitations", w.atlas),
                    json!({"account_ids": [w.org.company_admin.id], "department_ids": []}),
                )
            },
            expect: "UFOFNNNN",
        },
        Row {
            name: "PUT /conversations/{atlas}/owner (to the colleague)",
            build: |w| {
                (
                    Method::PUT,
                    format!("/api/v1/conversations/{}/owner", w.atlas),
                    Some(json!({"account_id": w.org.colleague.id})),
                )
            },
            // Handed over by the inviter, the colleague owns it and may hand it to itself: refused.
            expect: "UFORNNNN",
        },
        Row {
            name: "GET /keys/{code} (preview, public)",
            build: |w| get(format!("/api/v1/keys/{}", w.key_code)),
            expect: "OOOOOOOO",
        },
        Row {
            name: "POST /conversations/{atlas}/close",
            build: |w| post(format!("/api/v1/conversations/{}/close", w.atlas), json!({})),
            // Closed by the owner, it is gone for whoever comes next.
            expect: "UFONNNNN",
        },
    ])
    .await;
}

#[tokio::test]
async fn guest_previews() {
    check(&[
        Row {
            name: "GET /guests/{guest}/preview",
            build: |w| get(format!("/api/v1/guests/{}/preview", w.guest.id)),
            // The colleague shares Atlas with the guest, so is told it may not; the rest are not
            // told it exists.
            expect: "UNOFNOON",
        },
        Row {
            name: "GET /guests/{unrelated guest}/preview",
            build: |w| get(format!("/api/v1/guests/{}/preview", w.unrelated_guest.id)),
            expect: "UNNOONON",
        },
        Row {
            name: "POST /invitations/preview (from Contacts)",
            build: |_| post("/api/v1/invitations/preview".into(), json!({"conversation_id": null})),
            expect: "UFOOFFFF",
        },
        Row {
            name: "POST /invitations/preview (into Atlas)",
            build: |w| post("/api/v1/invitations/preview".into(), json!({"conversation_id": w.atlas})),
            expect: "UFOFFFFF",
        },
    ])
    .await;
}

#[tokio::test]
async fn administration() {
    check(&[
        Row { name: "GET /admin/guests", build: |_| get("/api/v1/admin/guests".into()), expect: "UFFFOOOF" },
        Row { name: "GET /admin/members", build: |_| get("/api/v1/admin/members".into()), expect: "UFFFFFOF" },
        Row { name: "GET /admin/settings", build: |_| get("/api/v1/admin/settings".into()), expect: "UFFFFFOF" },
        Row {
            name: "GET /admin/activity",
            build: |_| get("/api/v1/admin/activity?month=2026-12".into()),
            expect: "UFFFOOOF",
        },
        Row {
            name: "POST /admin/guests/{guest}/resend",
            build: |w| post(format!("/api/v1/admin/guests/{}/resend", w.guest.id), json!({})),
            expect: "UFFFNRRF",
        },
        Row {
            name: "POST /admin/guests/{unrelated guest}/resend",
            build: |w| post(format!("/api/v1/admin/guests/{}/resend", w.unrelated_guest.id), json!({})),
            expect: "UFFFONOF",
        },
        Row {
            name: "POST /admin/guests/delete (the guest)",
            build: |w| post("/api/v1/admin/guests/delete".into(), json!({"guest_ids": [w.guest.id]})),
            expect: "UFFFNONF",
        },
        Row {
            name: "POST /admin/guests/incorporate (the unrelated guest)",
            build: |w| post("/api/v1/admin/guests/incorporate".into(), json!({"guest_ids": [w.unrelated_guest.id]})),
            // Incorporated by the Engineering admin, it is no longer a guest for whoever comes next.
            expect: "UFFFONNF",
        },
        Row {
            name: "PUT /admin/guests/{unrelated guest} (amend a pending guest)",
            build: |w| {
                (
                    Method::PUT,
                    format!("/api/v1/admin/guests/{}", w.unrelated_guest.id),
                    Some(json!({"first_name": "Gina", "last_name": "Amended", "email": "gina2@partner.example",
                                "phone": "+44 20 7946 0102"})),
                )
            },
            expect: "UFFFONOF",
        },
        Row {
            name: "POST /admin/guests/{unrelated guest}/cancel",
            build: |w| post(format!("/api/v1/admin/guests/{}/cancel", w.unrelated_guest.id), json!({})),
            // Cancelled by the Engineering admin, it is gone for whoever comes next.
            expect: "UFFFONNF",
        },
        Row {
            name: "PUT /admin/settings",
            build: |_| (Method::PUT, "/api/v1/admin/settings".into(), Some(json!({"guest_invitations_enabled": true}))),
            expect: "UFFFFFOF",
        },
        Row {
            name: "POST /admin/accounts/{guest}/revoke-sessions",
            build: |w| post(format!("/api/v1/admin/accounts/{}/revoke-sessions", w.guest.id), json!({})),
            expect: "UFFFFOOF",
        },
        Row {
            name: "GET /admin/accounts (the who-sees-whom picker)",
            build: |_| get("/api/v1/admin/accounts?search=gina".into()),
            expect: "UFFFOOOF",
        },
        Row {
            name: "GET /admin/visibility (inviter sees the guest?)",
            build: |w| get(format!("/api/v1/admin/visibility?viewer={}&target={}", w.org.member.id, w.guest.id)),
            // Both are in Sales EMEA: outside the Engineering admin's departments.
            expect: "UFFFFOOF",
        },
        Row {
            name: "GET /admin/visibility (the unrelated guest and its inviter)",
            build: |w| {
                get(format!("/api/v1/admin/visibility?viewer={}&target={}", w.unrelated_guest.id, w.org.colleague.id))
            },
            expect: "UFFFOFOF",
        },
        Row {
            name: "PUT /admin/accounts/{colleague}/may-invite",
            build: |w| {
                (
                    Method::PUT,
                    format!("/api/v1/admin/accounts/{}/may-invite", w.org.colleague.id),
                    Some(json!({"may_invite": false})),
                )
            },
            expect: "UFFFFFOF",
        },
        Row {
            name: "POST /guests/{guest}/take-over",
            build: |w| post(format!("/api/v1/guests/{}/take-over", w.guest.id), json!({})),
            // The inviter sponsors the guest already; the colleague sees a guest who has a
            // sponsor; the admins of the guest's department take it over, one after the other.
            expect: "UXFFNOON",
        },
        Row {
            name: "POST /guests/{unrelated guest}/take-over",
            build: |w| post(format!("/api/v1/guests/{}/take-over", w.unrelated_guest.id), json!({})),
            expect: "UNNFONON",
        },
        Row {
            name: "POST /guests/{guest}/access (extend by 5 days)",
            build: |w| post(format!("/api/v1/guests/{}/access", w.guest.id), json!({"days": 5})),
            // Its sponsor (the inviter) and the admins of its department; the colleague sees it.
            expect: "UXOFNOON",
        },
        Row {
            name: "GET /guest-confirmations",
            build: |_| get("/api/v1/guest-confirmations".into()),
            expect: "UOOOOOOO",
        },
        Row {
            name: "POST /guest-confirmations/{guest}/confirm (not asked)",
            build: |w| post(format!("/api/v1/guest-confirmations/{}/confirm", w.guest.id), json!({})),
            // Only its sponsor (the inviter) is told of a question, here already answered.
            expect: "UNRNNNNN",
        },
        Row {
            name: "POST /guest-confirmations/{guest}/reject (not asked)",
            build: |w| post(format!("/api/v1/guest-confirmations/{}/reject", w.guest.id), json!({})),
            expect: "UNRNNNNN",
        },
        Row {
            name: "POST /admin/guests/sponsor (the guest to the colleague)",
            build: |w| {
                post(
                    "/api/v1/admin/guests/sponsor".into(),
                    json!({"guest_ids": [w.guest.id], "sponsor_id": w.org.colleague.id}),
                )
            },
            // The Sales admin reaches the guest, not the colleague (Engineering).
            expect: "UFFFNROF",
        },
        Row {
            name: "POST /admin/members/{colleague}/remove",
            build: |w| post(format!("/api/v1/admin/members/{}/remove", w.org.colleague.id), json!({})),
            expect: "UFFFFFOF",
        },
    ])
    .await;
}

/// A suspended guest (its sponsor lost the right, SPEC §11.1) holds no session: every endpoint
/// answers 401 to its old token, and logging in again is refused with the reason.
#[tokio::test]
async fn a_suspended_guest_is_refused_everywhere() {
    let w = World::new().await;
    let guest = w.tokens[1].clone().expect("guest token");
    let company_admin = w.tokens[6].clone().expect("admin token");
    let url = w.app.url(&format!("/api/v1/admin/accounts/{}/may-invite", w.org.member.id));
    let r = w.app.client.put(url).bearer_auth(&company_admin).json(&json!({"may_invite": false})).send().await;
    assert!(r.expect("put").status().is_success());
    let atlas = &w.atlas;
    let paths = [
        (Method::GET, "/api/v1/me".to_owned()),
        (Method::GET, "/api/v1/contacts".to_owned()),
        (Method::GET, "/api/v1/conversations".to_owned()),
        (Method::GET, format!("/api/v1/conversations/{atlas}")),
        (Method::GET, format!("/api/v1/conversations/{atlas}/messages")),
        (Method::POST, format!("/api/v1/conversations/{atlas}/messages")),
        (Method::GET, "/api/v1/notices".to_owned()),
        (Method::GET, "/api/v1/invitations/options".to_owned()),
        (Method::GET, "/api/v1/ws".to_owned()),
        (Method::POST, format!("/api/v1/guests/{}/take-over", w.guest.id)),
    ];
    for (method, path) in paths {
        let body = json!({"client_id": uuid::Uuid::new_v4().to_string(), "body": "still here?"});
        let r = w.app.client.request(method.clone(), w.app.url(&path)).bearer_auth(&guest).json(&body).send().await;
        assert_eq!(r.expect("sent").status(), StatusCode::UNAUTHORIZED, "{method} {path}");
    }
    let code = w.app.request_new_code(&w.guest.phone).await;
    let r = w.app.try_login(&w.guest.phone, &code).await;
    crate::helpers::assert_error(r, StatusCode::FORBIDDEN, "guest_suspended").await;
}

/// A guest whose access ended (SPEC §11.1) is refused everywhere at once — before the
/// scheduler records the end — and its session is gone once it has.
#[tokio::test]
async fn a_guest_whose_access_ended_is_refused_everywhere() {
    let w = World::new().await;
    let guest = w.tokens[1].clone().expect("guest token");
    let company_admin = w.tokens[6].clone().expect("admin token");
    let r = w
        .app
        .post_json_auth(&format!("/api/v1/guests/{}/access", w.guest.id), &company_admin, &json!({"days": 1}))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    w.app.advance_clock(parley_core::guest_access::DAY_MS);
    let atlas = &w.atlas;
    let paths = [
        (Method::GET, "/api/v1/contacts".to_owned()),
        (Method::GET, "/api/v1/conversations".to_owned()),
        (Method::GET, format!("/api/v1/conversations/{atlas}/messages")),
        (Method::POST, format!("/api/v1/conversations/{atlas}/messages")),
        (Method::GET, "/api/v1/notices".to_owned()),
        (Method::GET, "/api/v1/ws".to_owned()),
    ];
    for (method, path) in &paths {
        let body = json!({"client_id": uuid::Uuid::new_v4().to_string(), "body": "still here?"});
        let r = w.app.client.request(method.clone(), w.app.url(path)).bearer_auth(&guest).json(&body).send().await;
        let r = r.expect("sent");
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{method} {path}");
        assert_eq!(r.json::<Value>().await.expect("error")["code"], "guest_access_ended");
    }
    assert_eq!(parley_server::guest_ends::end_due(&w.app.state).await.expect("run"), 1);
    for (method, path) in &paths {
        let r = w.app.client.request(method.clone(), w.app.url(path)).bearer_auth(&guest).send().await;
        assert_eq!(r.expect("sent").status(), StatusCode::UNAUTHORIZED, "{method} {path}");
    }
    let code = w.app.request_new_code(&w.guest.phone).await;
    let r = w.app.try_login(&w.guest.phone, &code).await;
    crate::helpers::assert_error(r, StatusCode::FORBIDDEN, "guest_access_ended").await;
}

/// What the sockets of each role receive while the others act is read the same way: nobody
/// is told of anyone they may not see.
#[tokio::test]
async fn events_name_nobody_the_viewer_may_not_see() {
    use crate::ws::{connect, Socket};
    use futures_util::StreamExt;
    let w = World::new().await;
    let mut sockets: Vec<(usize, Socket)> = Vec::new();
    for (r, token) in w.tokens.iter().enumerate() {
        if let Some(token) = token {
            sockets.push((r, connect(&w.app, token).await));
        }
    }
    let token = |r: usize| w.tokens[r].clone().expect("token");
    let (guest, inviter, colleague, other_dept_admin, company_admin) = (1, 2, 3, 4, 6);
    let atlas = &w.atlas;
    let send = |r: usize, body: &'static str| {
        let app = &w.app;
        let token = token(r);
        async move {
            let body = json!({"client_id": uuid::Uuid::new_v4().to_string(), "body": body});
            let r = app.post_json_auth(&format!("/api/v1/conversations/{atlas}/messages"), &token, &body).await;
            assert!(r.status().is_success(), "{}", r.status());
        }
    };
    send(inviter, "hello").await;
    send(guest, "hi from the guest").await;
    let rename = w.app.client.patch(w.app.url(&format!("/api/v1/conversations/{atlas}"))).bearer_auth(token(inviter));
    assert!(rename.json(&json!({"name": "Atlas 2"})).send().await.expect("rename").status().is_success());
    let share = json!({"account_ids": [], "department_ids": [w.org.engineering]});
    let r = w.app.post_json_auth(&format!("/api/v1/conversations/{atlas}/invitations"), &token(inviter), &share).await;
    assert!(r.status().is_success());
    let r = w
        .app
        .post_auth(&format!("/api/v1/admin/guests/{}/resend", w.unrelated_guest.id), &token(other_dept_admin))
        .await;
    assert!(r.status().is_success(), "{}", r.status());
    let invite = json!({"first_name": "Vic", "last_name": "Visitor", "email": "vic@partner.example",
        "phone": "+44 20 7946 0444", "by_sms": true, "by_email": false, "details": "", "conversation_id": null});
    assert!(w.app.post_json_auth("/api/v1/invitations", &token(colleague), &invite).await.status().is_success());
    let amend = json!({"first_name": "Gina", "last_name": "Renamed", "email": "gina2@partner.example", "phone": "+44 20 7946 0102"});
    let r = w.app.client.put(w.app.url(&format!("/api/v1/admin/guests/{}", w.unrelated_guest.id)));
    assert!(r.bearer_auth(token(company_admin)).json(&amend).send().await.expect("amend").status().is_success());

    let mut failures = Vec::new();
    let mut events = 0;
    for (r, socket) in &mut sockets {
        while let Ok(Some(Ok(message))) =
            tokio::time::timeout(std::time::Duration::from_millis(500), socket.next()).await
        {
            let text = message.into_text().map(|t| t.to_string()).unwrap_or_default();
            events += 1;
            for p in w.hidden_from(*r) {
                if [Some(&p.id), Some(&p.phone), p.email.as_ref()]
                    .into_iter()
                    .flatten()
                    .any(|n| text.contains(n.as_str()))
                {
                    failures.push(format!("{} was told of {}: {text:.300}", ROLES[*r], p.id));
                }
            }
        }
    }
    eprintln!("events read: {events}, leaks: {}", failures.len());
    assert!(events > sockets.len(), "the actions were heard");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
