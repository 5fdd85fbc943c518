//! Admin guests list at 100,000 guests (SPEC §8, §13: search p99 ≤ 50 ms), over real HTTP
//! against a real SQLite file: the first page, searches as an admin types them (two letters, a
//! name, a phone number, an inviter), a sort, the pending filter, and a department admin's
//! scoped search.
//!
//! Run: `cargo run --release -p parley-server --example guests_bench` (results in
//! docs/BENCHMARKS.md). `PARLEY_BENCH_DATABASE_URL=postgres://…/db` runs it on PostgreSQL
//! (an empty database). Prints one line per measure.

mod common;

use common::{member, report, time_get_n};
use parley_core::role::Role;
use parley_server::configuration::{CommonSettings, ServeSettings};
use parley_server::db::new_id;
use parley_server::provisioning;
use parley_server::startup::{self, Application};
use std::time::Instant;

/// Requests per measure (fewer than the other benches: each search scans the list).
const ROUNDS: usize = 100;
const DEPARTMENTS: usize = 20;
const INVITERS: usize = 200;
const FIRST_NAMES: [&str; 8] = ["Gina", "Marc", "Aiko", "Lena", "Tomás", "Priya", "Olu", "Sven"];

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let mut settings = CommonSettings::throwaway(dir.path());
    if let Ok(url) = std::env::var("PARLEY_BENCH_DATABASE_URL") {
        settings.database_url = Some(url);
    }
    let state = startup::state(&settings).await?;
    let sinks = startup::sinks(&settings)?;
    let serve = ServeSettings::ephemeral();
    let app = Application::with_state(state, sinks, &serve).await?;
    let (url, state) = (format!("http://127.0.0.1:{}", app.port()), app.state().clone());
    tokio::spawn(app.run_until(std::future::pending()));
    let http = reqwest::Client::new();
    let now = state.clock.now_ms();
    let guests: usize = std::env::var("PARLEY_BENCH_GUESTS").ok().and_then(|n| n.parse().ok()).unwrap_or(100_000);

    // Five top departments with three sub-departments each.
    let (org, _) = provisioning::create_organisation(&state.db, "Bench", now).await.expect("organisation");
    let mut departments = Vec::new();
    for top in 0..DEPARTMENTS / 4 {
        let t = provisioning::create_department(&state.db, &org, &format!("Division {top}"), None, now)
            .await
            .expect("department");
        departments.push(t.clone());
        for sub in 0..3 {
            departments.push(
                provisioning::create_department(&state.db, &org, &format!("Team {top}.{sub}"), Some(&t), now)
                    .await
                    .expect("department"),
            );
        }
    }
    let (admin, _) = member(&state, &http, &url, &org, None, 1, Role::CompanyAdmin).await;
    let (division_admin, _) = member(&state, &http, &url, &org, Some(&departments[0]), 2, Role::DepartmentAdmin).await;

    let started = Instant::now();
    let mut inviters = Vec::with_capacity(INVITERS);
    let mut tx = state.db.begin().await?;
    for i in 0..INVITERS {
        let id = new_id();
        sqlx::query(
            "INSERT INTO accounts (id, organisation_id, department_id, kind, role, status, first_name, last_name, phone, \
             created_at, updated_at, change_seq) VALUES ($1, $2, $3, 'member', 'member', 'active', $4, $5, $6, $7, $7, 0)",
        )
        .bind(&id)
        .bind(&org)
        .bind(&departments[i % DEPARTMENTS])
        .bind(format!("Inviter{i}"))
        .bind(format!("Member{i}"))
        .bind(format!("+1202555{i:04}"))
        .bind(now)
        .execute(&mut *tx)
        .await?;
        inviters.push((id, departments[i % DEPARTMENTS].clone()));
    }
    tx.commit().await?;
    for batch in 0..guests.div_ceil(5_000) {
        let mut tx = state.db.begin().await?;
        for n in batch * 5_000..((batch + 1) * 5_000).min(guests) {
            let (inviter, department) = &inviters[n % INVITERS];
            let id = new_id();
            let status = if n % 3 == 0 { "pending" } else { "active" };
            sqlx::query(
                "INSERT INTO accounts (id, organisation_id, department_id, kind, role, status, first_name, last_name, phone, \
                 email, invited_by, sponsor_id, created_at, updated_at, change_seq) \
                 VALUES ($1, $2, $3, 'guest', 'guest', $4, $5, $6, $7, $8, $9, $9, $10, $10, 0)",
            )
            .bind(&id)
            .bind(&org)
            .bind(department)
            .bind(status)
            .bind(FIRST_NAMES[n % FIRST_NAMES.len()])
            .bind(format!("Guest{n}"))
            .bind(format!("+44207{n:06}"))
            .bind(format!("guest{n}@partner{}.example", n % 50))
            .bind(inviter)
            .bind(now - (guests - n) as i64 * 1_000)
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "INSERT INTO invitations (id, organisation_id, guest_id, inviter_id, department_id, by_sms, by_email, details, \
                 status, created_at) VALUES ($1, $2, $3, $4, $5, 1, 1, '', $6, $7)",
            )
            .bind(new_id())
            .bind(&org)
            .bind(&id)
            .bind(inviter)
            .bind(department)
            .bind(if status == "pending" { "pending" } else { "accepted" })
            .bind(now - (guests - n) as i64 * 1_000)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
    }
    let mut conn = state.db.acquire().await?;
    parley_server::guest_search::refresh(&mut conn, parley_server::guest_search::SearchKey::Organisation, &org).await?;
    drop(conn);
    if state.backend == parley_server::db::Backend::Postgres {
        // What autovacuum does a little later after a bulk load: fresh planner statistics and
        // the visibility map (index-only counts).
        sqlx::query("VACUUM ANALYZE").execute(&state.db).await?;
    }
    println!("seeded {guests} guests in {:.1?} ({})", started.elapsed(), state.backend.name());

    let base = format!("{url}/api/v1/admin/guests");
    report("company admin: first page (50), no search", time_get_n(&http, &base, &admin, ROUNDS).await);
    report(
        "search \"gu\" (2 letters, matches all)",
        time_get_n(&http, &format!("{base}?search=gu"), &admin, ROUNDS).await,
    );
    report(
        "search \"guest4711\" (one guest)",
        time_get_n(&http, &format!("{base}?search=guest4711"), &admin, ROUNDS).await,
    );
    report(
        "search \"lena guest9\" (first + last)",
        time_get_n(&http, &format!("{base}?search=lena%20guest9"), &admin, ROUNDS).await,
    );
    report(
        "search \"207 004 711\" (part of a user ID)",
        time_get_n(&http, &format!("{base}?search=207%20004%20711"), &admin, ROUNDS).await,
    );
    report(
        "search \"inviter17 \" (inviter)",
        time_get_n(&http, &format!("{base}?search=inviter17%20"), &admin, ROUNDS).await,
    );
    report(
        "search \"lena g\" (typing the last name)",
        time_get_n(&http, &format!("{base}?search=lena%20g"), &admin, ROUNDS).await,
    );
    report(
        "search \"guest12\" (1,111 matches, the oldest)",
        time_get_n(&http, &format!("{base}?search=guest12"), &admin, ROUNDS).await,
    );
    report("search \"zzqx\" (no match)", time_get_n(&http, &format!("{base}?search=zzqx"), &admin, ROUNDS).await);
    report(
        "sort by last name, page 100",
        time_get_n(&http, &format!("{base}?sort=last_name&direction=asc&offset=5000"), &admin, ROUNDS).await,
    );
    report(
        "sort by inviter, descending, page 10",
        time_get_n(&http, &format!("{base}?sort=invited_by&direction=desc&offset=450"), &admin, ROUNDS).await,
    );
    report("pending filter", time_get_n(&http, &format!("{base}?status=pending"), &admin, ROUNDS).await);
    report(
        "pending filter + search \"lena\"",
        time_get_n(&http, &format!("{base}?status=pending&search=lena"), &admin, ROUNDS).await,
    );
    report("division admin (1/5 of guests): first page", time_get_n(&http, &base, &division_admin, ROUNDS).await);
    report(
        "division admin: search \"guest4711\"",
        time_get_n(&http, &format!("{base}?search=guest4711"), &division_admin, ROUNDS).await,
    );
    Ok(())
}
