//! "Preview as guest" (SPEC §11.1): what a guest sees, computed by the visibility rule over the
//! same ties the contacts sync uses. A guest can only see its inviter and the people of its
//! conversations, so those are the only accounts asked about; everyone else fails the rule by
//! its first cell (a guest sees no member it is not tied to, and no guest outside a conversation).
//! Before an invitation is sent, the guest is the one the form would create: invited by the
//! inviter, in the inviter's department, in the conversation the invitation starts from.
//! The preview names only what the one asking may see themself: people they see (or administer),
//! conversations they are in; the rest is counted, never named.

use crate::accounts::{AccountRow, SELECT_ACCOUNT};
use crate::conversations::{self, ConversationRow};
use crate::db::Db;
use crate::error::AppResult;
use crate::guests::Scope;
use crate::messages::SYSTEM_SENDER;
use crate::visibility_check::pick;
use parley_core::role::{AccountKind, AccountStatus, Role};
use parley_core::visibility::preview::{GuestPreview, PreviewConversation, PreviewPerson, PREVIEW_PEOPLE_MAX};
use parley_core::visibility::{explain_in_contacts, sees_in_contacts, sees_in_conversation};
use std::collections::{HashMap, HashSet};

/// Who asks for a preview, and how far their own sight reaches.
pub struct Asker<'a> {
    pub account: &'a AccountRow,
    /// Their admin scope, if they are an admin.
    pub scope: Option<&'a Scope>,
}

/// What an existing guest sees now (or, while pending, after their first login), as `asker`
/// may be told it.
pub async fn of_guest(db: &Db, guest: &AccountRow, asker: &Asker<'_>) -> AppResult<GuestPreview> {
    let shared = conversations::shared_with(db, &guest.id).await?;
    let rows: Vec<(String, Option<String>, String)> = sqlx::query_as(
        "SELECT c.id, c.name, c.kind FROM conversations c JOIN conversation_members m ON m.conversation_id = c.id \
         WHERE m.account_id = $1 AND c.closed_at IS NULL ORDER BY c.created_at, c.id",
    )
    .bind(&guest.id)
    .fetch_all(db)
    .await?;
    let mut titled = Vec::with_capacity(rows.len());
    for (id, name, kind) in rows {
        let title = match (name, kind.as_str()) {
            (Some(name), _) => name,
            (None, "system") => SYSTEM_SENDER.to_owned(),
            (None, kind) => untitled(db, &id, guest, kind == "direct").await?,
        };
        titled.push((id, title));
    }
    let has_welcome = titled.iter().any(|(_, t)| t == SYSTEM_SENDER);
    preview(db, guest, &shared, &titled, !has_welcome, asker).await
}

/// What the guest this inviter is about to invite (into `conversation`, if any) will see.
pub async fn of_invitation(
    db: &Db,
    inviter: &AccountRow,
    conversation: Option<&ConversationRow>,
) -> AppResult<GuestPreview> {
    let guest = AccountRow {
        id: String::new(),
        kind: AccountKind::Guest.as_str().to_owned(),
        role: Role::Guest.as_str().to_owned(),
        status: AccountStatus::Pending.as_str().to_owned(),
        first_name: String::new(),
        last_name: String::new(),
        phone: String::new(),
        email: None,
        invited_by: Some(inviter.id.clone()),
        may_invite_guests: 0,
        change_seq: 0,
        scope_seq: 0,
        sponsor_id: Some(inviter.id.clone()),
        confirmation_asked_at: None,
        access_ends_at: None,
        access_ended_at: None,
        ..inviter.clone()
    };
    let (shared, titled) = match conversation {
        Some(c) => {
            let members: HashSet<String> = conversations::member_ids(db, &c.id).await?.into_iter().collect();
            let title = match &c.name {
                Some(name) => name.clone(),
                None => untitled(db, &c.id, &guest, false).await?,
            };
            (members, vec![(c.id.clone(), title)])
        }
        None => (HashSet::new(), Vec::new()),
    };
    let asker = Asker { account: inviter, scope: None };
    let mut preview = preview(db, &guest, &shared, &titled, true, &asker).await?;
    // The guest joins the conversation it is invited into.
    if let (Some(_), Some(first)) = (conversation, preview.conversations.first_mut()) {
        first.member_count = first.member_count.saturating_add(1);
    }
    Ok(preview)
}

/// The rule over the guest's inviter and the people of its conversations (`shared`);
/// `conversations` are the guest's conversations with their titles; `welcome_to_come`: the
/// welcome conversation the guest gets at its first login is not there yet.
async fn preview(
    db: &Db,
    guest: &AccountRow,
    shared: &HashSet<String>,
    conversations: &[(String, String)],
    welcome_to_come: bool,
    asker: &Asker<'_>,
) -> AppResult<GuestPreview> {
    let whole = matches!(asker.scope, Some(Scope::Organisation));
    let asker_shared = if whole { HashSet::new() } else { conversations::shared_with(db, &asker.account.id).await? };
    let asker_sees = |target: &AccountRow| {
        whole
            || target.id == asker.account.id
            || asker.scope.is_some_and(|s| s.includes(&target.department_id))
            || sees_in_contacts(asker.account.party(), target.party(), asker.account.ties_to(target, &asker_shared))
    };
    // Each conversation's live members, read once: who is in it, who the asker shares it with,
    // and its member count.
    let mut members = Vec::with_capacity(conversations.len());
    for (id, title) in conversations {
        members.push((title, conversations::member_ids(db, id).await?));
    }
    let named: Vec<&(&String, Vec<String>)> =
        members.iter().filter(|(_, ids)| whole || ids.contains(&asker.account.id)).collect();
    let mut candidates: Vec<String> = shared.iter().cloned().collect();
    if let Some(inviter) = &guest.invited_by {
        if !shared.contains(inviter) {
            candidates.push(inviter.clone());
        }
    }
    let where_is = where_each_is(guest, &named);
    let (mut contacts, mut in_conversations_only) = (Vec::new(), Vec::new());
    let (mut contacts_total, mut only_total) = (0u32, 0u32);
    for target in accounts_by_ids(db, &candidates).await? {
        let ties = guest.ties_to(&target, shared);
        let reason = explain_in_contacts(guest.party(), target.party(), ties);
        let names = where_is.get(&target.id).cloned().unwrap_or_default();
        let person = PreviewPerson { person: pick(&target), reason, why: reason.phrase(&names) };
        let (list, total) = if reason.sees() {
            (&mut contacts, &mut contacts_total)
        } else if sees_in_conversation(guest.party(), target.party(), ties) {
            (&mut in_conversations_only, &mut only_total)
        } else {
            continue;
        };
        *total = total.saturating_add(1);
        // Counted, but named only to someone who may see them.
        if asker_sees(&target) {
            list.push(person);
        }
    }
    let by_name =
        |a: &PreviewPerson, b: &PreviewPerson| a.person.name.to_lowercase().cmp(&b.person.name.to_lowercase());
    contacts.sort_by(by_name);
    in_conversations_only.sort_by(by_name);
    let mut listed: Vec<PreviewConversation> = named
        .iter()
        .map(|(title, ids)| PreviewConversation {
            title: (*title).clone(),
            member_count: u32::try_from(ids.len()).unwrap_or(u32::MAX),
        })
        .collect();
    if welcome_to_come {
        listed.push(PreviewConversation { title: SYSTEM_SENDER.to_owned(), member_count: 1 });
    }
    contacts.truncate(PREVIEW_PEOPLE_MAX);
    in_conversations_only.truncate(PREVIEW_PEOPLE_MAX);
    let name = crate::accounts::name_or_phone(&guest.first_name, &guest.last_name, &guest.phone);
    Ok(GuestPreview {
        guest_name: if name.is_empty() { "The guest".to_owned() } else { name },
        before_activation: guest.status() != AccountStatus::Active,
        contacts,
        contacts_total,
        in_conversations_only,
        in_conversations_only_total: only_total,
        conversations: listed,
        other_conversations: u32::try_from(conversations.len() - named.len()).unwrap_or(u32::MAX),
    })
}

/// For each member of the conversations named to the asker, the titles of those it shares with
/// the guest.
fn where_each_is(guest: &AccountRow, named: &[&(&String, Vec<String>)]) -> HashMap<String, Vec<String>> {
    let mut out: HashMap<String, Vec<String>> = HashMap::new();
    for (title, ids) in named {
        for member in ids.iter().filter(|m| **m != guest.id) {
            out.entry(member.clone()).or_default().push((*title).clone());
        }
    }
    out
}

/// The accounts of these ids, read in chunks (a bind list has limits).
async fn accounts_by_ids(db: &Db, ids: &[String]) -> AppResult<Vec<AccountRow>> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        let marks: Vec<String> = (1..=chunk.len()).map(|n| format!("${n}")).collect();
        let sql = format!("{SELECT_ACCOUNT} WHERE a.id IN ({})", marks.join(", "));
        let mut query = sqlx::query_as::<_, AccountRow>(&sql);
        for id in chunk {
            query = query.bind(id.as_str());
        }
        out.extend(query.fetch_all(db).await?);
    }
    Ok(out)
}

/// An unnamed conversation as the guest reads it (as `chat::view` titles it): a one-to-one one
/// by the other person's name, a group by the guest's first name and the others'.
async fn untitled(db: &Db, conversation_id: &str, guest: &AccountRow, direct: bool) -> AppResult<String> {
    let names: Vec<(String, String)> = sqlx::query_as(
        "SELECT a.first_name, a.last_name FROM conversation_members m JOIN accounts a ON a.id = m.account_id \
         WHERE m.conversation_id = $1 AND m.account_id <> $2 AND a.status <> 'deleted' \
         ORDER BY m.joined_at, m.account_id LIMIT 4",
    )
    .bind(conversation_id)
    .bind(&guest.id)
    .fetch_all(db)
    .await?;
    if direct {
        return Ok(names.first().map(|(f, l)| format!("{f} {l}").trim().to_owned()).unwrap_or_default());
    }
    let mut firsts: Vec<&str> = names.iter().map(|(f, _)| f.as_str()).collect();
    if !guest.first_name.is_empty() {
        firsts.insert(0, guest.first_name.as_str());
    }
    Ok(firsts.join(", "))
}
