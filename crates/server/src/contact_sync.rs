//! Contact sync by delta (SPEC §11), filtered through the visibility rule (SPEC §5).
//!
//! Every change to an account stamps it with the next value of one change sequence. A delta
//! is every account stamped after the cursor: the visible ones are sent; those the viewer was
//! shown and no longer sees (deleted, or a tie ended) are listed as removed — and only those:
//! an account the viewer never saw is never named. A cursor the server does not know (or
//! none) gets a full list. Which tied contacts (a guest and the member who invited them or
//! shares a conversation with them) a viewer was shown is kept in `contacts_shown`; members
//! always see members.

use crate::accounts::AccountRow;
use crate::db::{current_change_seq, Db};
use crate::error::AppResult;
use parley_core::role::AccountKind;
use parley_core::visibility::sees_in_contacts;
use parley_core::wire::ContactsDelta;
use std::collections::HashSet;

const CURSOR_PREFIX: &str = "c1.";

/// What a delta reads of each account: only what the visibility rule and a contact need — no
/// organisation name, no join (department names come from [`department_names`]). Read
/// 100,000 times for a first sync, each column counts.
const SELECT_CONTACT: &str = "SELECT a.id, a.organisation_id, '' AS organisation_name, a.department_id, \
    '' AS department_name, a.kind, a.role, a.status, a.first_name, a.last_name, a.phone, a.email, a.invited_by, \
    0 AS may_invite_guests, a.change_seq, 0 AS scope_seq FROM accounts a";

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

/// Whether `viewer` seeing `target` rests on a tie rather than on both being members.
fn tied(viewer: &AccountRow, target: &AccountRow) -> bool {
    viewer.kind() == AccountKind::Guest || target.kind() == AccountKind::Guest
}

/// The delta for `viewer` since `cursor` (a full list without one, or with one the server no
/// longer knows).
pub async fn delta(db: &Db, viewer: &AccountRow, cursor: Option<&str>) -> AppResult<ContactsDelta> {
    let current = current_change_seq(db).await?;
    // A viewer whose own scope changed after the cursor (incorporated) gets a full list.
    let since = cursor.and_then(|c| decode_cursor(c, current)).filter(|&seq| viewer.scope_seq <= seq);
    let mut rows: Vec<AccountRow> = match since {
        Some(seq) => {
            sqlx::query_as(&format!(
                "{SELECT_CONTACT} WHERE a.organisation_id = $1 AND a.change_seq > $2 AND a.change_seq <= $3 ORDER BY a.change_seq"
            ))
            .bind(&viewer.organisation_id)
            .bind(seq)
            .bind(current)
            .fetch_all(db)
            .await?
        }
        None => {
            sqlx::query_as(&format!(
                "{SELECT_CONTACT} WHERE a.organisation_id = $1 AND a.status <> 'deleted' AND a.change_seq <= $2"
            ))
            .bind(&viewer.organisation_id)
            .bind(current)
            .fetch_all(db)
            .await?
        }
    };
    let departments = department_names(db, &viewer.organisation_id).await?;
    for row in &mut rows {
        if let Some(name) = departments.get(&row.department_id) {
            row.department_name.clone_from(name);
        }
    }
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
        full_resync: since.is_none(),
    };
    let (mut now_shown, mut now_hidden) = (Vec::new(), Vec::new());
    for row in rows.iter().filter(|r| r.id != viewer.id) {
        if sees_in_contacts(viewer.party(), row.party(), viewer.ties_to(row, &shared)) {
            delta.contacts.push(row.to_synced_contact());
            if tied(viewer, row) && !shown.contains(&row.id) {
                now_shown.push(row.id.as_str());
            }
        } else if shown.contains(&row.id) {
            now_hidden.push(row.id.as_str());
        } else if since.is_some() && row.kind() == AccountKind::Member && viewer.kind() == AccountKind::Member {
            // A member always saw a member: one deleted is removed.
            delta.removed.push(row.id.clone());
        }
    }
    if since.is_some() {
        delta.removed.extend(now_hidden.iter().map(|id| (*id).to_owned()));
    } else {
        // A full list replaces what the viewer holds: a tie shown before and not listed now
        // is gone for it too.
        let listed: HashSet<&str> = delta.contacts.iter().map(|c| c.id.as_str()).collect();
        now_hidden.extend(shown.iter().map(String::as_str).filter(|id| !listed.contains(id)));
        now_hidden.sort_unstable();
        now_hidden.dedup();
    }
    remember(db, &viewer.id, &now_shown, &now_hidden).await?;
    Ok(delta)
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
}
