//! Helpers the benchmarks share: timing percentiles, a logged-in member, timed GETs.

#![allow(dead_code)]

use parley_core::role::{AccountStatus, Role};
use parley_server::provisioning::{self, NewMember};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

/// Requests timed per measure.
pub const ROUNDS: usize = 200;

pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

pub fn report(name: &str, mut samples: Vec<Duration>) {
    samples.sort();
    println!(
        "{name:<48} n={:<5} p50={:>8.2?} p99={:>8.2?} max={:>8.2?}",
        samples.len(),
        percentile(&samples, 0.5),
        percentile(&samples, 0.99),
        samples[samples.len() - 1]
    );
}

pub async fn member(
    state: &parley_server::state::AppState,
    http: &reqwest::Client,
    url: &str,
    org: &str,
    department: Option<&str>,
    n: u16,
    role: Role,
) -> (String, String) {
    let m = NewMember {
        organisation_id: org.into(),
        department_id: department.map(str::to_owned),
        first_name: format!("Bench{n}"),
        last_name: "User".into(),
        phone: format!("+120155502{n:02}"),
        email: None,
        role,
        status: AccountStatus::Pending,
    };
    let (account, code) =
        provisioning::add_member(&state.db, &state.code_key, m, state.clock.now_ms()).await.expect("member");
    let code = code.expect("a code").0.expose().to_owned();
    let login: Value = http
        .post(format!("{url}/api/v1/auth/login"))
        .json(&json!({"phone": account.phone, "code": code}))
        .send()
        .await
        .expect("login")
        .json()
        .await
        .expect("json");
    let token = login["token"].as_str().expect("token").to_owned();
    http.post(format!("{url}/api/v1/me/first-login"))
        .bearer_auth(&token)
        .json(&json!({"first_name": format!("Bench{n}"), "last_name": "User", "accept_terms": true}))
        .send()
        .await
        .expect("first login");
    (token, account.id)
}

pub async fn time_get(http: &reqwest::Client, url: &str, token: &str) -> Vec<Duration> {
    time_get_n(http, url, token, ROUNDS).await
}

/// `rounds` timed GETs of `url`.
pub async fn time_get_n(http: &reqwest::Client, url: &str, token: &str, rounds: usize) -> Vec<Duration> {
    let mut samples = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        let t = Instant::now();
        let r = http.get(url).bearer_auth(token).send().await.expect("get");
        assert!(r.status().is_success(), "{}", r.status());
        r.bytes().await.expect("body");
        samples.push(t.elapsed());
    }
    samples
}
