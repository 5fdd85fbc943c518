//! Contact sync by delta (SPEC §11), filtered through the visibility rule (SPEC §5).
//!
//! Every change to an account stamps it with the next value of one change sequence. A delta
//! is every account stamped after the cursor: the visible ones are sent; those the viewer was
//! shown and no longer sees (deleted, or a tie ended) are listed as removed — and only those:
//! an account the viewer never saw is never named. A cursor the server does not know (or
//! none) gets a full list, in pages of [`ACCOUNTS_PER_PAGE`] accounts read in the order of
//! their ids, all as of the moment of the first page; the database hands each page over as
//! one JSON text ([`read_page`]). Which tied contacts (a guest and the member who invited them
//! or shares a conversation with them) a viewer was shown is kept in `contacts_shown`; members
//! always see members.

use crate::accounts::AccountRow;
use crate::db::{current_change_seq, Backend, Db};
use crate::error::{AppError, AppResult};
use parley_core::role::AccountKind;
use parley_core::visibility::sees_in_contacts;
use parley_core::wire::{ContactsDelta, ListPage};
use parley_core::ErrorCode;
use serde::Deserialize;
use std::collections::HashSet;

const CURSOR_PREFIX: &str = "c1.";

/// What a delta reads of each account: only what the visibility rule and a contact need — no
/// organisation name, no join (department names come from [`department_names`]). Read
/// 100,000 times for a first sync, each column counts.
const SELECT_CONTACT: &str = "SELECT a.id, a.organisation_id, '' AS organisation_name, a.department_id, \
    '' AS department_name, a.kind, a.role, a.status, a.first_name, a.last_name, a.phone, a.email, a.invited_by, \
    0 AS may_invite_guests, a.change_seq, 0 AS scope_seq, a.sponsor_id, \
    a.confirmation_asked_at, a.access_ends_at, a.access_ended_at FROM accounts a";

/// The organisation's department names by id.
async fn department_names(db: &Db, organisation_id: &str) -> sqlx::Result<std::collections::HashMap<String, String>> {
    let rows: Vec<(String, String)> = sqlx::query_as("SELECT id, name FROM departments WHERE organisation_id = $1")
        .bind(organisation_id)
        .fetch_all(db)
        .await?;
    Ok(rows.into_iter().collect())
}

pub fn encode_cursor(seq: i64) -> String {
    format!("{CURSOR_PREFIX}{seq}")
}

fn decode_cursor(s: &str, current: i64) -> Option<i64> {
    let seq: i64 = s.strip_prefix(CURSOR_PREFIX)?.parse().ok()?;
    (0..=current).contains(&seq).then_some(seq)
}

const PAGE_PREFIX: &str = "p1.";
/// Accounts read for one page of a whole list: at 100,000 contacts the client writes one page
/// to its cache while the server reads the next.
pub const ACCOUNTS_PER_PAGE: usize = 10_000;
/// Longer than any account id (a UUID is 36 characters).
const MAX_ID_LEN: usize = 64;

/// Where the next page of a whole list starts: the list's moment (a change sequence value),
/// how many accounts it counts and has read, and the last id read.
#[derive(Debug, PartialEq, Eq)]
struct PageToken {
    snapshot: i64,
    total: u32,
    read: u32,
    after: String,
}

fn encode_page(p: &PageToken) -> String {
    format!("{PAGE_PREFIX}{}.{}.{}.{}", p.snapshot, p.total, p.read, p.after)
}

fn decode_page(s: &str, current: i64) -> Option<PageToken> {
    let mut parts = s.strip_prefix(PAGE_PREFIX)?.splitn(4, '.');
    let snapshot: i64 = parts.next()?.parse().ok()?;
    let total: u32 = parts.next()?.parse().ok()?;
    let read: u32 = parts.next()?.parse().ok()?;
    let after = parts.next()?;
    let fits = (0..=current).contains(&snapshot) && read <= total && !after.is_empty() && after.len() <= MAX_ID_LEN;
    fits.then(|| PageToken { snapshot, total, read, after: after.to_owned() })
}

/// Whether `viewer` seeing `target` rests on a tie rather than on both being members.
fn tied(viewer: &AccountRow, target: &AccountRow) -> bool {
    viewer.kind() == AccountKind::Guest || target.kind() == AccountKind::Guest
}

/// Gives each row its department's name.
async fn name_departments(db: &Db, organisation_id: &str, rows: &mut [AccountRow]) -> sqlx::Result<()> {
    let departments = department_names(db, organisation_id).await?;
    for row in rows {
        if let Some(name) = departments.get(&row.department_id) {
            row.department_name.clone_from(name);
        }
    }
    Ok(())
}

/// The delta for `viewer` since `cursor`, or a page of the whole list: the first without a
/// cursor (or with one the server no longer knows), the next with `page`.
pub async fn delta(
    db: &Db,
    backend: Backend,
    viewer: &AccountRow,
    cursor: Option<&str>,
    page: Option<&str>,
) -> AppResult<ContactsDelta> {
    let current = current_change_seq(db).await?;
    if let Some(token) = page {
        let at = decode_page(token, current).ok_or_else(|| {
            AppError::with_message(
                ErrorCode::InvalidRequest,
                "This page of the contact list is not one the server gave. Ask for the list again without it.",
            )
        })?;
        return list_page(db, backend, viewer, at).await;
    }
    // A viewer whose own scope changed after the cursor (incorporated) gets a whole list.
    match cursor.and_then(|c| decode_cursor(c, current)).filter(|&seq| viewer.scope_seq <= seq) {
        Some(seq) => changes_since(db, viewer, seq, current).await,
        None => {
            let total: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM accounts WHERE organisation_id = $1 AND status <> 'deleted' AND change_seq <= $2",
            )
            .bind(&viewer.organisation_id)
            .bind(current)
            .fetch_one(db)
            .await?;
            let total = u32::try_from(total).unwrap_or(u32::MAX);
            list_page(db, backend, viewer, PageToken { snapshot: current, total, read: 0, after: String::new() }).await
        }
    }
}

/// Every account stamped after `seq`: the visible ones sent, those shown before and no longer
/// visible removed.
async fn changes_since(db: &Db, viewer: &AccountRow, seq: i64, current: i64) -> AppResult<ContactsDelta> {
    let mut rows: Vec<AccountRow> = sqlx::query_as(&format!(
        "{SELECT_CONTACT} WHERE a.organisation_id = $1 AND a.change_seq > $2 AND a.change_seq <= $3 ORDER BY a.change_seq"
    ))
    .bind(&viewer.organisation_id)
    .bind(seq)
    .bind(current)
    .fetch_all(db)
    .await?;
    name_departments(db, &viewer.organisation_id, &mut rows).await?;
    let shown: HashSet<String> = sqlx::query_scalar("SELECT account_id FROM contacts_shown WHERE viewer_id = $1")
        .bind(&viewer.id)
        .fetch_all(db)
        .await?
        .into_iter()
        .collect();
    let shared = crate::conversations::shared_with(db, &viewer.id).await?;
    let mut delta = ContactsDelta {
        contacts: Vec::new(),
        removed: Vec::new(),
        cursor: encode_cursor(current),
        full_resync: false,
        page: None,
    };
    let (mut now_shown, mut now_hidden) = (Vec::new(), Vec::new());
    for row in rows.iter().filter(|r| r.id != viewer.id) {
        if sees_in_contacts(viewer.party(), row.party(), viewer.ties_to(row, &shared)) {
            delta.contacts.push(row.to_contact_for(viewer));
            if tied(viewer, row) && !shown.contains(&row.id) {
                now_shown.push(row.id.as_str());
            }
        } else if shown.contains(&row.id) {
            now_hidden.push(row.id.as_str());
        } else if row.kind() == AccountKind::Member && viewer.kind() == AccountKind::Member {
            // A member always saw a member: one deleted is removed.
            delta.removed.push(row.id.clone());
        }
    }
    delta.removed.extend(now_hidden.iter().map(|id| (*id).to_owned()));
    remember(db, &viewer.id, &now_shown, &now_hidden).await?;
    Ok(delta)
}

/// One page of the whole list as of `at.snapshot`: the accounts after `at.after` in the order
/// of their ids. A whole list replaces what the viewer holds, so a tie shown before whose id
/// falls in this page's range of ids (the last page's reaches to the end) and is not listed
/// now is gone for it too.
async fn list_page(db: &Db, backend: Backend, viewer: &AccountRow, at: PageToken) -> AppResult<ContactsDelta> {
    let mut rows = read_page(db, backend, &viewer.organisation_id, &at).await?;
    let more = rows.len() > ACCOUNTS_PER_PAGE;
    rows.truncate(ACCOUNTS_PER_PAGE);
    name_departments(db, &viewer.organisation_id, &mut rows).await?;
    // The range is compared by the database, in the order it gave the page in.
    let last = rows.last().map(|r| r.id.clone()).filter(|_| more);
    let shown_in_range = match &last {
        Some(last) => sqlx::query_scalar::<_, String>(
            "SELECT account_id FROM contacts_shown WHERE viewer_id = $1 AND account_id > $2 AND account_id <= $3",
        )
        .bind(&viewer.id)
        .bind(&at.after)
        .bind(last),
        None => sqlx::query_scalar::<_, String>(
            "SELECT account_id FROM contacts_shown WHERE viewer_id = $1 AND account_id > $2",
        )
        .bind(&viewer.id)
        .bind(&at.after),
    };
    let shown: HashSet<String> = shown_in_range.fetch_all(db).await?.into_iter().collect();
    let shared = crate::conversations::shared_with(db, &viewer.id).await?;
    let read = at.read.saturating_add(u32::try_from(rows.len()).unwrap_or(u32::MAX));
    let total = at.total.max(read);
    let next = last.map(|after| encode_page(&PageToken { snapshot: at.snapshot, total, read, after }));
    let mut delta = ContactsDelta {
        contacts: Vec::new(),
        removed: Vec::new(),
        cursor: encode_cursor(at.snapshot),
        full_resync: true,
        page: Some(ListPage { next, read, total }),
    };
    let mut now_shown = Vec::new();
    let mut listed = HashSet::new();
    for row in rows.iter().filter(|r| r.id != viewer.id) {
        if sees_in_contacts(viewer.party(), row.party(), viewer.ties_to(row, &shared)) {
            delta.contacts.push(row.to_contact_for(viewer));
            listed.insert(row.id.as_str());
            if tied(viewer, row) && !shown.contains(&row.id) {
                now_shown.push(row.id.as_str());
            }
        }
    }
    let mut now_hidden: Vec<&str> = shown.iter().map(String::as_str).filter(|id| !listed.contains(id)).collect();
    now_hidden.sort_unstable();
    remember(db, &viewer.id, &now_shown, &now_hidden).await?;
    Ok(delta)
}

/// An account of a page as [`read_page`] reads it: the columns of [`SELECT_CONTACT`] that are
/// not constants. The database writes each as a JSON array of [`LISTED_COLUMNS`], which serde
/// reads into these fields in their order.
#[derive(Deserialize)]
struct ListedAccount {
    id: String,
    organisation_id: String,
    department_id: String,
    kind: String,
    role: String,
    status: String,
    first_name: String,
    last_name: String,
    phone: String,
    email: Option<String>,
    invited_by: Option<String>,
    change_seq: i64,
    sponsor_id: Option<String>,
    access_ends_at: Option<i64>,
    access_ended_at: Option<i64>,
}

/// The fields of [`ListedAccount`], in their order.
const LISTED_COLUMNS: &str =
    "id, organisation_id, department_id, kind, role, status, first_name, last_name, phone, email, invited_by, change_seq, \
     sponsor_id, access_ends_at, access_ended_at";

impl From<ListedAccount> for AccountRow {
    fn from(a: ListedAccount) -> Self {
        AccountRow {
            id: a.id,
            organisation_id: a.organisation_id,
            organisation_name: String::new(),
            department_id: a.department_id,
            department_name: String::new(),
            kind: a.kind,
            role: a.role,
            status: a.status,
            first_name: a.first_name,
            last_name: a.last_name,
            phone: a.phone,
            email: a.email,
            invited_by: a.invited_by,
            may_invite_guests: 0,
            change_seq: a.change_seq,
            scope_seq: 0,
            sponsor_id: a.sponsor_id,
            // Contacts do not show it.
            confirmation_asked_at: None,
            access_ends_at: a.access_ends_at,
            access_ended_at: a.access_ended_at,
        }
    }
}

/// Up to [`ACCOUNTS_PER_PAGE`] + 1 accounts after `at.after` as of `at.snapshot`, in the order
/// of their ids. The database builds the page as one JSON text (an array of arrays, in id
/// order) instead of handing over 10,000 rows: read row by row through sqlx's `Any` driver
/// (each value copied twice, each SQLite row passed between threads) a page of 10,000 took
/// 80–220 ms on SQLite, as one text 28–62 ms (`first_sync_bench`, 100,000 contacts).
async fn read_page(db: &Db, backend: Backend, organisation_id: &str, at: &PageToken) -> sqlx::Result<Vec<AccountRow>> {
    let (aggregate, array) = match backend {
        Backend::Sqlite => ("json_group_array", "json_array"),
        Backend::Postgres => ("json_agg", "json_build_array"),
    };
    let page: Option<String> = sqlx::query_scalar(&format!(
        "SELECT CAST({aggregate}({array}({LISTED_COLUMNS}) ORDER BY id) AS TEXT) FROM \
         (SELECT {LISTED_COLUMNS} FROM accounts WHERE organisation_id = $1 AND status <> 'deleted' \
          AND change_seq <= $2 AND id > $3 ORDER BY id LIMIT $4) AS page"
    ))
    .bind(organisation_id)
    .bind(at.snapshot)
    .bind(&at.after)
    .bind(ACCOUNTS_PER_PAGE as i64 + 1)
    .fetch_one(db)
    .await?;
    let listed: Vec<ListedAccount> = match page.as_deref() {
        None | Some("") => Vec::new(),
        Some(json) => serde_json::from_str(json).map_err(|e| sqlx::Error::Decode(Box::new(e)))?,
    };
    Ok(listed.into_iter().map(AccountRow::from).collect())
}

/// Records which tied contacts the viewer now holds.
async fn remember(db: &Db, viewer_id: &str, shown: &[&str], hidden: &[&str]) -> AppResult<()> {
    if shown.is_empty() && hidden.is_empty() {
        return Ok(());
    }
    let mut tx = crate::db::begin(db).await?;
    for id in shown {
        sqlx::query("INSERT INTO contacts_shown (viewer_id, account_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
            .bind(viewer_id)
            .bind(id)
            .execute(&mut *tx)
            .await?;
    }
    for id in hidden {
        sqlx::query("DELETE FROM contacts_shown WHERE viewer_id = $1 AND account_id = $2")
            .bind(viewer_id)
            .bind(id)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursor_roundtrip_and_unknown_cursors() {
        assert_eq!(decode_cursor(&encode_cursor(5), 10), Some(5));
        assert_eq!(decode_cursor(&encode_cursor(11), 10), None, "from the future: unknown");
        assert_eq!(decode_cursor("garbage", 10), None);
        assert_eq!(decode_cursor("c1.-3", 10), None);
    }

    #[test]
    fn page_tokens_roundtrip_and_strange_ones_are_refused() {
        let at = PageToken { snapshot: 7, total: 100, read: 40, after: "0b6c-x.y".into() };
        assert_eq!(decode_page(&encode_page(&at), 10), Some(at), "an id may hold dots");
        for bad in ["", "p1.", "p1.7.100.40.", "p1.11.100.40.a", "p1.7.10.40.a", "p1.-1.1.1.a", "c1.7", "p1.x.1.1.a"] {
            assert_eq!(decode_page(bad, 10), None, "{bad}");
        }
        assert_eq!(decode_page(&format!("p1.7.1.1.{}", "a".repeat(MAX_ID_LEN + 1)), 10), None, "too long an id");
    }
}
