//! Running a group (SPEC §10): its admins add and remove members, promote other admins and
//! rename it; anyone may leave. Arrivals and departures are written into the conversation as
//! notices; everyone in it is stamped so who loses their last shared conversation with a guest
//! stops seeing them (SPEC §5). Each takes the caller's unit of work and the rights it checked.

use crate::accounts::AccountRow;
use crate::conversations::{self, ConversationRow, MemberRow};
use crate::error::{AppError, AppResult};
use crate::events::Event;
use crate::messages;
use crate::sharing::{self, Ending};
use crate::unit_of_work::UnitOfWork;
use parley_core::role::AccountKind;
use parley_core::wire::{Conversation, MessageKind};
use parley_core::ErrorCode;

/// "This conversation changed", for its members (and those who just left).
pub(super) fn changed(members: &[MemberRow], conversation_id: &str) -> Event {
    let ids: Vec<String> = members.iter().map(|m| m.account_id.clone()).collect();
    Event::ConversationChanged { recipient_ids: ids.into(), conversation_id: conversation_id.to_owned() }
}

/// "… joined the conversation." or "… left the conversation.", written as `who`.
async fn notice(
    work: &mut UnitOfWork,
    conversation_id: &str,
    who: &AccountRow,
    kind: MessageKind,
    now: i64,
) -> AppResult<String> {
    let name = format!("{} {}", who.first_name, who.last_name);
    Ok(messages::arrival_or_departure(work, conversation_id, &who.id, &name, kind, now).await?)
}

/// The members of `current` not yet in it, each once; refused when there is nobody new or the
/// group would pass its size limit.
pub fn newcomer_ids(current: &[MemberRow], mut requested: Vec<String>) -> AppResult<Vec<String>> {
    requested.retain(|a| !current.iter().any(|m| m.account_id == *a));
    requested.sort();
    requested.dedup();
    if requested.is_empty() {
        return Err(AppError::with_message(ErrorCode::InvalidRequest, "Choose at least one new member."));
    }
    if current.len() + requested.len() > conversations::MAX_MEMBERS {
        return Err(AppError::with_message(ErrorCode::InvalidRequest, "A conversation has at most 500 members."));
    }
    Ok(requested)
}

/// Adds `newcomers` (checked by the caller) with an arrival notice each.
pub async fn add(
    work: &mut UnitOfWork,
    me: &AccountRow,
    conversation_id: &str,
    newcomers: &[AccountRow],
    now: i64,
) -> AppResult<Conversation> {
    let mut notices = Vec::with_capacity(newcomers.len());
    for n in newcomers {
        conversations::add_member(work, conversation_id, &n.id, false, now).await?;
        notices.push(notice(work, conversation_id, n, MessageKind::Joined, now).await?);
    }
    for message_id in &notices {
        messages::announce(work, conversation_id, message_id).await?;
    }
    crate::contact_audience::conversation_ties_changed(work, conversation_id).await?;
    let everyone = conversations::member_ids(&mut **work, conversation_id).await?;
    work.publish(Event::ConversationChanged {
        recipient_ids: everyone.into(),
        conversation_id: conversation_id.to_owned(),
    });
    super::view::conversation_by_id(work, me, conversation_id).await
}

/// Takes `leaving` out of the group `row` (whose members were `members`), with a departure
/// notice. A group never stays without an admin: the longest-standing member takes over. The
/// owner leaving withdraws their invitations (SPEC §10.1) and hands the group to an admin, or
/// closes it when nobody is left.
pub async fn remove(
    work: &mut UnitOfWork,
    row: &ConversationRow,
    members: &[MemberRow],
    leaving: &AccountRow,
    now: i64,
) -> AppResult<()> {
    let id = row.id.as_str();
    // Stamp and tell everyone first (the one leaving included), then remove.
    crate::contact_audience::conversation_ties_changed(work, id).await?;
    sqlx::query("DELETE FROM conversation_members WHERE conversation_id = $1 AND account_id = $2")
        .bind(id)
        .bind(&leaving.id)
        .execute(&mut **work)
        .await?;
    let message_id = notice(work, id, leaving, MessageKind::Left, now).await?;
    let admins_left: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM conversation_members WHERE conversation_id = $1 AND is_admin = 1")
            .bind(id)
            .fetch_one(&mut **work)
            .await?;
    // Heirs are members before guests, who run nothing (SPEC §10: `core::group_rights`).
    let remaining: Vec<&MemberRow> = members.iter().filter(|m| m.account_id != leaving.id).collect();
    let member = |m: &&&MemberRow| m.kind() == AccountKind::Member;
    if admins_left == 0 {
        if let Some(heir) = remaining.iter().find(member).or(remaining.first()) {
            make_admin(work, id, &heir.account_id).await?;
        }
    }
    if row.owner_id.as_deref() == Some(leaving.id.as_str()) {
        let heir = remaining.iter().filter(member).find(|m| m.admin()).or(remaining.iter().find(member));
        match heir.or(remaining.first()) {
            Some(heir) => make_owner(work, id, &heir.account_id).await?,
            None => {
                sqlx::query("UPDATE conversations SET closed_at = $1 WHERE id = $2")
                    .bind(now)
                    .bind(id)
                    .execute(&mut **work)
                    .await?;
            }
        }
        let withdrawn = sharing::end_all(work, id, Ending::Withdrawn, now).await?;
        if !withdrawn.is_empty() {
            sharing::announce(work, id, &withdrawn, &[&leaving.id]).await?;
        }
    }
    work.publish(changed(members, id));
    messages::announce(work, id, &message_id).await?;
    // A guest bound to its conversation ends with it, or once it left its last one (SPEC §11.1).
    crate::guest_ends::after_leaving(work, id, &leaving.id, now).await?;
    Ok(())
}

/// Makes `account_id`, a member, one of the group's admins.
pub async fn promote(
    work: &mut UnitOfWork,
    me: &AccountRow,
    row: &ConversationRow,
    members: &[MemberRow],
    account_id: &str,
) -> AppResult<Conversation> {
    make_admin(work, &row.id, account_id).await?;
    work.publish(changed(members, &row.id));
    super::view::conversation(work, me, row).await
}

/// Names the group, or with an empty name lets it be titled by its members.
pub async fn rename(
    work: &mut UnitOfWork,
    me: &AccountRow,
    conversation_id: &str,
    members: &[MemberRow],
    name: Option<String>,
) -> AppResult<Conversation> {
    sqlx::query("UPDATE conversations SET name = $1 WHERE id = $2")
        .bind(name)
        .bind(conversation_id)
        .execute(&mut **work)
        .await?;
    // The guests list shows and sorts on the group its guests were invited into.
    crate::guest_search::refresh(work, crate::guest_search::SearchKey::Conversation, conversation_id).await?;
    work.publish(changed(members, conversation_id));
    super::view::conversation_by_id(work, me, conversation_id).await
}

/// The longest name a group may have.
pub const NAME_MAX_CHARS: usize = 100;

/// A group's name as given: trimmed, one line, at most [`NAME_MAX_CHARS`] characters; `None`
/// when it shows nothing.
pub fn parse_name(name: &str) -> AppResult<Option<String>> {
    parley_core::text::optional_line(name, NAME_MAX_CHARS).map_err(|code| AppError::on_field(code, "name"))
}

async fn make_admin(conn: &mut sqlx::AnyConnection, id: &str, account_id: &str) -> sqlx::Result<()> {
    sqlx::query("UPDATE conversation_members SET is_admin = 1 WHERE conversation_id = $1 AND account_id = $2")
        .bind(id)
        .bind(account_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Makes `account_id` the owner (and an admin).
pub async fn make_owner(conn: &mut sqlx::AnyConnection, id: &str, account_id: &str) -> sqlx::Result<()> {
    sqlx::query("UPDATE conversations SET owner_id = $1 WHERE id = $2")
        .bind(account_id)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    make_admin(conn, id, account_id).await
}
