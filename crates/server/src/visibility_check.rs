//! "Why does X see Y?" for admins (SPEC §11.1): the accounts an admin may pick, and the
//! visibility rule's own answer for two of them, with the same ties the contacts sync uses
//! (`AccountRow::ties_to` over `conversations::shared_with`), so it never disagrees with what
//! the viewer is shown.

use crate::accounts::{name_or_phone, AccountRow, SELECT_ACCOUNT};
use crate::db::{escape_like, Db};
use crate::error::AppResult;
use crate::guests::Scope;
use parley_core::admin::{phone_digits, query_words, search_term};
use parley_core::visibility::explain::{AccountPick, VisibilityAnswer, ACCOUNT_PICKS_MAX, CONVERSATIONS_NAMED_MAX};
use parley_core::visibility::{explain_in_contacts, sees_in_conversation};

/// An account as the admin's picker shows it.
pub fn pick(row: &AccountRow) -> AccountPick {
    AccountPick {
        id: row.id.clone(),
        name: name_or_phone(&row.first_name, &row.last_name, &row.phone),
        phone_display: parley_core::PhoneNumber::display(&row.phone),
        kind: row.kind(),
        status: row.status(),
        department_name: row.department_name.clone(),
        // Said only where an admin picks a sponsor (`account_picks`), nowhere else.
        may_sponsor: false,
    }
}

/// Live accounts (members and guests) of the admin's organisation within `scope` whose first or
/// last name starts with each typed word, or whose number holds the typed digits; at most
/// [`ACCOUNT_PICKS_MAX`], by last name. Nothing under two characters.
pub async fn picks(db: &Db, organisation_id: &str, scope: &Scope, search: &str) -> AppResult<Vec<AccountPick>> {
    let Some(term) = search_term(search) else { return Ok(Vec::new()) };
    let words = query_words(&term).unwrap_or_default();
    if words.is_empty() {
        return Ok(Vec::new());
    }
    let mut params = vec![organisation_id.to_owned()];
    let mut sql = format!("{SELECT_ACCOUNT} WHERE a.organisation_id = $1 AND a.status <> 'deleted'");
    if let Some(digits) = phone_digits(&term) {
        params.push(format!("%{digits}%"));
        sql.push_str(&format!(" AND a.phone LIKE ${}", params.len()));
    } else {
        for word in words.iter().take(8) {
            params.push(format!("{}%", escape_like(word)));
            let n = params.len();
            sql.push_str(&format!(
                " AND (LOWER(a.first_name) LIKE ${n} ESCAPE '\\' OR LOWER(a.last_name) LIKE ${n} ESCAPE '\\')"
            ));
        }
    }
    if let Scope::Departments(ids) = scope {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let first = params.len() + 1;
        params.extend(ids.iter().cloned());
        let marks: Vec<String> = (first..first + ids.len()).map(|n| format!("${n}")).collect();
        sql.push_str(&format!(" AND a.department_id IN ({})", marks.join(", ")));
    }
    sql.push_str(&format!(" ORDER BY LOWER(a.last_name), LOWER(a.first_name), a.id LIMIT {ACCOUNT_PICKS_MAX}"));
    let mut query = sqlx::query_as::<_, AccountRow>(&sql);
    for p in &params {
        query = query.bind(p.as_str());
    }
    let with_right = |row: &AccountRow| AccountPick {
        may_sponsor: parley_core::sponsor::may_sponsor(&row.candidate()),
        ..pick(row)
    };
    Ok(query.fetch_all(db).await?.iter().map(with_right).collect())
}

/// Whether `viewer` sees `target`, and the rule's reason, with the open conversations both are in.
pub async fn explain(db: &Db, viewer: &AccountRow, target: &AccountRow) -> AppResult<VisibilityAnswer> {
    let shared = crate::conversations::shared_with(db, &viewer.id).await?;
    let ties = viewer.ties_to(target, &shared);
    let reason = explain_in_contacts(viewer.party(), target.party(), ties);
    let (names, count) =
        if reason.names_conversations() { shared_conversations(db, viewer, target).await? } else { (Vec::new(), 0) };
    let (v, t) = (pick(viewer), pick(target));
    Ok(VisibilityAnswer {
        sentence: reason.sentence(&v.name, &t.name, &names, count),
        sees_in_contacts: reason.sees(),
        sees_in_conversation: sees_in_conversation(viewer.party(), target.party(), ties),
        viewer: v,
        target: t,
        reason,
        shared_conversations: names,
        shared_conversation_count: u32::try_from(count).unwrap_or(u32::MAX),
    })
}

/// The open conversations (not the ALL group, as `conversations::shared_with` counts them) both
/// accounts are in: the names of the first few (an unnamed one by its members' first names) and
/// how many in all.
async fn shared_conversations(db: &Db, a: &AccountRow, b: &AccountRow) -> AppResult<(Vec<String>, usize)> {
    let rows: Vec<(String, Option<String>)> = sqlx::query_as(
        "SELECT c.id, c.name FROM conversations c \
         JOIN conversation_members x ON x.conversation_id = c.id AND x.account_id = $1 \
         JOIN conversation_members y ON y.conversation_id = c.id AND y.account_id = $2 \
         WHERE c.closed_at IS NULL AND c.org_wide = 0 ORDER BY c.created_at, c.id",
    )
    .bind(&a.id)
    .bind(&b.id)
    .fetch_all(db)
    .await?;
    let mut names = Vec::new();
    for (id, name) in rows.iter().take(CONVERSATIONS_NAMED_MAX) {
        names.push(match name {
            Some(name) => name.clone(),
            None => member_first_names(db, id).await?,
        });
    }
    Ok((names, rows.len()))
}

/// An unnamed conversation as someone outside it reads it: the first names of its first
/// members, never a guest's (a department admin may not see every guest).
async fn member_first_names(db: &Db, conversation_id: &str) -> AppResult<String> {
    let mut conn = db.acquire().await?;
    Ok(crate::conversations::first_member_names(&mut conn, conversation_id, 4).await?.join(", "))
}
