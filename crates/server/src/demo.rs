//! `parley-server demo`: a demo organisation (departments, ~50 members, a company admin and a
//! department admin, guest invitations on), created once; every run prints a fresh code for
//! the company admin.

use crate::codes::{self, Purpose};
use crate::db::Db;
use crate::error::AppResult;
use crate::provisioning::{self, NewMember};
use parley_core::activation::DEFAULT_VALIDITY_MS;
use parley_core::role::{AccountStatus, Role};

pub const ORGANISATION: &str = "Northwind Trading";
pub const ADMIN_PHONE: &str = "+12015550100";
pub const DEPARTMENT_ADMIN_PHONE: &str = "+12015550101";

const FIRST: [&str; 24] = [
    "Amelia", "Noah", "Olivia", "Liam", "Emma", "Lucas", "Sofia", "Mateo", "Chloé", "Hugo", "Mia", "Arjun", "Yuki",
    "Fatima", "Lars", "Ingrid", "Diego", "Priya", "Kwame", "Zoë", "Tomás", "Leila", "Ivan", "Hana",
];
const LAST: [&str; 20] = [
    "Anderson", "Bianchi", "Costa", "Dubois", "Eriksen", "Fischer", "García", "Hoffmann", "Ito", "Jansen", "Kowalski",
    "Larsen", "Moreau", "Nakamura", "Okafor", "Petrov", "Quinn", "Rossi", "Schmidt", "Tanaka",
];

pub struct DemoLogin {
    pub organisation_id: String,
    pub members: i64,
    pub admin_code: String,
    pub admin_code_expires_at: i64,
}

pub async fn seed(db: &Db, code_key: &[u8], now_ms: i64) -> AppResult<DemoLogin> {
    let existing: Option<String> = sqlx::query_scalar("SELECT id FROM organisations WHERE name = $1")
        .bind(ORGANISATION)
        .fetch_optional(db)
        .await?;
    let org = match existing {
        Some(org) => org,
        None => create(db, code_key, now_ms).await?,
    };
    let admin = crate::accounts::live_by_phone(db, ADMIN_PHONE)
        .await?
        .ok_or_else(|| crate::error::AppError::new(parley_core::ErrorCode::NotFound))?;
    let mut tx = crate::db::begin(db).await?;
    let (code, expires) =
        codes::issue_and_send(&mut tx, code_key, &admin, Purpose::Provisioning, DEFAULT_VALIDITY_MS, now_ms).await?;
    tx.commit().await?;
    let members: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM accounts WHERE organisation_id = $1 AND status <> 'deleted'")
            .bind(&org)
            .fetch_one(db)
            .await?;
    Ok(DemoLogin {
        organisation_id: org,
        members,
        admin_code: code.expose().to_owned(),
        admin_code_expires_at: expires,
    })
}

async fn create(db: &Db, code_key: &[u8], now: i64) -> AppResult<String> {
    let (org, _root) = provisioning::create_organisation(db, ORGANISATION, now).await?;
    let settings =
        parley_core::settings::OrganisationSettings { guest_invitations_enabled: true, ..Default::default() };
    crate::settings::save(db, &org, &settings).await?;
    let management = provisioning::create_department(db, &org, "Management", None, now).await?;
    let sales = provisioning::create_department(db, &org, "Sales", None, now).await?;
    let emea = provisioning::create_department(db, &org, "Sales EMEA", Some(&sales), now).await?;
    let americas = provisioning::create_department(db, &org, "Sales Americas", Some(&sales), now).await?;
    let engineering = provisioning::create_department(db, &org, "Engineering", None, now).await?;
    let platform = provisioning::create_department(db, &org, "Platform", Some(&engineering), now).await?;
    let support = provisioning::create_department(db, &org, "Customer Support", None, now).await?;
    let finance = provisioning::create_department(db, &org, "Finance", None, now).await?;
    let departments = [&sales, &emea, &americas, &engineering, &platform, &support, &finance, &management];

    let member = |first: &str, last: &str, phone: String, dept: &str, role: Role, status: AccountStatus| NewMember {
        organisation_id: org.clone(),
        department_id: Some(dept.to_owned()),
        first_name: first.to_owned(),
        last_name: last.to_owned(),
        email: Some(format!("{}.{}@northwind.example", ascii(first), ascii(last))),
        phone,
        role,
        status,
    };
    // The admins start pending, so their first login walks through the first-login steps.
    provisioning::add_member(
        db,
        code_key,
        member("Alice", "Martin", ADMIN_PHONE.into(), &management, Role::CompanyAdmin, AccountStatus::Pending),
        now,
    )
    .await?;
    provisioning::add_member(
        db,
        code_key,
        member("Bob", "Chen", DEPARTMENT_ADMIN_PHONE.into(), &sales, Role::DepartmentAdmin, AccountStatus::Pending),
        now,
    )
    .await?;
    for i in 0..48usize {
        let (first, last) = (FIRST[i % FIRST.len()], LAST[(i * 7 + i / FIRST.len()) % LAST.len()]);
        let phone = format!("+1201555{:04}", 102 + i);
        let dept = departments[i % departments.len()];
        provisioning::add_member(
            db,
            code_key,
            member(first, last, phone, dept, Role::Member, AccountStatus::Active),
            now,
        )
        .await?;
    }
    sqlx::query("UPDATE accounts SET may_invite_guests = 1 WHERE organisation_id = $1 AND role <> 'member'")
        .bind(&org)
        .execute(db)
        .await?;
    Ok(org)
}

/// A name as it may appear in an e-mail address.
fn ascii(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'é' => 'e',
            'ë' => 'e',
            'á' => 'a',
            'í' => 'i',
            _ => c,
        })
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_lowercase()
}
