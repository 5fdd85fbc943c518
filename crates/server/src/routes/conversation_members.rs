//! Running a group (SPEC §10): its admins add and remove members, promote other admins and
//! rename it; anyone may leave. Arrivals and departures are written into the conversation as
//! notices; who loses their last shared conversation with a guest stops seeing them (SPEC §5).

use crate::accounts::{self, AccountRow};
use crate::conversations::{self, Kind, MemberRow};
use crate::error::{ApiJson, AppError, AppResult};
use crate::events::Event;
use crate::messages;
use crate::routes::conversation_invitations::transfer;
use crate::routes::conversations::{
    group_with_right, guard_guest_profile, member_of, refuse_org_wide, view, GroupRight,
};
use crate::routes::ActiveSession;
use crate::sharing::{self, Ending};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{delete, patch, post, put};
use axum::Json;
use parley_core::wire::{AddMembersRequest, Conversation, MessageKind, RenameConversationRequest};
use parley_core::ErrorCode;

pub fn router() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/api/v1/conversations/{id}", patch(rename))
        .route("/api/v1/conversations/{id}/members", post(add))
        .route("/api/v1/conversations/{id}/members/{account_id}", delete(remove))
        .route("/api/v1/conversations/{id}/members/{account_id}/admin", put(promote))
}

fn publish_changed(state: &AppState, recipients: Vec<String>, conversation_id: &str) {
    let recipient_ids: crate::events::Recipients = recipients.into();
    state.events.publish(Event::ConversationChanged { recipient_ids, conversation_id: conversation_id.to_owned() });
}

async fn notice(
    state: &AppState,
    conn: &mut sqlx::AnyConnection,
    conversation_id: &str,
    who: &AccountRow,
    kind: MessageKind,
) -> AppResult<String> {
    let name = format!("{} {}", who.first_name, who.last_name);
    Ok(messages::arrival_or_departure(conn, conversation_id, &who.id, &name, kind, state.clock.now_ms()).await?)
}

#[utoipa::path(post, path = "/api/v1/conversations/{id}/members", request_body = AddMembersRequest,
    responses((status = 200, body = Conversation), (status = 403, body = parley_core::wire::ApiError),
              (status = 404, body = parley_core::wire::ApiError)), security(("bearer" = [])))]
pub async fn add(
    State(state): State<AppState>,
    session: ActiveSession,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<AddMembersRequest>,
) -> AppResult<Json<Conversation>> {
    let me = &session.account;
    let (row, members) = group_with_right(&state, me, &id, GroupRight::Admin).await?;
    let mut ids: Vec<String> =
        req.account_ids.into_iter().filter(|a| !members.iter().any(|m| m.account_id == *a)).collect();
    ids.sort();
    ids.dedup();
    if ids.is_empty() {
        return Err(AppError::with_message(ErrorCode::InvalidRequest, "Choose at least one new member."));
    }
    if members.len() + ids.len() > conversations::MAX_MEMBERS {
        return Err(AppError::with_message(ErrorCode::InvalidRequest, "A conversation has at most 500 members."));
    }
    // Only people the admin sees may be added (SPEC §5); a guest only as the profile allows.
    let shared = conversations::shared_with(&state.db, &me.id).await?;
    let mut newcomers = Vec::new();
    for account_id in &ids {
        match accounts::by_id(&state.db, account_id).await? {
            Some(t) if parley_core::visibility::sees_in_contacts(me.party(), t.party(), me.ties_to(&t, &shared)) => {
                newcomers.push(t)
            }
            _ => return Err(AppError::with_message(ErrorCode::NotFound, "No such contact.")),
        }
    }
    guard_guest_profile(&state, me, &newcomers, Kind::Group).await?;
    let now = state.clock.now_ms();
    let mut tx = state.db.begin().await?;
    let mut notices = Vec::new();
    for n in &newcomers {
        conversations::add_member(&mut tx, &id, &n.id, false, now).await?;
        notices.push(notice(&state, &mut tx, &id, n, MessageKind::Joined).await?);
    }
    let seq = conversations::touch_members(&mut tx, &id).await?;
    tx.commit().await?;
    state.events.publish(Event::ContactsChanged { organisation_id: me.organisation_id.clone(), seq });
    for message_id in &notices {
        messages::publish(&state.db, &state.events, &id, message_id).await;
    }
    publish_changed(&state, conversations::member_ids(&state.db, &id).await?, &id);
    let row = conversations::by_id(&state.db, &row.id).await?.ok_or_else(|| AppError::new(ErrorCode::NotFound))?;
    Ok(Json(view(&state, me, &row).await?))
}

/// An admin removes someone from a group, or anyone leaves it. Everyone is stamped so the
/// next contacts delta re-evaluates who sees whom.
#[utoipa::path(delete, path = "/api/v1/conversations/{id}/members/{account_id}",
    responses((status = 204), (status = 403, body = parley_core::wire::ApiError), (status = 404, body = parley_core::wire::ApiError)),
    security(("bearer" = [])))]
pub async fn remove(
    State(state): State<AppState>,
    session: ActiveSession,
    Path((id, account_id)): Path<(String, String)>,
) -> AppResult<StatusCode> {
    let me = &session.account;
    let (row, members) = member_of(&state, me, &id).await?;
    refuse_org_wide(&row)?;
    let is_admin = members.iter().any(|m| m.account_id == me.id && m.admin());
    if Kind::from_db(&row.kind) != Some(Kind::Group) || !(is_admin || account_id == me.id) {
        return Err(AppError::new(ErrorCode::Forbidden));
    }
    if !members.iter().any(|m| m.account_id == account_id) {
        return Err(AppError::new(ErrorCode::NotFound));
    }
    let leaving = accounts::by_id(&state.db, &account_id).await?.ok_or_else(|| AppError::new(ErrorCode::NotFound))?;
    let mut tx = state.db.begin().await?;
    // Stamp everyone first (the removed person included), then remove.
    let seq = conversations::touch_members(&mut tx, &id).await?;
    sqlx::query("DELETE FROM conversation_members WHERE conversation_id = $1 AND account_id = $2")
        .bind(&id)
        .bind(&account_id)
        .execute(&mut *tx)
        .await?;
    let message_id = notice(&state, &mut tx, &id, &leaving, MessageKind::Left).await?;
    // A group never stays without an admin: the longest-standing member takes over.
    let admins_left: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM conversation_members WHERE conversation_id = $1 AND is_admin = 1")
            .bind(&id)
            .fetch_one(&mut *tx)
            .await?;
    let remaining: Vec<&MemberRow> = members.iter().filter(|m| m.account_id != account_id).collect();
    if admins_left == 0 {
        if let Some(heir) = remaining.first() {
            set_admin(&mut tx, &id, &heir.account_id).await?;
        }
    }
    // The owner leaving withdraws their invitations (SPEC §10.1); the group passes to an admin.
    let mut withdrawn = Vec::new();
    if row.owner_id.as_deref() == Some(account_id.as_str()) {
        let now = state.clock.now_ms();
        let heir = remaining.iter().find(|m| m.admin()).or(remaining.first());
        match heir {
            Some(heir) => transfer(&mut tx, &id, &heir.account_id).await?,
            None => {
                sqlx::query("UPDATE conversations SET closed_at = $1 WHERE id = $2")
                    .bind(now)
                    .bind(&id)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        withdrawn = sharing::end_all(&mut tx, &id, Ending::Withdrawn, now).await?;
    }
    tx.commit().await?;
    if !withdrawn.is_empty() {
        sharing::publish(&state.events, sharing::audience(&state.db, &withdrawn, &[&account_id]).await?);
    }
    state.events.publish(Event::ContactsChanged { organisation_id: me.organisation_id.clone(), seq });
    messages::publish(&state.db, &state.events, &id, &message_id).await;
    publish_changed(&state, members.into_iter().map(|m| m.account_id).collect(), &id);
    Ok(StatusCode::NO_CONTENT)
}

async fn set_admin(conn: &mut sqlx::AnyConnection, id: &str, account_id: &str) -> sqlx::Result<()> {
    sqlx::query("UPDATE conversation_members SET is_admin = 1 WHERE conversation_id = $1 AND account_id = $2")
        .bind(id)
        .bind(account_id)
        .execute(conn)
        .await?;
    Ok(())
}

#[utoipa::path(put, path = "/api/v1/conversations/{id}/members/{account_id}/admin",
    responses((status = 200, body = Conversation), (status = 403, body = parley_core::wire::ApiError),
              (status = 404, body = parley_core::wire::ApiError)), security(("bearer" = [])))]
pub async fn promote(
    State(state): State<AppState>,
    session: ActiveSession,
    Path((id, account_id)): Path<(String, String)>,
) -> AppResult<Json<Conversation>> {
    let me = &session.account;
    let (row, members) = group_with_right(&state, me, &id, GroupRight::Admin).await?;
    if !members.iter().any(|m| m.account_id == account_id) {
        return Err(AppError::new(ErrorCode::NotFound));
    }
    let mut conn = state.db.acquire().await?;
    set_admin(&mut conn, &id, &account_id).await?;
    drop(conn);
    publish_changed(&state, members.into_iter().map(|m| m.account_id).collect(), &id);
    Ok(Json(view(&state, me, &row).await?))
}

#[utoipa::path(patch, path = "/api/v1/conversations/{id}", request_body = RenameConversationRequest,
    responses((status = 200, body = Conversation), (status = 403, body = parley_core::wire::ApiError),
              (status = 422, body = parley_core::wire::ApiError)), security(("bearer" = [])))]
pub async fn rename(
    State(state): State<AppState>,
    session: ActiveSession,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<RenameConversationRequest>,
) -> AppResult<Json<Conversation>> {
    let me = &session.account;
    let (_, members) = group_with_right(&state, me, &id, GroupRight::Admin).await?;
    let name = req.name.trim();
    if name.chars().count() > 100 {
        return Err(AppError::on_field(ErrorCode::TooLong, "name"));
    }
    let name = (!name.is_empty()).then_some(name);
    let mut tx = state.db.begin().await?;
    sqlx::query("UPDATE conversations SET name = $1 WHERE id = $2").bind(name).bind(&id).execute(&mut *tx).await?;
    // The guests list shows and sorts on the group its guests were invited into.
    crate::guest_search::refresh(&mut tx, crate::guest_search::SearchKey::Conversation, &id).await?;
    tx.commit().await?;
    publish_changed(&state, members.into_iter().map(|m| m.account_id).collect(), &id);
    let row = conversations::by_id(&state.db, &id).await?.ok_or_else(|| AppError::new(ErrorCode::NotFound))?;
    Ok(Json(view(&state, me, &row).await?))
}
