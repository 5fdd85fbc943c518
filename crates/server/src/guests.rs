//! The guests an administrator manages (SPEC §8): the scope (a company admin: the whole
//! organisation; a department admin: the departments they administer and every sub-department),
//! and the guests list — counter, search, filter, sort and pages — in SQL, so it stays fast at
//! 100,000 guests.

use crate::accounts::AccountRow;
use crate::db::{Backend, Db};
use crate::error::{AppError, AppResult};
use parley_core::admin::{
    page_limit, phone_digits, search_term, GuestRow, GuestSort, GuestStatusFilter, GuestsPage, GuestsQuery,
    SortDirection,
};
use parley_core::role::{AccountStatus, Role};
use parley_core::ErrorCode;
use std::collections::{HashMap, HashSet};

/// The searchable text of invitations, from the guest's and the inviter's current details (the
/// same expression as the backfill in migration 0005).
pub async fn refresh_search(conn: &mut sqlx::AnyConnection, column: SearchKey, account_id: &str) -> sqlx::Result<()> {
    let column = match column {
        SearchKey::Guest => "guest_id",
        SearchKey::Inviter => "inviter_id",
        SearchKey::Organisation => "organisation_id",
    };
    sqlx::query(&format!(
        "UPDATE invitations SET search_text = LOWER( \
           (SELECT g.first_name || ' ' || g.last_name || ' ' || g.last_name || ' ' || g.first_name || ' ' || REPLACE(g.phone, '+', '') \
            FROM accounts g WHERE g.id = invitations.guest_id) \
           || ' ' || (SELECT a.first_name || ' ' || a.last_name FROM accounts a WHERE a.id = invitations.inviter_id)) \
         WHERE {column} = $1"
    ))
    .bind(account_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Whose invitations [`refresh_search`] updates: the guest's own, every one an inviter sent,
/// or a whole organisation's (bulk imports).
#[derive(Debug, Clone, Copy)]
pub enum SearchKey {
    Guest,
    Inviter,
    Organisation,
}

/// Adds the substring index of the guests search, per database: an FTS5 trigram table kept by
/// triggers on SQLite, a pg_trgm GIN index on PostgreSQL. Without it the search still works, by
/// scanning.
pub async fn ensure_search_index(db: &Db, backend: Backend) -> anyhow::Result<()> {
    match backend {
        Backend::Sqlite => {
            let exists: Option<String> =
                sqlx::query_scalar("SELECT name FROM sqlite_master WHERE name = 'invitations_search'")
                    .fetch_optional(db)
                    .await?;
            if exists.is_some() {
                return Ok(());
            }
            let mut tx = db.begin().await?;
            for sql in [
                "CREATE VIRTUAL TABLE invitations_search USING fts5(search_text, content='invitations', content_rowid='rowid', tokenize='trigram')",
                "CREATE TRIGGER invitations_search_ai AFTER INSERT ON invitations BEGIN \
                 INSERT INTO invitations_search (rowid, search_text) VALUES (new.rowid, new.search_text); END",
                "CREATE TRIGGER invitations_search_ad AFTER DELETE ON invitations BEGIN \
                 INSERT INTO invitations_search (invitations_search, rowid, search_text) VALUES ('delete', old.rowid, old.search_text); END",
                "CREATE TRIGGER invitations_search_au AFTER UPDATE OF search_text ON invitations BEGIN \
                 INSERT INTO invitations_search (invitations_search, rowid, search_text) VALUES ('delete', old.rowid, old.search_text); \
                 INSERT INTO invitations_search (rowid, search_text) VALUES (new.rowid, new.search_text); END",
                "INSERT INTO invitations_search (invitations_search) VALUES ('rebuild')",
            ] {
                sqlx::query(sql).execute(&mut *tx).await?;
            }
            tx.commit().await?;
        }
        Backend::Postgres => {
            if let Err(e) = sqlx::query("CREATE EXTENSION IF NOT EXISTS pg_trgm").execute(db).await {
                tracing::warn!(error = %e, "pg_trgm is not available: the guests search scans");
                return Ok(());
            }
            sqlx::query("CREATE INDEX IF NOT EXISTS invitations_search_trgm ON invitations USING gin (search_text gin_trgm_ops)")
                .execute(db)
                .await?;
        }
    }
    Ok(())
}

/// Where an administrator's guest administration reaches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    Organisation,
    /// These departments (sub-departments included, already expanded).
    Departments(Vec<String>),
}

impl Scope {
    /// The scope of `admin`; `forbidden` for anyone who is not an admin.
    pub async fn of(db: &Db, admin: &AccountRow) -> AppResult<Self> {
        match admin.role() {
            Role::CompanyAdmin => Ok(Self::Organisation),
            Role::DepartmentAdmin => {
                let managed: Vec<String> =
                    sqlx::query_scalar("SELECT department_id FROM department_admins WHERE account_id = $1")
                        .bind(&admin.id)
                        .fetch_all(db)
                        .await?;
                let tree: Vec<(String, Option<String>)> =
                    sqlx::query_as("SELECT id, parent_id FROM departments WHERE organisation_id = $1")
                        .bind(&admin.organisation_id)
                        .fetch_all(db)
                        .await?;
                Ok(Self::Departments(with_descendants(&managed, &tree)))
            }
            _ => Err(AppError::new(ErrorCode::Forbidden)),
        }
    }

    pub fn includes(&self, department_id: &str) -> bool {
        match self {
            Self::Organisation => true,
            Self::Departments(ids) => ids.iter().any(|d| d == department_id),
        }
    }
}

/// `roots` and every department below them in `tree` (id, parent), in a stable order.
fn with_descendants(roots: &[String], tree: &[(String, Option<String>)]) -> Vec<String> {
    let mut children: HashMap<&str, Vec<&str>> = HashMap::new();
    for (id, parent) in tree {
        if let Some(p) = parent {
            children.entry(p.as_str()).or_default().push(id.as_str());
        }
    }
    let mut seen: HashSet<&str> = HashSet::new();
    let mut stack: Vec<&str> = roots.iter().map(String::as_str).collect();
    while let Some(d) = stack.pop() {
        if seen.insert(d) {
            stack.extend(children.get(d).into_iter().flatten());
        }
    }
    let mut out: Vec<String> = seen.into_iter().map(str::to_owned).collect();
    out.sort();
    out
}

#[derive(sqlx::FromRow)]
struct Row {
    id: String,
    first_name: String,
    last_name: String,
    phone: String,
    email: Option<String>,
    status: String,
    inviter_id: String,
    inviter_first: String,
    inviter_last: String,
    inviter_phone: String,
    invited_at: i64,
    department_id: String,
    department_name: String,
    group_name: Option<String>,
    reminders_sent: i64,
}

impl From<Row> for GuestRow {
    fn from(r: Row) -> Self {
        GuestRow {
            id: r.id,
            first_name: r.first_name,
            last_name: r.last_name,
            phone_display: parley_core::PhoneNumber::display(&r.phone),
            phone: r.phone,
            email: r.email,
            invited_by_id: r.inviter_id,
            invited_by_name: crate::accounts::name_or_phone(&r.inviter_first, &r.inviter_last, &r.inviter_phone),
            invited_at: r.invited_at,
            department_id: r.department_id,
            department_name: r.department_name,
            group_name: r.group_name.filter(|n| !n.is_empty()),
            status: AccountStatus::from_db(&r.status).unwrap_or(AccountStatus::Pending),
            reminders_sent: r.reminders_sent.clamp(0, i64::from(u32::MAX)) as u32,
        }
    }
}

const SELECT: &str = "SELECT g.id, g.first_name, g.last_name, g.phone, g.email, g.status, \
    i.inviter_id, inv.first_name AS inviter_first, inv.last_name AS inviter_last, inv.phone AS inviter_phone, \
    i.created_at AS invited_at, i.department_id, d.name AS department_name, c.name AS group_name, i.reminders_sent";

/// Guests of the list: invited (or joined with a key), still guests, not deleted.
const FROM: &str = " FROM invitations i JOIN accounts g ON g.id = i.guest_id \
    JOIN accounts inv ON inv.id = i.inviter_id JOIN departments d ON d.id = i.department_id \
    LEFT JOIN conversations c ON c.id = i.conversation_id \
    WHERE i.organisation_id = $1 AND g.kind = 'guest' AND g.status <> 'deleted'";

/// A query under construction: the SQL text and its text parameters, numbered in order.
struct Sql {
    text: String,
    params: Vec<String>,
    backend: Backend,
}

impl Sql {
    fn new(text: &str, organisation_id: &str, backend: Backend) -> Self {
        Self { text: text.to_owned(), params: vec![organisation_id.to_owned()], backend }
    }
    fn param(&mut self, value: String) -> String {
        self.params.push(value);
        format!("${}", self.params.len())
    }
    fn scope(&mut self, scope: &Scope) {
        if let Scope::Departments(ids) = scope {
            if ids.is_empty() {
                self.text.push_str(" AND 1 = 0");
                return;
            }
            let marks: Vec<String> = ids.iter().map(|d| self.param(d.clone())).collect();
            self.text.push_str(&format!(" AND i.department_id IN ({})", marks.join(", ")));
        }
    }
    /// The status filter and the search, on the invitation's own columns (its status follows
    /// the guest's: pending, or accepted once activated).
    fn filters(&mut self, q: &GuestsQuery) {
        match q.status {
            GuestStatusFilter::All => {}
            GuestStatusFilter::Pending => self.text.push_str(" AND i.status = 'pending'"),
            GuestStatusFilter::Active => self.text.push_str(" AND i.status = 'accepted'"),
        }
        let Some(term) = search_term(&q.search) else { return };
        let needle = phone_digits(&term).unwrap_or(term);
        let plain = !needle.contains(['%', '_', '\\']);
        let like = self.param(format!("%{}%", escape_like(&needle)));
        if self.backend == Backend::Sqlite && plain {
            // The FTS5 trigram index answers substring LIKE from three characters on.
            self.text.push_str(&format!(
                " AND i.rowid IN (SELECT rowid FROM invitations_search WHERE search_text LIKE {like})"
            ));
        } else {
            self.text.push_str(&format!(" AND i.search_text LIKE {like} ESCAPE '\\'"));
        }
    }
    fn bind_all<'q>(
        &'q self,
        mut q: sqlx::query::QueryAs<'q, sqlx::Any, Row, sqlx::any::AnyArguments<'q>>,
    ) -> sqlx::query::QueryAs<'q, sqlx::Any, Row, sqlx::any::AnyArguments<'q>> {
        for p in &self.params {
            q = q.bind(p.as_str());
        }
        q
    }
    async fn count(&self, db: &Db) -> sqlx::Result<i64> {
        let mut q = sqlx::query_scalar::<_, i64>(&self.text);
        for p in &self.params {
            q = q.bind(p.as_str());
        }
        q.fetch_one(db).await
    }
}

/// `term` for a `LIKE … ESCAPE '\\'` pattern: its `%`, `_` and `\\` match themselves.
pub(crate) fn escape_like(term: &str) -> String {
    term.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}

fn order_by(sort: GuestSort, direction: SortDirection) -> String {
    let dir = match direction {
        SortDirection::Asc => "ASC",
        SortDirection::Desc => "DESC",
    };
    let column = match sort {
        GuestSort::FirstName => "LOWER(g.first_name)",
        GuestSort::LastName => "LOWER(g.last_name)",
        GuestSort::UserId => "g.phone",
        GuestSort::InvitedBy => "LOWER(inv.last_name || ' ' || inv.first_name)",
        GuestSort::InvitedAt => "i.created_at",
        GuestSort::Group => "LOWER(COALESCE(c.name, d.name))",
        GuestSort::Status => "g.status",
    };
    format!(" ORDER BY {column} {dir}, i.created_at DESC, g.id")
}

/// The invitations whose guest is still on the list (pending or activated; incorporated,
/// deleted and cancelled ones left it): counted on `invitations` alone, with no join.
const COUNT: &str =
    "SELECT COUNT(*) FROM invitations i WHERE i.organisation_id = $1 AND i.status IN ('pending', 'accepted')";

/// One page of the guests list, with the counter and the number of matches.
pub async fn page(
    db: &Db,
    backend: Backend,
    organisation_id: &str,
    scope: &Scope,
    q: &GuestsQuery,
) -> AppResult<GuestsPage> {
    let mut created = Sql::new(COUNT, organisation_id, backend);
    created.scope(scope);
    let mut matching = Sql::new(COUNT, organisation_id, backend);
    matching.scope(scope);
    matching.filters(q);
    let mut rows = Sql::new(&format!("{SELECT}{FROM}"), organisation_id, backend);
    rows.scope(scope);
    rows.filters(q);
    let limit = page_limit(q.limit);
    rows.text.push_str(&order_by(q.sort, q.direction));
    rows.text.push_str(&format!(" LIMIT {limit} OFFSET {}", q.offset));

    let created_n = created.count(db).await?;
    let total = if search_term(&q.search).is_none() && q.status == GuestStatusFilter::All {
        created_n
    } else {
        matching.count(db).await?
    };
    let found: Vec<Row> = rows.bind_all(sqlx::query_as(&rows.text)).fetch_all(db).await?;
    Ok(GuestsPage {
        created: created_n as u32,
        total: total as u32,
        offset: q.offset,
        rows: found.into_iter().map(GuestRow::from).collect(),
    })
}

/// One guest of the list by id, if it is in `scope`; `not_found` otherwise (a guest outside the
/// admin's reach is not even said to exist).
pub async fn in_scope<'e, E>(db: E, organisation_id: &str, scope: &Scope, guest_id: &str) -> AppResult<GuestRow>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let row: Option<Row> = sqlx::query_as(&format!("{SELECT}{FROM} AND g.id = $2"))
        .bind(organisation_id)
        .bind(guest_id)
        .fetch_optional(db)
        .await?;
    row.map(GuestRow::from)
        .filter(|g| scope.includes(&g.department_id))
        .ok_or_else(|| AppError::with_message(ErrorCode::NotFound, "No such guest."))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scope_reaches_sub_departments_not_siblings() {
        let tree = vec![
            ("root".to_owned(), None),
            ("sales".to_owned(), Some("root".to_owned())),
            ("emea".to_owned(), Some("sales".to_owned())),
            ("paris".to_owned(), Some("emea".to_owned())),
            ("eng".to_owned(), Some("root".to_owned())),
        ];
        assert_eq!(with_descendants(&["sales".into()], &tree), vec!["emea", "paris", "sales"]);
        assert_eq!(with_descendants(&["eng".into()], &tree), vec!["eng"]);
        assert!(with_descendants(&[], &tree).is_empty());
    }

    #[test]
    fn like_wildcards_are_taken_literally() {
        assert_eq!(escape_like("50%_a\\"), "50\\%\\_a\\\\");
    }
}
