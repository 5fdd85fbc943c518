//! The guests an administrator manages (SPEC §8): the scope (a company admin: the whole
//! organisation; a department admin: the departments they administer and every sub-department),
//! and the guests list — counter, search, filter, sort and pages — in SQL, so it stays fast at
//! 100,000 guests.

use crate::accounts::AccountRow;
use crate::db::{Backend, Db};
use crate::error::{AppError, AppResult};
use crate::guest_search;
use parley_core::admin::{
    page_limit, query_words, search_matches, GuestRow, GuestSort, GuestStatusFilter, GuestsPage, GuestsQuery,
    SortDirection, MATCHES_COUNT_MAX,
};
use parley_core::role::AccountStatus;
use parley_core::ErrorCode;
use std::collections::HashMap;

/// Where an administrator's guest administration reaches: the core rule.
pub use parley_core::admin_scope::AdminScope as Scope;

/// The scope of `admin` (`core::admin_scope`); forbidden for anyone who is not an admin.
pub async fn scope_of(db: &Db, admin: &AccountRow) -> AppResult<Scope> {
    let managed: Vec<String> = sqlx::query_scalar("SELECT department_id FROM department_admins WHERE account_id = $1")
        .bind(&admin.id)
        .fetch_all(db)
        .await?;
    let tree: Vec<(String, Option<String>)> =
        sqlx::query_as("SELECT id, parent_id FROM departments WHERE organisation_id = $1")
            .bind(&admin.organisation_id)
            .fetch_all(db)
            .await?;
    Scope::of(admin.role(), &managed, &tree).ok_or_else(|| AppError::new(ErrorCode::Forbidden))
}

#[derive(sqlx::FromRow)]
struct Row {
    invitation_id: String,
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
    sponsor_id: Option<String>,
    sponsor_first: Option<String>,
    sponsor_last: Option<String>,
    sponsor_phone: Option<String>,
    confirmation_asked_at: Option<i64>,
    access_ends_at: Option<i64>,
    access_ended_at: Option<i64>,
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
            // As shown to others: an end counts once the server recorded it.
            access: parley_core::guest_access::guest_access(
                &parley_core::guest_access::Lifecycle {
                    kind: parley_core::role::AccountKind::Guest,
                    has_sponsor: r.sponsor_id.is_some(),
                    awaiting_confirmation: r.confirmation_asked_at.is_some(),
                    ends_at: r.access_ended_at,
                },
                i64::MAX,
            ),
            access_ends_at: r.access_ends_at,
            sponsor_name: r.sponsor_phone.as_deref().map(|phone| {
                crate::accounts::name_or_phone(
                    r.sponsor_first.as_deref().unwrap_or_default(),
                    r.sponsor_last.as_deref().unwrap_or_default(),
                    phone,
                )
            }),
            sponsor_id: r.sponsor_id,
        }
    }
}

const SELECT: &str = "SELECT i.id AS invitation_id, g.id, g.first_name, g.last_name, g.phone, g.email, g.status, \
    i.inviter_id, inv.first_name AS inviter_first, inv.last_name AS inviter_last, inv.phone AS inviter_phone, \
    i.created_at AS invited_at, i.department_id, d.name AS department_name, c.name AS group_name, i.reminders_sent, \
    g.sponsor_id, sp.first_name AS sponsor_first, sp.last_name AS sponsor_last, sp.phone AS sponsor_phone, \
    g.confirmation_asked_at, g.access_ends_at, g.access_ended_at";

/// An invitation with its guest, inviter, department and group.
const JOINS: &str = " FROM invitations i JOIN accounts g ON g.id = i.guest_id \
    JOIN accounts inv ON inv.id = i.inviter_id JOIN departments d ON d.id = i.department_id \
    LEFT JOIN conversations c ON c.id = i.conversation_id LEFT JOIN accounts sp ON sp.id = g.sponsor_id";

/// Guests of the list: invited (or joined with a key), still guests, not deleted.
const LISTED: &str = " WHERE i.organisation_id = $1 AND g.kind = 'guest' AND g.status <> 'deleted'";

/// The conditions of one admin's list, on `invitations` alone, with their text parameters
/// numbered in order. An invitation's status follows its guest: pending, accepted once
/// activated; incorporated, deleted and cancelled ones left the list.
#[derive(Clone)]
struct Filter {
    text: String,
    params: Vec<String>,
}

impl Filter {
    /// The guests `scope` reaches. `walk` marks a query that reads the list in a sort order:
    /// on SQLite the status test then stays off the indexes (`+`), so the planner walks the
    /// sort's index instead of sorting every guest of a status.
    fn listed(organisation_id: &str, scope: &Scope, backend: Backend, walk: bool) -> Self {
        let status = if walk && backend == Backend::Sqlite { "+i.status" } else { "i.status" };
        let mut f = Self {
            text: format!("i.organisation_id = $1 AND {status} IN ('pending', 'accepted')"),
            params: vec![organisation_id.to_owned()],
        };
        if let Scope::Departments(ids) = scope {
            if ids.is_empty() {
                f.text.push_str(" AND 1 = 0");
            } else {
                let marks: Vec<String> = ids.iter().map(|d| f.param(d.clone())).collect();
                f.text.push_str(&format!(" AND i.department_id IN ({})", marks.join(", ")));
            }
        }
        f
    }
    fn param(&mut self, value: String) -> String {
        self.params.push(value);
        format!("${}", self.params.len())
    }
    fn and(&mut self, condition: &str) {
        self.text.push_str(" AND ");
        self.text.push_str(condition);
    }
    fn status(&mut self, filter: GuestStatusFilter) {
        match filter {
            GuestStatusFilter::All => {}
            GuestStatusFilter::Pending => self.and("i.status = 'pending'"),
            GuestStatusFilter::Active => self.and("i.status = 'accepted'"),
        }
    }
    /// Only guests without a sponsor (few: read through their own partial index).
    fn without_sponsor(&mut self, only: bool) {
        if only {
            self.and(
                "i.guest_id IN (SELECT u.id FROM accounts u WHERE u.organisation_id = $1 \
                 AND u.kind = 'guest' AND u.sponsor_id IS NULL)",
            );
        }
    }
    /// Runs `sql` (written around this filter) with this filter's parameters.
    async fn fetch<T>(&self, db: &Db, sql: &str) -> sqlx::Result<Vec<T>>
    where
        T: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> + Send + Unpin,
    {
        let mut q = sqlx::query_as::<_, T>(sql);
        for p in &self.params {
            q = q.bind(p.as_str());
        }
        q.fetch_all(db).await
    }
    async fn count(&self, db: &Db, sql: &str) -> sqlx::Result<i64> {
        Ok(self.fetch::<(i64,)>(db, sql).await?.first().map_or(0, |(n,)| *n))
    }
    async fn ids(&self, db: &Db, sql: &str) -> sqlx::Result<Vec<String>> {
        Ok(self.fetch::<(String,)>(db, sql).await?.into_iter().map(|(id,)| id).collect())
    }
}

fn order_by(sort: GuestSort, direction: SortDirection) -> String {
    let d = match direction {
        SortDirection::Asc => "ASC",
        SortDirection::Desc => "DESC",
    };
    // Each matches one index of migration 0007, ties broken by invitation date, then id.
    let key = match sort {
        GuestSort::FirstName => "i.sort_first",
        GuestSort::LastName => "i.sort_last",
        GuestSort::UserId => "i.sort_user_id",
        GuestSort::InvitedBy => "i.sort_inviter",
        GuestSort::InvitedAt => return format!(" ORDER BY i.created_at {d}, i.id {d}"),
        GuestSort::Group => "i.sort_group",
        GuestSort::Status => "i.status",
    };
    format!(" ORDER BY {key} {d}, i.created_at {d}, i.id {d}")
}

/// The matches of an indexed search among `filter`'s guests, counted up to one past the cap.
async fn count_indexed(db: &Db, backend: Backend, filter: &Filter, query: &str) -> sqlx::Result<i64> {
    let mut f = filter.clone();
    let (from, matching) = guest_search::indexed(backend, &f.param(query.to_owned()));
    let limit = i64::from(MATCHES_COUNT_MAX) + 1;
    let sql = format!("SELECT COUNT(*) FROM (SELECT 1 FROM {from} WHERE {matching} AND {} LIMIT {limit}) x", f.text);
    f.count(db, &sql).await
}

/// One page of the guests list, with the counter and the number of matches.
pub async fn page(
    db: &Db,
    backend: Backend,
    organisation_id: &str,
    scope: &Scope,
    q: &GuestsQuery,
) -> AppResult<GuestsPage> {
    let listed = Filter::listed(organisation_id, scope, backend, false);
    let created = listed.count(db, &format!("SELECT COUNT(*) FROM invitations i WHERE {}", listed.text)).await?;
    let mut filtered = listed.clone();
    filtered.status(q.status);
    filtered.without_sponsor(q.without_sponsor);

    let limit = page_limit(q.limit);
    let order = order_by(q.sort, q.direction);
    let (total, total_is_lower_bound, ids) = match query_words(&q.search) {
        None => {
            let total = if q.status == GuestStatusFilter::All && !q.without_sponsor {
                created
            } else {
                filtered.count(db, &format!("SELECT COUNT(*) FROM invitations i WHERE {}", filtered.text)).await?
            };
            let mut rows = Filter::listed(organisation_id, scope, backend, true);
            rows.status(q.status);
            rows.without_sponsor(q.without_sponsor);
            let sql =
                format!("SELECT i.id FROM invitations i WHERE {}{order} LIMIT {limit} OFFSET {}", rows.text, q.offset);
            (total, false, rows.ids(db, &sql).await?)
        }
        Some(words) if words.is_empty() => (0, false, Vec::new()),
        Some(words) => {
            let query = guest_search::index_query(backend, &words);
            let search = Search {
                db,
                backend,
                organisation_id,
                scope,
                status: q.status,
                without_sponsor: q.without_sponsor,
                words: &words,
                query: &query,
                order: &order,
            };
            if count_indexed(db, backend, &filtered, &query).await? <= i64::from(MATCHES_COUNT_MAX) {
                // Narrow: every candidate the index gives, judged by the core's rule.
                let matched = search.indexed_matches().await?;
                (matched.len() as i64, false, page_of(matched, q.offset, limit))
            } else {
                let wanted = q.offset as usize + limit as usize;
                let matched = match search.walk(wanted).await? {
                    Some(matched) => matched,
                    // Sparse in this order: the candidates read and sorted after all.
                    None => search.indexed_matches().await?,
                };
                (i64::from(MATCHES_COUNT_MAX), true, page_of(matched, q.offset, limit))
            }
        }
    };
    Ok(GuestsPage {
        created: created as u32,
        total: total as u32,
        total_is_lower_bound,
        offset: q.offset,
        rows: details(db, &ids).await?,
    })
}

fn page_of(matched: Vec<String>, offset: u32, limit: u32) -> Vec<String> {
    matched.into_iter().skip(offset as usize).take(limit as usize).collect()
}

/// How many rows a broad search may read in list order, per match wanted (at least
/// [`WALK_MIN`]); a search whose matches sit far down this order is read through the index.
const WALK_PER_MATCH: usize = 10;
const WALK_MIN: usize = 2_500;

/// One search of one admin's list. The word index gives candidates; the core's rule
/// (`search_matches`) decides, so both ways of reading give the same guests.
struct Search<'a> {
    db: &'a Db,
    backend: Backend,
    organisation_id: &'a str,
    scope: &'a Scope,
    status: GuestStatusFilter,
    without_sponsor: bool,
    words: &'a [String],
    query: &'a str,
    order: &'a str,
}

impl Search<'_> {
    fn filter(&self, walk: bool) -> Filter {
        let mut f = Filter::listed(self.organisation_id, self.scope, self.backend, walk);
        f.status(self.status);
        f.without_sponsor(self.without_sponsor);
        f
    }

    /// Every match, in list order: the index's candidates, sorted by the database, judged here.
    async fn indexed_matches(&self) -> sqlx::Result<Vec<String>> {
        let mut f = self.filter(false);
        let (from, matching) = guest_search::indexed(self.backend, &f.param(self.query.to_owned()));
        f.and(&matching);
        let sql = format!("SELECT i.id, i.search_text FROM {from} WHERE {}{}", f.text, self.order);
        let rows = f.fetch::<(String, String)>(self.db, &sql).await?;
        Ok(rows.into_iter().filter(|(_, text)| search_matches(text, self.words)).map(|(id, _)| id).collect())
    }

    /// The first `wanted` matches of a broad search, reading the list in its order a chunk at
    /// a time, each chunk sized by the matches seen so far: its matches are usually dense, so
    /// the first pages come after a few hundred rows (where a planner guessing a rare match
    /// would read and sort every guest). `None` as soon as the matches seen say the rows
    /// allowed would not be enough.
    async fn walk(&self, wanted: usize) -> sqlx::Result<Option<Vec<String>>> {
        let f = self.filter(true);
        let most = WALK_MIN.max(wanted * WALK_PER_MATCH);
        let (mut matched, mut read, mut chunk) = (Vec::new(), 0usize, 500usize);
        loop {
            let sql = format!(
                "SELECT i.id, i.search_text FROM invitations i WHERE {}{} LIMIT {chunk} OFFSET {read}",
                f.text, self.order
            );
            let rows = f.fetch::<(String, String)>(self.db, &sql).await?;
            let n = rows.len();
            matched.extend(rows.into_iter().filter(|(_, text)| search_matches(text, self.words)).map(|(id, _)| id));
            read += n;
            if matched.len() >= wanted || n < chunk {
                return Ok(Some(matched));
            }
            // What is left to read at the density seen so far; too much: the index instead.
            let density = matched.len().max(1) as f64 / read as f64;
            let needed = ((wanted - matched.len()) as f64 / density * 1.25).ceil() as usize;
            if read + needed > most {
                return Ok(None);
            }
            chunk = needed.max(200);
        }
    }
}

/// The shown columns of the invitations `ids`, in that order.
async fn details(db: &Db, ids: &[String]) -> sqlx::Result<Vec<GuestRow>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    // By id alone: the ids come from the page's own query (an organisation condition here
    // would tempt SQLite to walk the organisation's index instead of the primary key).
    let marks: Vec<String> = (0..ids.len()).map(|n| format!("${}", n + 1)).collect();
    let sql = format!("{SELECT}{JOINS} WHERE i.id IN ({})", marks.join(", "));
    let mut query = sqlx::query_as::<_, Row>(&sql);
    for id in ids {
        query = query.bind(id.as_str());
    }
    let mut by_invitation: HashMap<String, GuestRow> = HashMap::new();
    for row in query.fetch_all(db).await? {
        let invitation = row.invitation_id.clone();
        by_invitation.insert(invitation, GuestRow::from(row));
    }
    Ok(ids.iter().filter_map(|id| by_invitation.remove(id)).collect())
}

/// One guest of the list by id, if it is in `scope`; `not_found` otherwise (a guest outside the
/// admin's reach is not even said to exist).
pub async fn in_scope<'e, E>(db: E, organisation_id: &str, scope: &Scope, guest_id: &str) -> AppResult<GuestRow>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let row: Option<Row> = sqlx::query_as(&format!("{SELECT}{JOINS}{LISTED} AND i.guest_id = $2"))
        .bind(organisation_id)
        .bind(guest_id)
        .fetch_optional(db)
        .await?;
    row.map(GuestRow::from)
        .filter(|g| scope.includes(&g.department_id))
        .ok_or_else(|| AppError::with_message(ErrorCode::NotFound, "No such guest."))
}
