//! `spawn_app()` and the client-side helpers every test shares.

pub use crate::test_db::TestEnv;
use parley_core::role::{AccountStatus, Role};
use parley_server::configuration::ServeSettings;
use parley_server::provisioning::{self, NewMember};
use parley_server::startup::{self, Application};
use parley_server::state::AppState;
use reqwest::{Response, StatusCode};
use serde_json::{json, Value};
use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub struct TestApp {
    /// `http://127.0.0.1:<port>`
    pub address: String,
    pub port: u16,
    pub client: reqwest::Client,
    /// A clone of the server's state: its clock, database, event bus.
    pub state: AppState,
    pub outbox_dir: PathBuf,
    /// Outbox files already read by a test.
    consumed: Mutex<HashSet<PathBuf>>,
    /// Shared by the nodes of a cluster.
    _env: Arc<TestEnv>,
}

/// Starts the application on a random port with a fresh database and file outbox.
pub async fn spawn_app() -> TestApp {
    spawn_node(Arc::new(TestEnv::new().await)).await
}

/// Where the cluster tests find NATS (`PARLEY_TEST_NATS_URL`, or the local default).
pub fn nats_url() -> String {
    std::env::var("PARLEY_TEST_NATS_URL").unwrap_or_else(|_| "nats://127.0.0.1:4222".to_owned())
}

/// Starts `n` nodes on one fresh database, their events crossing over NATS.
pub async fn spawn_cluster(n: usize) -> Vec<TestApp> {
    let mut env = TestEnv::new().await;
    env.settings.nats_url = Some(nats_url());
    let env = Arc::new(env);
    let mut nodes = Vec::with_capacity(n);
    for _ in 0..n {
        nodes.push(spawn_node(env.clone()).await);
    }
    nodes
}

async fn spawn_node(env: Arc<TestEnv>) -> TestApp {
    let state = startup::state(&env.settings).await.expect("building the state");
    let sinks = startup::sinks(&env.settings).expect("building the sinks");
    let serve = ServeSettings::ephemeral();
    let app = Application::with_state(state, sinks, &serve).await.expect("binding the listener");
    let port = app.port();
    let state = app.state().clone();
    tokio::spawn(app.run_until(std::future::pending()));
    TestApp {
        address: format!("http://127.0.0.1:{port}"),
        port,
        client: reqwest::Client::builder().timeout(Duration::from_secs(20)).build().expect("http client"),
        state,
        outbox_dir: env.outbox_dir.clone(),
        consumed: Mutex::new(HashSet::new()),
        _env: env,
    }
}

/// A provisioned account and the activation code it was given.
#[derive(Debug, Clone)]
pub struct TestUser {
    pub id: String,
    pub phone: String,
    pub email: Option<String>,
    pub code: Option<String>,
}

/// An organisation: root ─┬─ Sales (admin: `sales_admin`) ── Sales EMEA (`member`)
///                        └─ Engineering (admin: `engineering_admin`, `colleague`)
/// plus a `company_admin` in the root department. Everyone starts pending, with a code.
pub struct TestOrg {
    pub id: String,
    pub emea: String,
    pub engineering: String,
    pub company_admin: TestUser,
    pub sales_admin: TestUser,
    pub engineering_admin: TestUser,
    pub member: TestUser,
    pub colleague: TestUser,
}

impl TestOrg {
    pub fn everyone(&self) -> [&TestUser; 5] {
        [&self.company_admin, &self.sales_admin, &self.engineering_admin, &self.member, &self.colleague]
    }
}

/// A fictional US number (+1 201 555-01xx) for `n` in 0..100.
pub fn phone(n: u16) -> String {
    format!("+1201555{:04}", 100 + n)
}

/// A well-formed code that is not `code`.
pub fn wrong_code(code: &str, i: u32) -> String {
    let n: u32 = code.parse().expect("a six-digit code");
    format!("{:06}", (n + 1 + i) % 1_000_000)
}

/// The one run of exactly six digits in a message: the code (phone numbers and dates have
/// runs of other lengths).
pub fn extract_code(text: &str) -> Option<String> {
    text.split(|c: char| !c.is_ascii_digit()).find(|run| run.len() == 6).map(str::to_owned)
}

pub async fn error_body(response: Response) -> Value {
    response.json().await.expect("an error answer is JSON")
}

/// Asserts the status and the `code` of an error answer; returns the body.
pub async fn assert_error(response: Response, status: StatusCode, code: &str) -> Value {
    assert_eq!(response.status(), status, "expected {status} {code}");
    let body = error_body(response).await;
    assert_eq!(body["code"], code, "body: {body}");
    assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()), "a message for the user: {body}");
    body
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub fn advance_clock(&self, ms: i64) {
        self.state.clock.advance(ms);
    }

    pub async fn post_json(&self, path: &str, body: &Value) -> Response {
        self.client.post(self.url(path)).json(body).send().await.expect("request sent")
    }

    pub async fn post_json_auth(&self, path: &str, token: &str, body: &Value) -> Response {
        self.client.post(self.url(path)).bearer_auth(token).json(body).send().await.expect("request sent")
    }

    pub async fn post_auth(&self, path: &str, token: &str) -> Response {
        self.client.post(self.url(path)).bearer_auth(token).send().await.expect("request sent")
    }

    pub async fn get_auth(&self, path: &str, token: &str) -> Response {
        self.client.get(self.url(path)).bearer_auth(token).send().await.expect("request sent")
    }

    pub async fn try_login(&self, phone: &str, code: &str) -> Response {
        self.post_json("/api/v1/auth/login", &json!({ "phone": phone, "code": code })).await
    }

    /// Logs in and returns the whole answer (`token`, `me`).
    pub async fn login_body(&self, phone: &str, code: &str) -> Value {
        let response = self.try_login(phone, code).await;
        let status = response.status();
        let body: Value = response.json().await.expect("a JSON answer");
        assert_eq!(status, StatusCode::OK, "login of {phone} refused: {body}");
        body
    }

    pub async fn login(&self, phone: &str, code: &str) -> String {
        self.login_body(phone, code).await["token"].as_str().expect("a token").to_owned()
    }

    /// The first-login steps: confirm the names, accept the terms.
    pub async fn activate(&self, token: &str) -> Value {
        let body = json!({ "first_name": "Test", "last_name": "User", "accept_terms": true });
        let response = self.post_json_auth("/api/v1/me/first-login", token, &body).await;
        assert_eq!(response.status(), StatusCode::OK);
        response.json().await.expect("me")
    }

    /// Logs a provisioned user in with their code and completes the first-login steps.
    pub async fn login_active(&self, user: &TestUser) -> String {
        let token = self.login(&user.phone, user.code.as_deref().expect("a provisioning code")).await;
        self.activate(&token).await;
        token
    }

    pub async fn add_member(&self, org: &str, department: &str, n: u16, role: Role, status: AccountStatus) -> TestUser {
        let email = format!("user{n}@example.test");
        let m = NewMember {
            organisation_id: org.to_owned(),
            department_id: Some(department.to_owned()),
            first_name: format!("First{n}"),
            last_name: format!("Last{n}"),
            phone: phone(n),
            email: Some(email.clone()),
            role,
            status,
        };
        let now = self.state.clock.now_ms();
        let (account, code) =
            provisioning::add_member(&self.state.db, &self.state.code_key, m, now).await.expect("add_member");
        self.state.outbox_wake.notify_one();
        TestUser {
            id: account.id,
            phone: account.phone,
            email: Some(email),
            code: code.map(|(c, _)| c.expose().to_owned()),
        }
    }

    /// Seeds an organisation whose five accounts use the numbers `first_number..first_number + 5`.
    pub async fn seed_org(&self, name: &str, first_number: u16) -> TestOrg {
        let (db, now) = (&self.state.db, self.state.clock.now_ms());
        let (id, root) = provisioning::create_organisation(db, name, now).await.expect("organisation");
        let sales = provisioning::create_department(db, &id, "Sales", None, now).await.expect("department");
        let emea = provisioning::create_department(db, &id, "Sales EMEA", Some(&sales), now).await.expect("department");
        let engineering = provisioning::create_department(db, &id, "Engineering", None, now).await.expect("department");
        let n = first_number;
        let pending = AccountStatus::Pending;
        TestOrg {
            company_admin: self.add_member(&id, &root, n, Role::CompanyAdmin, pending).await,
            sales_admin: self.add_member(&id, &sales, n + 1, Role::DepartmentAdmin, pending).await,
            engineering_admin: self.add_member(&id, &engineering, n + 2, Role::DepartmentAdmin, pending).await,
            member: self.add_member(&id, &emea, n + 3, Role::Member, pending).await,
            colleague: self.add_member(&id, &engineering, n + 4, Role::Member, pending).await,
            id,
            emea,
            engineering,
        }
    }

    /// Outbox files (`.txt`) of one channel (`sms`, `email`) for one recipient, sorted by name.
    pub fn outbox_files(&self, channel: &str, recipient: &str) -> Vec<PathBuf> {
        let marker = format!("-{channel}-{recipient}-");
        let mut files: Vec<PathBuf> = std::fs::read_dir(&self.outbox_dir)
            .map(|dir| dir.filter_map(Result::ok).map(|e| e.path()).collect())
            .unwrap_or_default();
        files.retain(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            name.contains(&marker) && name.ends_with(".txt")
        });
        files.sort();
        files
    }

    /// Waits until the outbox worker has delivered every queued message.
    pub async fn wait_outbox_drained(&self) {
        for _ in 0..100 {
            let pending: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE status = 'pending'")
                .fetch_one(&self.state.db)
                .await
                .expect("counting the outbox");
            if pending == 0 {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the outbox was not delivered within 5 s");
    }

    /// Waits (up to ~5 s) for an SMS to `phone` that no test read yet and returns its code.
    pub async fn read_outbox_code(&self, phone: &str) -> String {
        for _ in 0..100 {
            let fresh: Vec<PathBuf> = {
                let consumed = self.consumed.lock().expect("lock");
                self.outbox_files("sms", phone).into_iter().filter(|p| !consumed.contains(p)).collect()
            };
            if let Some(newest) = fresh.last() {
                let text = std::fs::read_to_string(newest).expect("reading the SMS");
                self.consumed.lock().expect("lock").extend(fresh.iter().cloned());
                return extract_code(&text).unwrap_or_else(|| panic!("no code in {text:?}"));
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("no SMS to {phone} in the outbox within 5 s");
    }

    /// *New User*: asks for a fresh code for `phone` and reads it from the outbox.
    pub async fn request_new_code(&self, phone: &str) -> String {
        self.wait_outbox_drained().await;
        self.consumed.lock().expect("lock").extend(self.outbox_files("sms", phone));
        let response = self.post_json("/api/v1/auth/request-code", &json!({ "phone": phone })).await;
        assert_eq!(response.status(), StatusCode::ACCEPTED);
        self.read_outbox_code(phone).await
    }
}
