//! The minimum conversation API (SPEC §7.3, §10): start a one-to-one or group conversation
//! with people one sees (SPEC §5), within the guest profile (SPEC §6); list them; view one.

use crate::accounts::{self, AccountRow};
use crate::conversations::{self, Kind};
use crate::db::new_id;
use crate::error::{ApiJson, AppError, AppResult};
use crate::events::Event;
use crate::routes::ActiveSession;
use crate::settings;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::Json;
use parley_core::role::AccountKind;
use parley_core::wire::{Conversation, ConversationKind, ConversationMember, CreateConversationRequest};
use parley_core::ErrorCode;

pub fn router() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/api/v1/conversations", get(list).post(create))
        .route("/api/v1/conversations/{id}", get(read))
        .route("/api/v1/conversations/{id}/members/{account_id}", axum::routing::delete(remove_member))
}

const MAX_MEMBERS: usize = 500;

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
        ConversationKind::Group if (1..=MAX_MEMBERS).contains(&ids.len()) => Kind::Group,
        ConversationKind::Group => {
            return Err(AppError::with_message(ErrorCode::InvalidRequest, "Choose at least one member."))
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
            return Ok((StatusCode::OK, Json(view(&state, me, &existing).await?)));
        }
    }

    let now = state.clock.now_ms();
    let id = new_id();
    let mut tx = state.db.begin().await?;
    sqlx::query("INSERT INTO conversations (id, organisation_id, kind, name, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(&id)
        .bind(&me.organisation_id)
        .bind(kind.as_str())
        .bind(&name)
        .bind(&me.id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    conversations::add_member(&mut tx, &id, &me.id, kind == Kind::Group, now).await?;
    for m in &members {
        conversations::add_member(&mut tx, &id, &m.id, false, now).await?;
    }
    let seq = conversations::touch_members(&mut tx, &id).await?;
    tx.commit().await?;
    state.events.publish(Event::ContactsChanged { organisation_id: me.organisation_id.clone(), seq });
    let row = conversations::by_id(&state.db, &id).await?.ok_or_else(|| AppError::new(ErrorCode::Internal))?;
    Ok((StatusCode::CREATED, Json(view(&state, me, &row).await?)))
}

/// SPEC §6: with a guest in it, a conversation needs the matching guest-profile feature.
async fn guard_guest_profile(state: &AppState, me: &AccountRow, members: &[AccountRow], kind: Kind) -> AppResult<()> {
    let guest_involved = me.kind() == AccountKind::Guest || members.iter().any(|m| m.kind() == AccountKind::Guest);
    if !guest_involved {
        return Ok(());
    }
    let profile = settings::load(&state.db, &me.organisation_id).await?.guest_profile;
    let allowed = match kind {
        Kind::Direct => profile.direct_messages,
        Kind::Group => profile.group_conversations,
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

async fn view(state: &AppState, me: &AccountRow, row: &conversations::ConversationRow) -> AppResult<Conversation> {
    let mut members = Vec::new();
    let mut viewer_is_admin = false;
    for (account_id, is_admin) in conversations::members(&state.db, &row.id).await? {
        if account_id == me.id {
            viewer_is_admin = is_admin;
            continue;
        }
        if let Some(a) = accounts::by_id(&state.db, &account_id)
            .await?
            .filter(|a| a.status() != parley_core::role::AccountStatus::Deleted)
        {
            members.push(ConversationMember { contact: a.to_contact(), is_admin });
        }
    }
    let kind =
        if Kind::from_db(&row.kind) == Some(Kind::Direct) { ConversationKind::Direct } else { ConversationKind::Group };
    let title = match (&row.name, kind) {
        (Some(name), _) => name.clone(),
        (None, ConversationKind::Direct) => {
            members.first().map(|m| format!("{} {}", m.contact.first_name, m.contact.last_name)).unwrap_or_default()
        }
        (None, ConversationKind::Group) => {
            let mut names: Vec<&str> = members.iter().map(|m| m.contact.first_name.as_str()).collect();
            names.insert(0, me.first_name.as_str());
            names.join(", ")
        }
    };
    Ok(Conversation { id: row.id.clone(), kind, title, members, viewer_is_admin, created_at: row.created_at })
}

async fn member_of(state: &AppState, me: &AccountRow, id: &str) -> AppResult<conversations::ConversationRow> {
    let row = conversations::by_id(&state.db, id)
        .await?
        .filter(|c| c.organisation_id == me.organisation_id)
        .ok_or_else(|| AppError::new(ErrorCode::NotFound))?;
    if !conversations::members(&state.db, id).await?.iter().any(|(m, _)| *m == me.id) {
        return Err(AppError::new(ErrorCode::NotFound));
    }
    Ok(row)
}

#[utoipa::path(get, path = "/api/v1/conversations", responses((status = 200, body = [Conversation])), security(("bearer" = [])))]
pub async fn list(State(state): State<AppState>, session: ActiveSession) -> AppResult<Json<Vec<Conversation>>> {
    let rows: Vec<conversations::ConversationRow> = sqlx::query_as(
        "SELECT c.id, c.organisation_id, c.kind, c.name, c.created_by, c.created_at FROM conversations c \
         JOIN conversation_members m ON m.conversation_id = c.id \
         WHERE m.account_id = $1 AND c.closed_at IS NULL ORDER BY c.created_at DESC",
    )
    .bind(&session.account.id)
    .fetch_all(&state.db)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in &rows {
        out.push(view(&state, &session.account, row).await?);
    }
    Ok(Json(out))
}

#[utoipa::path(get, path = "/api/v1/conversations/{id}", responses((status = 200, body = Conversation),
    (status = 404, body = parley_core::wire::ApiError)), security(("bearer" = [])))]
pub async fn read(
    State(state): State<AppState>,
    session: ActiveSession,
    Path(id): Path<String>,
) -> AppResult<Json<Conversation>> {
    let row = member_of(&state, &session.account, &id).await?;
    Ok(Json(view(&state, &session.account, &row).await?))
}

/// An admin removes someone from a group. Who loses their last shared conversation with a
/// guest stops seeing them: every member is stamped so the next delta re-evaluates (SPEC §5).
#[utoipa::path(delete, path = "/api/v1/conversations/{id}/members/{account_id}",
    responses((status = 204), (status = 403, body = parley_core::wire::ApiError), (status = 404, body = parley_core::wire::ApiError)),
    security(("bearer" = [])))]
pub async fn remove_member(
    State(state): State<AppState>,
    session: ActiveSession,
    Path((id, account_id)): Path<(String, String)>,
) -> AppResult<StatusCode> {
    let me = &session.account;
    let row = member_of(&state, me, &id).await?;
    let members = conversations::members(&state.db, &id).await?;
    let is_admin = members.iter().any(|(m, admin)| *m == me.id && *admin);
    if Kind::from_db(&row.kind) != Some(Kind::Group) || !(is_admin || account_id == me.id) {
        return Err(AppError::new(ErrorCode::Forbidden));
    }
    if !members.iter().any(|(m, _)| *m == account_id) {
        return Err(AppError::new(ErrorCode::NotFound));
    }
    let mut tx = state.db.begin().await?;
    // Stamp everyone first (the removed person included), then remove.
    let seq = conversations::touch_members(&mut tx, &id).await?;
    sqlx::query("DELETE FROM conversation_members WHERE conversation_id = $1 AND account_id = $2")
        .bind(&id)
        .bind(&account_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    state.events.publish(Event::ContactsChanged { organisation_id: me.organisation_id.clone(), seq });
    Ok(StatusCode::NO_CONTENT)
}
