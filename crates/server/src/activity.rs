//! The activity report (SPEC §9): every invitation, incorporation and deletion of a month,
//! read for the admin screens, and e-mailed to company admins once a month — once, whichever
//! node gets there first (a row in `report_mailings` claims the month).

use crate::db::Db;
use crate::guests::Scope;
use crate::outbox::{self, Channel, OutgoingMessage};
use crate::state::AppState;
use crate::templates::{self, escape_html};
use parley_core::admin::{ActivityAction, ActivityReport, ActivityRow, ReportMonth, REPORT_COLUMNS};
use parley_core::settings::OrganisationSettings;
use parley_core::time::format_utc;

/// Whether the report exists for an organisation: both switches on.
pub fn enabled(settings: &OrganisationSettings) -> bool {
    settings.activity_report_enabled && settings.guest_invitations_enabled
}

#[derive(sqlx::FromRow)]
struct Row {
    at: i64,
    action: String,
    actor_first: String,
    actor_last: String,
    actor_phone: String,
    guest_first: String,
    guest_last: String,
    guest_phone: String,
    department_id: Option<String>,
    sponsor_first: Option<String>,
    sponsor_last: Option<String>,
    sponsor_phone: Option<String>,
}

/// Writes one report row (SPEC §9) in the caller's transaction: who did what to which guest.
pub async fn record(
    conn: &mut sqlx::AnyConnection,
    organisation_id: &str,
    actor_id: &str,
    action: ActivityAction,
    guest_id: &str,
    now: i64,
) -> sqlx::Result<()> {
    insert(conn, organisation_id, actor_id, action, guest_id, None, now).await
}

/// A report row that concerns a sponsor too: the one who left (a suspension), the new one
/// (a take-over).
pub async fn record_for_sponsor(
    conn: &mut sqlx::AnyConnection,
    organisation_id: &str,
    actor_id: &str,
    action: ActivityAction,
    guest_id: &str,
    sponsor_id: &str,
    now: i64,
) -> sqlx::Result<()> {
    insert(conn, organisation_id, actor_id, action, guest_id, Some(sponsor_id), now).await
}

async fn insert(
    conn: &mut sqlx::AnyConnection,
    organisation_id: &str,
    actor_id: &str,
    action: ActivityAction,
    guest_id: &str,
    sponsor_id: Option<&str>,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO activity (id, organisation_id, actor_id, action, guest_id, sponsor_id, at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(crate::db::new_id())
    .bind(organisation_id)
    .bind(actor_id)
    .bind(action.as_str())
    .bind(guest_id)
    .bind(sponsor_id)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// The report of `month` for what `scope` reaches (the guest's invitation department).
pub async fn report(
    db: &Db,
    organisation_id: &str,
    scope: &Scope,
    settings: &OrganisationSettings,
    month: ReportMonth,
) -> sqlx::Result<ActivityReport> {
    let mut report = ActivityReport { month: month.to_string(), enabled: enabled(settings), rows: Vec::new() };
    if !report.enabled {
        return Ok(report);
    }
    let (start, end) = month.bounds_ms();
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT e.at, e.action, a.first_name AS actor_first, a.last_name AS actor_last, a.phone AS actor_phone, \
         g.first_name AS guest_first, g.last_name AS guest_last, g.phone AS guest_phone, i.department_id, \
         s.first_name AS sponsor_first, s.last_name AS sponsor_last, s.phone AS sponsor_phone \
         FROM activity e JOIN accounts a ON a.id = e.actor_id JOIN accounts g ON g.id = e.guest_id \
         LEFT JOIN invitations i ON i.guest_id = e.guest_id LEFT JOIN accounts s ON s.id = e.sponsor_id \
         WHERE e.organisation_id = $1 AND e.at >= $2 AND e.at < $3 ORDER BY e.at, e.id",
    )
    .bind(organisation_id)
    .bind(start)
    .bind(end)
    .fetch_all(db)
    .await?;
    report.rows = rows
        .into_iter()
        .filter(|r| r.department_id.as_deref().is_some_and(|d| scope.includes(d)))
        .filter_map(|r| {
            Some(ActivityRow {
                at: r.at,
                actor: crate::accounts::name_or_phone(&r.actor_first, &r.actor_last, &r.actor_phone),
                action: ActivityAction::from_db(&r.action)?,
                guest: format!(
                    "{} ({})",
                    crate::accounts::name_or_phone(&r.guest_first, &r.guest_last, &r.guest_phone),
                    parley_core::PhoneNumber::display(&r.guest_phone)
                ),
                sponsor: r.sponsor_phone.as_deref().map(|phone| {
                    crate::accounts::name_or_phone(
                        r.sponsor_first.as_deref().unwrap_or_default(),
                        r.sponsor_last.as_deref().unwrap_or_default(),
                        phone,
                    )
                }),
            })
        })
        .collect();
    Ok(report)
}

/// Sends last month's report to the company admins of every organisation that has it on,
/// unless a node already did. Returns how many organisations were mailed.
pub async fn mail_due(state: &AppState) -> anyhow::Result<usize> {
    let now = state.clock.now_ms();
    let month = ReportMonth::of(now).previous();
    let organisations: Vec<(String, String)> =
        sqlx::query_as("SELECT id, name FROM organisations ORDER BY id").fetch_all(&state.db).await?;
    let mut mailed = 0;
    for (id, name) in organisations {
        let settings = crate::settings::load(&state.db, &id).await?;
        if !enabled(&settings) {
            continue;
        }
        let mut tx = crate::db::begin(&state.db).await?;
        let claimed = sqlx::query(
            "INSERT INTO report_mailings (organisation_id, month, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
        )
        .bind(&id)
        .bind(month.to_string())
        .bind(now)
        .execute(&mut *tx)
        .await?;
        if claimed.rows_affected() != 1 {
            continue;
        }
        let report = report(&state.db, &id, &Scope::Organisation, &settings, month).await?;
        let admins: Vec<String> = sqlx::query_scalar(
            "SELECT email FROM accounts WHERE organisation_id = $1 AND role = 'company_admin' AND status <> 'deleted' \
             AND email IS NOT NULL ORDER BY email",
        )
        .bind(&id)
        .fetch_all(&mut *tx)
        .await?;
        for recipient in admins {
            outbox::enqueue(&mut tx, &report_email(&name, &report, &recipient), now).await?;
        }
        tx.commit().await?;
        tracing::info!(organisation = %id, month = %month, rows = report.rows.len(), "activity report mailed");
        mailed += 1;
    }
    if mailed > 0 {
        state.outbox_wake.notify_one();
    }
    Ok(mailed)
}

fn report_email(organisation: &str, report: &ActivityReport, recipient: &str) -> OutgoingMessage {
    let lines: Vec<String> = if report.rows.is_empty() {
        vec!["No guest was invited, incorporated or deleted this month.".to_owned()]
    } else {
        report
            .rows
            .iter()
            .map(|r| format!("{} | {} | {} | {}", format_utc(r.at), r.actor, r.action_text(), r.guest))
            .collect()
    };
    let rows_text = format!("{}\n{}", REPORT_COLUMNS.join(" | "), lines.join("\n"));
    let table = if report.rows.is_empty() {
        "<p><em>No guest was invited, incorporated or deleted this month.</em></p>".to_owned()
    } else {
        let head: String =
            REPORT_COLUMNS.iter().map(|c| format!("<th align=\"left\">{}</th>", escape_html(c))).collect();
        let body: String = report
            .rows
            .iter()
            .map(|r| {
                format!(
                    "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    escape_html(&format_utc(r.at)),
                    escape_html(&r.actor),
                    escape_html(&r.action_text()),
                    escape_html(&r.guest)
                )
            })
            .collect();
        format!("<table cellpadding=\"6\" style=\"border-collapse: collapse\"><tr>{head}</tr>{body}</table>")
    };
    let values = [("organisation", organisation), ("month", report.month.as_str()), ("recipient", recipient)];
    OutgoingMessage {
        channel: Channel::Email,
        recipient: recipient.to_owned(),
        subject: Some(templates::REPORT_SUBJECT.render(&values)),
        body_text: templates::REPORT_EMAIL_TEXT.render_with_raw(&values, &[("rows", &rows_text)]),
        body_html: Some(templates::REPORT_EMAIL_HTML.render_with_raw(&values, &[("table", &table)])),
    }
}
