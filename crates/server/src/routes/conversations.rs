//! Conversations (SPEC §7.3, §10): start a one-to-one or group conversation with people one
//! sees (SPEC §5), within the guest profile (SPEC §6); list them, newest activity first; view
//! one. Members: [`super::conversation_members`]; messages: [`super::messages`].

use crate::accounts::{self, AccountRow};
use crate::conversations::{self, Kind};
use crate::db::new_id;
use crate::error::{ApiJson, AppError, AppResult};
use crate::events::Event;
use crate::messages;
use crate::routes::ActiveSession;
use crate::settings;
use crate::state::AppState;
use crate::unit_of_work::UnitOfWork;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::Json;
use parley_core::role::AccountKind;
use parley_core::wire::{Conversation, ConversationKind, ConversationMember, CreateConversationRequest};
use parley_core::ErrorCode;
use std::collections::HashMap;

pub fn router() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/api/v1/conversations", get(list).post(create))
        .route("/api/v1/conversations/{id}", get(read))
}

#[utoipa::path(post, path = "/api/v1/conversations", request_body = CreateConversationRequest,
    responses((status = 201, body = Conversation), (status = 200, body = Conversation, description = "the existing one-to-one conversation"),
              (status = 403, body = parley_core::wire::ApiError), (status = 404, body = parley_core::wire::ApiError),
              (status = 422, body = parley_core::wire::ApiError)), security(("bearer" = [])))]
pub async fn create(
    State(state): State<AppState>,
    session: ActiveSession,
    ApiJson(req): ApiJson<CreateConversationRequest>,
) -> AppResult<(StatusCode, Json<Conversation>)> {
    let me = &session.account;
    let mut ids: Vec<String> = req.member_ids.iter().filter(|id| **id != me.id).cloned().collect();
    ids.sort();
    ids.dedup();
    let kind = match req.kind {
        ConversationKind::Direct if ids.len() == 1 => Kind::Direct,
        ConversationKind::Direct => {
            return Err(AppError::with_message(
                ErrorCode::InvalidRequest,
                "A one-to-one conversation has exactly one other member.",
            ))
        }
        ConversationKind::Group if (1..conversations::MAX_MEMBERS).contains(&ids.len()) => Kind::Group,
        ConversationKind::Group => {
            return Err(AppError::with_message(ErrorCode::InvalidRequest, "Choose at least one member."))
        }
        ConversationKind::System => {
            return Err(AppError::with_message(ErrorCode::InvalidRequest, "Only Parley writes system conversations."))
        }
    };
    let name = req.name.as_deref().map(str::trim).filter(|n| !n.is_empty()).map(str::to_owned);
    if name.as_ref().is_some_and(|n| n.chars().count() > 100) {
        return Err(AppError::on_field(ErrorCode::TooLong, "name"));
    }
    let shared = conversations::shared_with(&state.db, &me.id).await?;
    let mut members = Vec::new();
    for id in &ids {
        let target = accounts::by_id(&state.db, id).await?;
        match target {
            Some(t) if parley_core::visibility::sees_in_contacts(me.party(), t.party(), me.ties_to(&t, &shared)) => {
                members.push(t)
            }
            // Someone one does not see is not said to exist.
            _ => return Err(AppError::with_message(ErrorCode::NotFound, "No such contact.")),
        }
    }
    guard_guest_profile(&state, me, &members, kind).await?;
    if kind == Kind::Direct {
        if let Some(existing) = existing_direct(&state, &me.id, &members[0].id).await? {
            return Ok((StatusCode::OK, Json(view(&mut *state.db.acquire().await?, me, &existing).await?)));
        }
    }

    let now = state.clock.now_ms();
    let id = new_id();
    let mut work = UnitOfWork::begin(&state.db).await?;
    sqlx::query(
        "INSERT INTO conversations (id, organisation_id, kind, name, created_by, created_at, owner_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&id)
    .bind(&me.organisation_id)
    .bind(kind.as_str())
    .bind(&name)
    .bind(&me.id)
    .bind(now)
    .bind((kind == Kind::Group).then_some(&me.id))
    .execute(&mut *work)
    .await?;
    conversations::add_member(&mut work, &id, &me.id, kind == Kind::Group, now).await?;
    for m in &members {
        conversations::add_member(&mut work, &id, &m.id, false, now).await?;
    }
    let seq = conversations::touch_members(&mut work, &id).await?;
    work.publish(Event::ContactsChanged { organisation_id: me.organisation_id.clone(), seq });
    let row = conversations::by_id(&mut *work, &id).await?.ok_or_else(|| AppError::new(ErrorCode::Internal))?;
    let answer = view(&mut work, me, &row).await?;
    work.commit(&state.events).await?;
    Ok((StatusCode::CREATED, Json(answer)))
}

/// SPEC §6: with a guest in it, a conversation needs the matching guest-profile feature.
pub(crate) async fn guard_guest_profile(
    state: &AppState,
    me: &AccountRow,
    members: &[AccountRow],
    kind: Kind,
) -> AppResult<()> {
    let guest_involved = me.kind() == AccountKind::Guest || members.iter().any(|m| m.kind() == AccountKind::Guest);
    if !guest_involved {
        return Ok(());
    }
    guest_profile_allows(state, &me.organisation_id, kind).await
}

/// Whether the organisation's guest profile allows a conversation of `kind` with a guest in
/// it (SPEC §6).
pub(crate) async fn guest_profile_allows(state: &AppState, organisation_id: &str, kind: Kind) -> AppResult<()> {
    let profile = settings::load(&state.db, organisation_id).await?.guest_profile;
    let allowed = match kind {
        Kind::Direct => profile.direct_messages,
        Kind::Group => profile.group_conversations,
        Kind::System => true,
    };
    if allowed {
        Ok(())
    } else {
        Err(AppError::new(ErrorCode::FeatureNotForGuests))
    }
}

async fn existing_direct(state: &AppState, a: &str, b: &str) -> AppResult<Option<conversations::ConversationRow>> {
    let id: Option<String> = sqlx::query_scalar(
        "SELECT c.id FROM conversations c JOIN conversation_members ma ON ma.conversation_id = c.id \
         JOIN conversation_members mb ON mb.conversation_id = c.id \
         WHERE c.kind = 'direct' AND c.closed_at IS NULL AND ma.account_id = $1 AND mb.account_id = $2",
    )
    .bind(a)
    .bind(b)
    .fetch_optional(&state.db)
    .await?;
    match id {
        Some(id) => Ok(conversations::by_id(&state.db, &id).await?),
        None => Ok(None),
    }
}

/// A conversation as `me` sees it: everyone else in it with their receipts, the viewer's
/// unread counter and the newest message.
/// Read on `conn`: inside a unit of work, before its commit, so the answer never needs a read
/// after it.
pub(crate) async fn view(
    conn: &mut sqlx::AnyConnection,
    me: &AccountRow,
    row: &conversations::ConversationRow,
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

/// A conversation view from what was read for it: its members in the order they joined (the
/// viewer among them or not; at most [`conversations::ORG_WIDE_LISTED`] others are listed for
/// the ALL group, whose `member_count` is given), the viewer's membership and the newest
/// message.
fn assemble(
    me: &AccountRow,
    row: &conversations::ConversationRow,
    mine: Option<&conversations::MemberRow>,
    members: Vec<accounts::MemberAccount>,
    member_count: Option<i64>,
    last_message: Option<parley_core::wire::Message>,
) -> Conversation {
    let (viewer_is_admin, read_seq, unread) = mine.map_or((false, 0, 0), |m| (m.admin(), m.read_seq, m.unread(row)));
    let listed = if row.org_wide() { conversations::ORG_WIDE_LISTED as usize } else { usize::MAX };
    let members: Vec<ConversationMember> = members
        .into_iter()
        .filter(|m| m.account.id != me.id)
        .take(listed)
        .map(|m| ConversationMember {
            contact: m.account.to_contact(),
            is_admin: m.is_admin != 0,
            delivered_seq: m.delivered_seq,
            read_seq: m.read_seq,
        })
        .collect();
    let member_count = member_count.unwrap_or(members.len() as i64 + i64::from(mine.is_some()));
    let kind = match Kind::from_db(&row.kind) {
        Some(Kind::Direct) => ConversationKind::Direct,
        Some(Kind::System) => ConversationKind::System,
        _ => ConversationKind::Group,
    };
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
        viewer_is_owner: row.owner_id.as_deref() == Some(me.id.as_str()),
        org_wide: row.org_wide(),
        member_count: u32::try_from(member_count).unwrap_or(u32::MAX),
        read_seq,
        unread_count: u32::try_from(unread).unwrap_or(u32::MAX),
        last_message,
    }
}

/// The conversation, if `me` is one of its members; 404 otherwise (whether it exists is not
/// said to outsiders).
pub(crate) async fn member_of(
    state: &AppState,
    me: &AccountRow,
    id: &str,
) -> AppResult<(conversations::ConversationRow, Vec<conversations::MemberRow>)> {
    let row = conversations::by_id(&state.db, id)
        .await?
        .filter(|c| c.organisation_id == me.organisation_id)
        .ok_or_else(|| AppError::new(ErrorCode::NotFound))?;
    let members = conversations::members(&state.db, id).await?;
    if !members.iter().any(|m| m.account_id == me.id) {
        return Err(AppError::new(ErrorCode::NotFound));
    }
    Ok((row, members))
}

/// The conversation and `me`'s membership row, if `me` is a member; 404 otherwise. One row
/// read, whatever the size of the conversation (receipts and history pages of the ALL group).
pub(crate) async fn joined(
    state: &AppState,
    me: &AccountRow,
    id: &str,
) -> AppResult<(conversations::ConversationRow, conversations::MemberRow)> {
    conversations::with_membership(&state.db, id, &me.id)
        .await?
        .filter(|(c, _)| c.organisation_id == me.organisation_id)
        .ok_or_else(|| AppError::new(ErrorCode::NotFound))
}

/// What running a group takes: being one of its admins, or its owner (SPEC §10, §10.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum GroupRight {
    Admin,
    Owner,
}

/// A group conversation in which `me` has `right`; 404 for outsiders, 400 for a one-to-one
/// conversation, 403 without the right.
pub(crate) async fn group_with_right(
    state: &AppState,
    me: &AccountRow,
    id: &str,
    right: GroupRight,
) -> AppResult<(conversations::ConversationRow, Vec<conversations::MemberRow>)> {
    let (row, members) = member_of(state, me, id).await?;
    if Kind::from_db(&row.kind) != Some(Kind::Group) {
        return Err(AppError::with_message(
            ErrorCode::InvalidRequest,
            "Only group conversations have admins and owners.",
        ));
    }
    refuse_org_wide(&row)?;
    let allowed = match right {
        GroupRight::Admin => members.iter().any(|m| m.account_id == me.id && m.admin()),
        GroupRight::Owner => row.owner_id.as_deref() == Some(me.id.as_str()),
    };
    if !allowed {
        let who = if right == GroupRight::Owner { "owner" } else { "admins" };
        return Err(AppError::with_message(
            ErrorCode::Forbidden,
            format!("Only the {who} of this conversation can do this."),
        ));
    }
    Ok((row, members))
}

/// The ALL group is run by the organisation (SPEC §2): nobody renames, adds, removes, makes
/// admins, shares or closes it, and nobody leaves it.
pub(crate) fn refuse_org_wide(row: &conversations::ConversationRow) -> AppResult<()> {
    if row.org_wide() {
        return Err(AppError::with_message(
            ErrorCode::Forbidden,
            "The All group includes every member of the organization; its members cannot be changed.",
        ));
    }
    Ok(())
}

#[utoipa::path(get, path = "/api/v1/conversations", responses((status = 200, body = [Conversation])), security(("bearer" = [])))]
/// Every conversation of the account, most recent activity first, in a constant number of
/// queries whatever their number and size: the rows with the viewer's membership, every
/// member of them (the ALL group's first ones and its count apart), and the newest messages.
pub async fn list(State(state): State<AppState>, session: ActiveSession) -> AppResult<Json<Vec<Conversation>>> {
    let me = &session.account;
    let rows = conversations::of_account(&state.db, &me.id).await?;
    let mut members: HashMap<String, Vec<accounts::MemberAccount>> = HashMap::new();
    for (conversation_id, member) in accounts::in_conversations_of(&state.db, &me.id).await? {
        members.entry(conversation_id).or_default().push(member);
    }
    let mut newest: HashMap<String, parley_core::wire::Message> =
        messages::newest_of_conversations_of(&state.db, &me.id)
            .await?
            .into_iter()
            .map(|m| (m.conversation_id.clone(), m))
            .collect();
    let mut out = Vec::with_capacity(rows.len());
    for (row, mine) in &rows {
        let (listed, count) = if row.org_wide() {
            let listed = accounts::in_conversation(&state.db, &row.id, conversations::ORG_WIDE_LISTED + 1).await?;
            (listed, Some(conversations::member_count(&state.db, &row.id).await?))
        } else {
            (members.remove(&row.id).unwrap_or_default(), None)
        };
        out.push(assemble(me, row, Some(mine), listed, count, newest.remove(&row.id)));
    }
    // Most recent activity first.
    out.sort_by_key(|c| std::cmp::Reverse(c.last_message.as_ref().map_or(c.created_at, |m| m.created_at)));
    Ok(Json(out))
}

#[utoipa::path(get, path = "/api/v1/conversations/{id}", responses((status = 200, body = Conversation),
    (status = 404, body = parley_core::wire::ApiError)), security(("bearer" = [])))]
pub async fn read(
    State(state): State<AppState>,
    session: ActiveSession,
    Path(id): Path<String>,
) -> AppResult<Json<Conversation>> {
    let (row, _) = joined(&state, &session.account, &id).await?;
    Ok(Json(view(&mut *state.db.acquire().await?, &session.account, &row).await?))
}
