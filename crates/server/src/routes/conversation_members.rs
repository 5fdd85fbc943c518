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
use crate::unit_of_work::UnitOfWork;
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

/// "This conversation changed", for its members (and those who just left).
fn changed(recipients: Vec<String>, conversation_id: &str) -> Event {
    Event::ConversationChanged { recipient_ids: recipients.into(), conversation_id: conversation_id.to_owned() }
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
    let mut work = UnitOfWork::begin(&state.db).await?;
    let mut notices = Vec::new();
    for n in &newcomers {
        conversations::add_member(&mut work, &id, &n.id, false, now).await?;
        notices.push(notice(&state, &mut work, &id, n, MessageKind::Joined).await?);
    }
    for message_id in &notices {
        messages::announce(&mut work, &id, message_id).await?;
    }
    let seq = conversations::touch_members(&mut work, &id).await?;
    work.publish(Event::ContactsChanged { organisation_id: me.organisation_id.clone(), seq });
    let everyone = conversations::member_ids(&mut *work, &id).await?;
    work.publish(changed(everyone, &id));
    let row = conversations::by_id(&mut *work, &row.id).await?.ok_or_else(|| AppError::new(ErrorCode::NotFound))?;
    let answer = view(&mut work, me, &row).await?;
    work.commit(&state.events).await?;
    Ok(Json(answer))
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
    let mut work = UnitOfWork::begin(&state.db).await?;
    // Stamp everyone first (the removed person included), then remove.
    let seq = conversations::touch_members(&mut work, &id).await?;
    sqlx::query("DELETE FROM conversation_members WHERE conversation_id = $1 AND account_id = $2")
        .bind(&id)
        .bind(&account_id)
        .execute(&mut *work)
        .await?;
    let message_id = notice(&state, &mut work, &id, &leaving, MessageKind::Left).await?;
    // A group never stays without an admin: the longest-standing member takes over.
    let admins_left: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM conversation_members WHERE conversation_id = $1 AND is_admin = 1")
            .bind(&id)
            .fetch_one(&mut *work)
            .await?;
    let remaining: Vec<&MemberRow> = members.iter().filter(|m| m.account_id != account_id).collect();
    if admins_left == 0 {
        if let Some(heir) = remaining.first() {
            set_admin(&mut work, &id, &heir.account_id).await?;
        }
    }
    // The owner leaving withdraws their invitations (SPEC §10.1); the group passes to an admin.
    let mut withdrawn = Vec::new();
    if row.owner_id.as_deref() == Some(account_id.as_str()) {
        let now = state.clock.now_ms();
        let heir = remaining.iter().find(|m| m.admin()).or(remaining.first());
        match heir {
            Some(heir) => transfer(&mut work, &id, &heir.account_id).await?,
            None => {
                sqlx::query("UPDATE conversations SET closed_at = $1 WHERE id = $2")
                    .bind(now)
                    .bind(&id)
                    .execute(&mut *work)
                    .await?;
            }
        }
        withdrawn = sharing::end_all(&mut work, &id, Ending::Withdrawn, now).await?;
    }
    if !withdrawn.is_empty() {
        sharing::announce(&mut work, &withdrawn, &[&account_id]).await?;
    }
    work.publish(Event::ContactsChanged { organisation_id: me.organisation_id.clone(), seq });
    work.publish(changed(members.into_iter().map(|m| m.account_id).collect(), &id));
    messages::announce(&mut work, &id, &message_id).await?;
    work.commit(&state.events).await?;
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
    let mut work = UnitOfWork::begin(&state.db).await?;
    set_admin(&mut work, &id, &account_id).await?;
    work.publish(changed(members.into_iter().map(|m| m.account_id).collect(), &id));
    let answer = view(&mut work, me, &row).await?;
    work.commit(&state.events).await?;
    Ok(Json(answer))
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
    let mut work = UnitOfWork::begin(&state.db).await?;
    sqlx::query("UPDATE conversations SET name = $1 WHERE id = $2").bind(name).bind(&id).execute(&mut *work).await?;
    // The guests list shows and sorts on the group its guests were invited into.
    crate::guest_search::refresh(&mut work, crate::guest_search::SearchKey::Conversation, &id).await?;
    work.publish(changed(members.into_iter().map(|m| m.account_id).collect(), &id));
    let row = conversations::by_id(&mut *work, &id).await?.ok_or_else(|| AppError::new(ErrorCode::NotFound))?;
    let answer = view(&mut work, me, &row).await?;
    work.commit(&state.events).await?;
    Ok(Json(answer))
}
