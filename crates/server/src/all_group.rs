//! The ALL group (SPEC §2): while the organisation shows it, one group conversation of every
//! member of the organisation. Guests are never in it, so its member count never counts them.
//! Turning the setting off closes it (hidden, history kept); turning it on again reopens it
//! with whoever is a member by then. Its members follow the organisation: a new member joins
//! it, an incorporated guest joins it; nobody adds, removes, leaves or shares it by hand.

use crate::conversations::{self, Kind};
use crate::db::new_id;
use crate::messages;
use parley_core::wire::MessageKind;

/// Its name in every list.
pub const NAME: &str = "All";

/// The organisation's ALL conversation, open or closed, if it was ever shown.
async fn find(conn: &mut sqlx::AnyConnection, organisation_id: &str) -> sqlx::Result<Option<(String, bool)>> {
    let row: Option<(String, Option<i64>)> =
        sqlx::query_as("SELECT id, closed_at FROM conversations WHERE organisation_id = $1 AND org_wide = 1")
            .bind(organisation_id)
            .fetch_optional(&mut *conn)
            .await?;
    Ok(row.map(|(id, closed_at)| (id, closed_at.is_none())))
}

/// The open ALL conversation of the organisation, if it is shown.
pub async fn open_id(conn: &mut sqlx::AnyConnection, organisation_id: &str) -> sqlx::Result<Option<String>> {
    Ok(find(conn, organisation_id).await?.filter(|(_, open)| *open).map(|(id, _)| id))
}

/// Applies the setting, inside the transaction that saves it (which holds the organisation's
/// row). On: the group exists, is open and holds every member (not deleted) — checked again on
/// every save; off: it is closed. Returns the group when this changed whether it is shown, so
/// its members can be told.
pub async fn apply(
    conn: &mut sqlx::AnyConnection,
    organisation_id: &str,
    shown: bool,
    admin_id: &str,
    now_ms: i64,
) -> sqlx::Result<Option<String>> {
    let existing = find(conn, organisation_id).await?;
    let mut changed = true;
    let id = match (existing, shown) {
        // Shown already: the members are checked again below (nothing is announced).
        (Some((id, true)), true) => {
            changed = false;
            id
        }
        (Some((_, false)), false) => return Ok(None),
        (Some((id, _)), false) => {
            sqlx::query("UPDATE conversations SET closed_at = $1 WHERE id = $2")
                .bind(now_ms)
                .bind(&id)
                .execute(&mut *conn)
                .await?;
            return Ok(Some(id));
        }
        (Some((id, _)), true) => {
            sqlx::query("UPDATE conversations SET closed_at = NULL WHERE id = $1")
                .bind(&id)
                .execute(&mut *conn)
                .await?;
            id
        }
        (None, false) => return Ok(None),
        (None, true) => {
            let id = new_id();
            sqlx::query(
                "INSERT INTO conversations (id, organisation_id, kind, name, created_by, created_at, org_wide) \
                 VALUES ($1, $2, $3, $4, $5, $6, 1)",
            )
            .bind(&id)
            .bind(organisation_id)
            .bind(Kind::Group.as_str())
            .bind(NAME)
            .bind(admin_id)
            .bind(now_ms)
            .execute(&mut *conn)
            .await?;
            id
        }
    };
    // Whoever became a member while it was hidden joins now (one statement, any size).
    sqlx::query(
        "INSERT INTO conversation_members (conversation_id, account_id, is_admin, joined_at) \
         SELECT $1, a.id, 0, $2 FROM accounts a WHERE a.organisation_id = $3 AND a.kind = 'member' \
         AND a.status <> 'deleted' \
         AND NOT EXISTS (SELECT 1 FROM conversation_members m WHERE m.conversation_id = $4 AND m.account_id = a.id)",
    )
    .bind(&id)
    .bind(now_ms)
    .bind(organisation_id)
    .bind(&id)
    .execute(&mut *conn)
    .await?;
    Ok(changed.then_some(id))
}

/// Someone who just became a member (provisioned, or a guest incorporated) joins the group if
/// it is shown. `announce` writes the arrival notice (an account that is not active yet gets
/// it when it activates). Returns the group and the notice, to publish after the commit.
pub async fn join(
    conn: &mut sqlx::AnyConnection,
    organisation_id: &str,
    account_id: &str,
    announce: Option<&str>,
    now_ms: i64,
) -> sqlx::Result<Option<(String, Option<String>)>> {
    // The organisation's row lock orders this against a settings save showing the group: the
    // one that commits second sees the other's work (PostgreSQL reads committed rows anew).
    sqlx::query("UPDATE organisations SET id = id WHERE id = $1").bind(organisation_id).execute(&mut *conn).await?;
    let Some(id) = open_id(conn, organisation_id).await? else { return Ok(None) };
    let already: Option<i64> =
        sqlx::query_scalar("SELECT 1 FROM conversation_members WHERE conversation_id = $1 AND account_id = $2")
            .bind(&id)
            .bind(account_id)
            .fetch_optional(&mut *conn)
            .await?;
    if already.is_some() {
        return Ok(None);
    }
    conversations::add_member(conn, &id, account_id, false, now_ms).await?;
    let notice = match announce {
        Some(name) => {
            Some(messages::arrival_or_departure(conn, &id, account_id, name, MessageKind::Joined, now_ms).await?)
        }
        None => None,
    };
    Ok(Some((id, notice)))
}
