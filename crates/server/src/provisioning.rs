//! Creating organisations, departments and members. Used by the admin CLI and the demo; the
//! rules (formats, uniqueness) are the same ones the API applies.

use crate::accounts::{self, AccountRow};
use crate::codes::{self, Purpose};
use crate::db::{new_id, next_change_seq, Db};
use crate::error::{AppError, AppResult};
use parley_core::activation::{ActivationCode, DEFAULT_VALIDITY_MS};
use parley_core::role::{AccountKind, AccountStatus, Role};
use parley_core::{EmailAddress, ErrorCode, PersonName, PhoneNumber};

pub async fn create_organisation(db: &Db, name: &str, now_ms: i64) -> AppResult<(String, String)> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(AppError::on_field(ErrorCode::InvalidFormat, "name"));
    }
    let org = new_id();
    let root = new_id();
    let mut tx = crate::db::begin(db).await?;
    sqlx::query("INSERT INTO organisations (id, name, created_at) VALUES ($1, $2, $3)")
        .bind(&org)
        .bind(name)
        .bind(now_ms)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO departments (id, organisation_id, parent_id, name, created_at) VALUES ($1, $2, NULL, $3, $4)",
    )
    .bind(&root)
    .bind(&org)
    .bind(name)
    .bind(now_ms)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok((org, root))
}

pub async fn root_department(db: &Db, organisation_id: &str) -> AppResult<String> {
    sqlx::query_scalar("SELECT id FROM departments WHERE organisation_id = $1 AND parent_id IS NULL")
        .bind(organisation_id)
        .fetch_optional(db)
        .await?
        .ok_or_else(|| AppError::with_message(ErrorCode::NotFound, "No such organisation."))
}

pub async fn create_department(
    db: &Db,
    organisation_id: &str,
    name: &str,
    parent: Option<&str>,
    now_ms: i64,
) -> AppResult<String> {
    let parent = match parent {
        Some(p) => p.to_owned(),
        None => root_department(db, organisation_id).await?,
    };
    let parent_org: Option<String> = sqlx::query_scalar("SELECT organisation_id FROM departments WHERE id = $1")
        .bind(&parent)
        .fetch_optional(db)
        .await?;
    if parent_org.as_deref() != Some(organisation_id) {
        return Err(AppError::with_message(ErrorCode::NotFound, "No such parent department in this organisation."));
    }
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(AppError::on_field(ErrorCode::InvalidFormat, "name"));
    }
    let id = new_id();
    sqlx::query(
        "INSERT INTO departments (id, organisation_id, parent_id, name, created_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(&id)
    .bind(organisation_id)
    .bind(&parent)
    .bind(name)
    .bind(now_ms)
    .execute(db)
    .await?;
    Ok(id)
}

#[derive(Debug, Clone)]
pub struct NewMember {
    pub organisation_id: String,
    pub department_id: Option<String>,
    pub first_name: String,
    pub last_name: String,
    pub phone: String,
    pub email: Option<String>,
    pub role: Role,
    pub status: AccountStatus,
}

/// Provisions a member. A pending one also gets an activation code, valid for the default
/// 48 hours and queued by SMS and e-mail. A department admin administers their main department.
pub async fn add_member(
    db: &Db,
    code_key: &[u8],
    m: NewMember,
    now_ms: i64,
) -> AppResult<(AccountRow, Option<(ActivationCode, i64)>)> {
    let phone = PhoneNumber::parse(&m.phone).map_err(|_| AppError::on_field(ErrorCode::InvalidFormat, "phone"))?;
    let email = match m.email.as_deref().map(str::trim).filter(|e| !e.is_empty()) {
        Some(e) => Some(EmailAddress::parse(e).map_err(|_| AppError::on_field(ErrorCode::InvalidFormat, "email"))?),
        None => None,
    };
    let first =
        PersonName::parse(&m.first_name).map_err(|_| AppError::on_field(ErrorCode::InvalidFormat, "first_name"))?;
    let last =
        PersonName::parse(&m.last_name).map_err(|_| AppError::on_field(ErrorCode::InvalidFormat, "last_name"))?;
    if m.role == Role::Guest {
        return Err(AppError::with_message(ErrorCode::InvalidRequest, "Guests are provisioned by an invitation."));
    }
    let department = match m.department_id {
        Some(d) => d,
        None => root_department(db, &m.organisation_id).await?,
    };
    let dept_org: Option<String> = sqlx::query_scalar("SELECT organisation_id FROM departments WHERE id = $1")
        .bind(&department)
        .fetch_optional(db)
        .await?;
    if dept_org.as_deref() != Some(m.organisation_id.as_str()) {
        return Err(AppError::with_message(ErrorCode::NotFound, "No such department in this organisation."));
    }

    let id = new_id();
    let mut tx = crate::db::begin(db).await?;
    let seq = next_change_seq(&mut tx).await?;
    sqlx::query(
        "INSERT INTO accounts (id, organisation_id, department_id, kind, role, status, first_name, last_name, phone, email, \
         created_at, updated_at, change_seq) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
    )
    .bind(&id)
    .bind(&m.organisation_id)
    .bind(&department)
    .bind(AccountKind::Member.as_str())
    .bind(m.role.as_str())
    .bind(m.status.as_str())
    .bind(first.as_str())
    .bind(last.as_str())
    .bind(phone.as_str())
    .bind(email.as_ref().map(EmailAddress::canonical))
    .bind(now_ms)
    .bind(now_ms)
    .bind(seq)
    .execute(&mut *tx)
    .await
    .map_err(|e| match AppError::from(e) {
        err if err.code() == ErrorCode::Conflict => {
            AppError::with_message(ErrorCode::Conflict, "This contact already exists in your organization")
        }
        err => err,
    })?;
    if m.role == Role::DepartmentAdmin {
        sqlx::query("INSERT INTO department_admins (account_id, department_id) VALUES ($1, $2)")
            .bind(&id)
            .bind(&department)
            .execute(&mut *tx)
            .await?;
    }
    // Made outside any server (the CLI, the demo, a seed): each node's change watcher tells
    // the organisation (`crate::change_watcher`).
    sqlx::query("INSERT INTO external_changes (change_seq, organisation_id) VALUES ($1, $2)")
        .bind(seq)
        .bind(&m.organisation_id)
        .execute(&mut *tx)
        .await?;
    // Into the ALL group if it is shown; the arrival is announced when the member activates.
    crate::all_group::join(&mut tx, &m.organisation_id, &id, None, now_ms).await?;
    let account = accounts::by_id(&mut *tx, &id).await?.ok_or_else(|| AppError::new(ErrorCode::Internal))?;
    let code = if m.status == AccountStatus::Pending {
        Some(
            codes::issue_and_send(&mut tx, code_key, &account, Purpose::Provisioning, DEFAULT_VALIDITY_MS, now_ms)
                .await?,
        )
    } else {
        None
    };
    tx.commit().await?;
    Ok((account, code))
}

/// `n` active members of `organisation_id` (first login done), in departments of 2,500 made
/// for them: the rows [`add_member`] writes for an active member, 500 a statement in one
/// transaction — the benchmarks' directory of 100,000 in seconds instead of minutes. Their
/// numbers are `+1 201 3xx xxxx` (`n` below 7,000,000), their names `<first> Member<i>`.
pub async fn add_members_in_bulk(db: &Db, organisation_id: &str, n: usize, now_ms: i64) -> AppResult<()> {
    const CHUNK: usize = 50;
    const FIRST: [&str; 8] = ["Anna", "Ben", "Chloé", "David", "Emma", "Farid", "Grace", "Hugo"];
    let mut departments = Vec::new();
    for d in 0..n.div_ceil(2_500).max(1) {
        departments.push(create_department(db, organisation_id, &format!("Department {d}"), None, now_ms).await?);
    }
    let mut tx = crate::db::begin(db).await?;
    let seq = next_change_seq(&mut tx).await?;
    for start in (0..n).step_by(CHUNK) {
        let rows: Vec<usize> = (start..(start + CHUNK).min(n)).collect();
        let values: Vec<String> = (0..rows.len())
            .map(|i| {
                let p: Vec<String> = (1..=7).map(|k| format!("${}", i * 7 + k)).collect();
                format!(
                    "({}, 'member', 'member', 'active', {}, {now_ms}, {now_ms}, {now_ms}, {seq})",
                    p[..3].join(", "),
                    p[3..].join(", ")
                )
            })
            .collect();
        let sql = format!(
            "INSERT INTO accounts (id, organisation_id, department_id, kind, role, status, first_name, last_name, \
             phone, email, terms_accepted_at, created_at, updated_at, change_seq) VALUES {}",
            values.join(", ")
        );
        let mut insert = sqlx::query(&sql);
        for i in rows {
            insert = insert
                .bind(new_id())
                .bind(organisation_id)
                .bind(&departments[i / 2_500])
                .bind(FIRST[i % FIRST.len()])
                .bind(format!("Member{i}"))
                .bind(format!("+1201{:03}{:04}", 300 + i / 10_000, i % 10_000))
                .bind(format!("member{i}@northwind.example"));
        }
        insert.execute(&mut *tx).await?;
    }
    sqlx::query("INSERT INTO external_changes (change_seq, organisation_id) VALUES ($1, $2)")
        .bind(seq)
        .bind(organisation_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}
