//! Conversations and their invitations as a viewer reads them: members with receipts, the
//! viewer's unread counter and newest message (SPEC §10); the list in a constant number of
//! queries; an invitation titled without naming anyone the invitee may not see (SPEC §5).
//! Views answering a change are read inside its unit of work, before the commit, so a saved
//! change never fails on a read after it.

use crate::accounts::{self, AccountRow, MemberAccount};
use crate::conversations::{self, ConversationRow, Kind, MemberRow};
use crate::db::Db;
use crate::error::AppResult;
use crate::messages;
use crate::sharing::InvitationRow;
use parley_core::group_rights::{self, GroupActions};
use parley_core::wire::{Conversation, ConversationInvitation, ConversationKind, ConversationMember, Message};
use std::collections::HashMap;

/// A conversation as `me` sees it, read on `conn`.
pub async fn conversation(
    conn: &mut sqlx::AnyConnection,
    me: &AccountRow,
    row: &ConversationRow,
) -> AppResult<Conversation> {
    let mine = conversations::member(&mut *conn, &row.id, &me.id).await?;
    let listed = if row.org_wide() { conversations::ORG_WIDE_LISTED + 1 } else { i64::MAX };
    let members = accounts::in_conversation(&mut *conn, &row.id, listed).await?;
    let member_count = match row.org_wide() {
        true => Some(conversations::member_count(&mut *conn, &row.id).await?),
        false => None,
    };
    let last_message = match row.last_seq {
        0 => None,
        seq => messages::before(&mut *conn, &row.id, seq + 1, 1).await?.0.pop(),
    };
    Ok(assemble(me, row, mine.as_ref(), members, member_count, last_message))
}

/// The conversation `id` as `me` sees it, read on `conn` (after a change to it).
pub async fn conversation_by_id(conn: &mut sqlx::AnyConnection, me: &AccountRow, id: &str) -> AppResult<Conversation> {
    let row = conversations::by_id(&mut *conn, id)
        .await?
        .ok_or_else(|| crate::error::AppError::new(parley_core::ErrorCode::NotFound))?;
    conversation(conn, me, &row).await
}

/// Every conversation of the account, most recent activity first, in a constant number of
/// queries whatever their number and size: the rows with the viewer's membership, every
/// member of them (the ALL group's first ones and its count apart), and the newest messages.
pub async fn list(db: &Db, me: &AccountRow) -> AppResult<Vec<Conversation>> {
    let rows = conversations::of_account(db, &me.id).await?;
    let mut members: HashMap<String, Vec<MemberAccount>> = HashMap::new();
    for (conversation_id, member) in accounts::in_conversations_of(db, &me.id).await? {
        members.entry(conversation_id).or_default().push(member);
    }
    let mut newest: HashMap<String, Message> = messages::newest_of_conversations_of(db, &me.id)
        .await?
        .into_iter()
        .map(|m| (m.conversation_id.clone(), m))
        .collect();
    let mut out = Vec::with_capacity(rows.len());
    for (row, mine) in &rows {
        let (listed, count) = if row.org_wide() {
            let listed = accounts::in_conversation(db, &row.id, conversations::ORG_WIDE_LISTED + 1).await?;
            (listed, Some(conversations::member_count(db, &row.id).await?))
        } else {
            (members.remove(&row.id).unwrap_or_default(), None)
        };
        out.push(assemble(me, row, Some(mine), listed, count, newest.remove(&row.id)));
    }
    out.sort_by_key(|c| std::cmp::Reverse(c.last_message.as_ref().map_or(c.created_at, |m| m.created_at)));
    Ok(out)
}

/// A conversation view from what was read for it: its members in the order they joined (the
/// viewer among them or not; at most [`conversations::ORG_WIDE_LISTED`] others are listed for
/// the ALL group, whose `member_count` is given), the viewer's membership and the newest
/// message.
fn assemble(
    me: &AccountRow,
    row: &ConversationRow,
    mine: Option<&MemberRow>,
    members: Vec<MemberAccount>,
    member_count: Option<i64>,
    last_message: Option<Message>,
) -> Conversation {
    let (viewer_is_admin, read_seq, unread) = mine.map_or((false, 0, 0), |m| (m.admin(), m.read_seq, m.unread(row)));
    let viewer_is_owner = row.owner_id.as_deref() == Some(me.id.as_str());
    let kind = match Kind::from_db(&row.kind) {
        Some(Kind::Direct) => ConversationKind::Direct,
        Some(Kind::System) => ConversationKind::System,
        _ => ConversationKind::Group,
    };
    let actions = match mine {
        Some(_) => super::access::actions_of(me, row, viewer_is_admin),
        None => GroupActions::default(),
    };
    let listed = if row.org_wide() { conversations::ORG_WIDE_LISTED as usize } else { usize::MAX };
    let members: Vec<ConversationMember> = members
        .into_iter()
        .filter(|m| m.account.id != me.id)
        .take(listed)
        .map(|m| ConversationMember {
            actions: group_rights::member_actions(&actions, m.account.kind(), m.is_admin != 0),
            contact: m.account.to_contact(),
            is_admin: m.is_admin != 0,
            delivered_seq: m.delivered_seq,
            read_seq: m.read_seq,
        })
        .collect();
    let member_count = member_count.unwrap_or(members.len() as i64 + i64::from(mine.is_some()));
    let title = match (&row.name, kind) {
        (Some(name), _) => name.clone(),
        (None, ConversationKind::Direct) => {
            members.first().map(|m| format!("{} {}", m.contact.first_name, m.contact.last_name)).unwrap_or_default()
        }
        (None, ConversationKind::System) => messages::SYSTEM_SENDER.to_owned(),
        (None, ConversationKind::Group) => {
            let mut names: Vec<&str> = members.iter().map(|m| m.contact.first_name.as_str()).collect();
            names.insert(0, me.first_name.as_str());
            names.join(", ")
        }
    };
    Conversation {
        id: row.id.clone(),
        kind,
        title,
        members,
        viewer_is_admin,
        created_at: row.created_at,
        last_seq: row.last_seq,
        viewer_is_owner,
        org_wide: row.org_wide(),
        member_count: u32::try_from(member_count).unwrap_or(u32::MAX),
        read_seq,
        unread_count: u32::try_from(unread).unwrap_or(u32::MAX),
        last_message,
        actions,
    }
}

/// How many names title an unnamed group for someone outside it.
const TITLE_NAMES: i64 = 4;

/// Conversation invitations as their invitee or the group's owner reads them, read on `conn`:
/// the group's name, or the first names of its first members (guests never named: the invitee
/// may not see them), its size, and the invitee's contact when the invitation is personal.
pub async fn invitations(
    conn: &mut sqlx::AnyConnection,
    rows: Vec<InvitationRow>,
) -> AppResult<Vec<ConversationInvitation>> {
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let title = match &r.conversation_name {
            Some(name) => name.clone(),
            None => conversations::first_member_names(&mut *conn, &r.conversation_id, TITLE_NAMES).await?.join(", "),
        };
        let count = conversations::member_count(&mut *conn, &r.conversation_id).await?;
        let invitee = match &r.invitee_id {
            Some(id) => accounts::by_id(&mut *conn, id).await?.map(|a| a.to_contact()),
            None => None,
        };
        out.push(r.to_wire(title, u32::try_from(count).unwrap_or(u32::MAX), invitee));
    }
    Ok(out)
}
