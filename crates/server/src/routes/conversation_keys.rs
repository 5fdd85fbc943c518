//! External keys (SPEC §10.1): a group's owner makes a key for one person (name, short
//! description, comments) and gets a code and a link, which can also be e-mailed. Whoever
//! redeems it within its validity becomes a pending guest of that conversation, under the same
//! rules as an invitation (SPEC §5–§7: forbidden domains and country codes, existing contacts,
//! the inviter's right), and gets an activation code.

use crate::accounts::{self, AccountRow};
use crate::conversations;
use crate::db::new_id;
use crate::error::{ApiJson, AppError, AppResult};
use crate::guest_invitations::{group_for_guest, may_invite, provision, refuse_existing_contact};
use crate::outbox::{self, Channel, OutgoingMessage};
use crate::routes::conversations::{group_with_right, GroupRight};
use crate::routes::{ActiveSession, ClientAddress};
use crate::settings;
use crate::state::AppState;
use crate::templates;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::Json;
use parley_core::activation::THROTTLE_WINDOW_MS;
use parley_core::invitation::{check_invitation, InvitationRequest};
use parley_core::sharing::{key_link, key_redeemable, KeyCode, KeyDetails, DAY_MS};
use parley_core::time::format_utc;
use parley_core::wire::{
    ApiError, ConversationKey, CreateKeyRequest, KeyCreated, KeyPreview, KeyRedeemed, RedeemKeyRequest, SendKeyRequest,
};
use parley_core::{EmailAddress, ErrorCode};

pub fn router() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/api/v1/conversations/{id}/keys", get(list).post(create))
        .route("/api/v1/conversations/{id}/keys/{key_id}/email", post(email))
        .route("/api/v1/conversations/{id}/keys/{key_id}/revoke", post(revoke))
        .route("/api/v1/keys/redeem", post(redeem))
        .route("/api/v1/keys/{code}", get(preview))
}

/// Redemption attempts per client address per window: a guesser's odds stay negligible.
const REDEEM_PER_ADDRESS: u32 = 20;

#[derive(Debug, Clone, sqlx::FromRow)]
struct KeyRow {
    id: String,
    conversation_id: String,
    created_by: String,
    person_name: String,
    description: String,
    comments: String,
    created_at: i64,
    expires_at: i64,
    status: String,
}

const SELECT: &str =
    "SELECT id, conversation_id, created_by, person_name, description, comments, created_at, expires_at, \
    status FROM conversation_keys";

impl KeyRow {
    fn to_wire(&self, now: i64) -> ConversationKey {
        let status = if self.status == "active" && now >= self.expires_at { "expired" } else { self.status.as_str() };
        ConversationKey {
            id: self.id.clone(),
            conversation_id: self.conversation_id.clone(),
            person_name: self.person_name.clone(),
            description: self.description.clone(),
            comments: self.comments.clone(),
            created_at: self.created_at,
            expires_at: self.expires_at,
            status: status.to_owned(),
        }
    }
}

/// The group `me` owns (keys are the owner's, like invitations).
async fn owned(state: &AppState, me: &AccountRow, id: &str) -> AppResult<conversations::ConversationRow> {
    Ok(group_with_right(state, me, id, GroupRight::Owner).await?.0)
}

fn first_error(errors: Vec<ApiError>) -> AppError {
    AppError(errors.into_iter().next().unwrap_or_else(|| ApiError::new(ErrorCode::InvalidRequest)))
}

#[utoipa::path(post, path = "/api/v1/conversations/{id}/keys", request_body = CreateKeyRequest,
    responses((status = 201, body = KeyCreated), (status = 403, body = parley_core::wire::ApiError),
              (status = 422, body = parley_core::wire::ApiError)), security(("bearer" = [])))]
pub async fn create(
    State(state): State<AppState>,
    session: ActiveSession,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<CreateKeyRequest>,
) -> AppResult<(StatusCode, Json<KeyCreated>)> {
    let me = &session.account;
    owned(&state, me, &id).await?;
    let details =
        KeyDetails::parse(&req.person_name, &req.description, &req.comments, req.valid_days).map_err(first_error)?;
    // The same conditions as inviting a guest into this group (SPEC §7).
    let settings = settings::load(&state.db, &me.organisation_id).await?;
    if !(settings.guest_invitations_enabled && may_invite(me)) {
        return Err(AppError::new(ErrorCode::NotAuthorizedToInvite));
    }
    group_for_guest(&state, me, &id, &settings).await?;
    let code = KeyCode::generate();
    let now = state.clock.now_ms();
    let key_id = new_id();
    sqlx::query(
        "INSERT INTO conversation_keys (id, conversation_id, created_by, code_hash, person_name, description, comments, \
         created_at, expires_at, status) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'active')",
    )
    .bind(&key_id)
    .bind(&id)
    .bind(&me.id)
    .bind(code.keyed_hash(&state.code_key))
    .bind(&details.person_name)
    .bind(&details.description)
    .bind(&details.comments)
    .bind(now)
    .bind(now + i64::from(details.valid_days) * DAY_MS)
    .execute(&state.db)
    .await?;
    let row = by_id(&state, &key_id).await?;
    tracing::info!(conversation = %id, key = %key_id, "external key created");
    Ok((
        StatusCode::CREATED,
        Json(KeyCreated {
            key: row.to_wire(now),
            code: code.display(),
            link: key_link(&state.links.server_url, &code),
        }),
    ))
}

async fn by_id(state: &AppState, key_id: &str) -> AppResult<KeyRow> {
    sqlx::query_as(&format!("{SELECT} WHERE id = $1"))
        .bind(key_id)
        .fetch_optional(&state.db)
        .await?
        .ok_or_else(|| AppError::with_message(ErrorCode::NotFound, "No such key."))
}

#[utoipa::path(get, path = "/api/v1/conversations/{id}/keys",
    responses((status = 200, body = [ConversationKey]), (status = 403, body = parley_core::wire::ApiError)), security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    session: ActiveSession,
    Path(id): Path<String>,
) -> AppResult<Json<Vec<ConversationKey>>> {
    owned(&state, &session.account, &id).await?;
    let rows: Vec<KeyRow> =
        sqlx::query_as(&format!("{SELECT} WHERE conversation_id = $1 ORDER BY created_at DESC, id"))
            .bind(&id)
            .fetch_all(&state.db)
            .await?;
    let now = state.clock.now_ms();
    Ok(Json(rows.iter().map(|r| r.to_wire(now)).collect()))
}

#[utoipa::path(post, path = "/api/v1/conversations/{id}/keys/{key_id}/revoke",
    responses((status = 204), (status = 403, body = parley_core::wire::ApiError)), security(("bearer" = [])))]
pub async fn revoke(
    State(state): State<AppState>,
    session: ActiveSession,
    Path((id, key_id)): Path<(String, String)>,
) -> AppResult<StatusCode> {
    owned(&state, &session.account, &id).await?;
    let row = by_id(&state, &key_id).await?;
    if row.conversation_id != id {
        return Err(AppError::with_message(ErrorCode::NotFound, "No such key."));
    }
    sqlx::query("UPDATE conversation_keys SET status = 'revoked' WHERE id = $1 AND status = 'active'")
        .bind(&key_id)
        .execute(&state.db)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// *Send by e-mail*: the link and the code, through the outbox. The code is checked against
/// the stored hash, so only the owner who saw it can send it.
#[utoipa::path(post, path = "/api/v1/conversations/{id}/keys/{key_id}/email", request_body = SendKeyRequest,
    responses((status = 202), (status = 422, body = parley_core::wire::ApiError)), security(("bearer" = [])))]
pub async fn email(
    State(state): State<AppState>,
    session: ActiveSession,
    Path((id, key_id)): Path<(String, String)>,
    ApiJson(req): ApiJson<SendKeyRequest>,
) -> AppResult<StatusCode> {
    let me = &session.account;
    let conversation = owned(&state, me, &id).await?;
    let to = EmailAddress::parse(&req.email).map_err(|_| AppError::on_field(ErrorCode::InvalidFormat, "email"))?;
    let row = by_id(&state, &key_id).await?;
    let code = KeyCode::parse(&req.code).map_err(|c| AppError::on_field(c, "code"))?;
    let stored: Option<String> = sqlx::query_scalar("SELECT code_hash FROM conversation_keys WHERE id = $1")
        .bind(&key_id)
        .fetch_optional(&state.db)
        .await?;
    if row.conversation_id != id || stored.as_deref() != Some(code.keyed_hash(&state.code_key).as_str()) {
        return Err(AppError::with_message(ErrorCode::NotFound, "No such key."));
    }
    if !key_redeemable(&row.status, row.expires_at, state.clock.now_ms()) {
        return Err(AppError::with_message(ErrorCode::Conflict, "This key can no longer be used."));
    }
    let title = conversation.name.clone().unwrap_or_else(|| "a group conversation".to_owned());
    let inviter = format!("{} {}", me.first_name, me.last_name);
    let expires = format_utc(row.expires_at);
    let link = key_link(&state.links.server_url, &code);
    let display = code.display();
    let values = [
        ("person_name", row.person_name.as_str()),
        ("inviter", inviter.as_str()),
        ("organisation", me.organisation_name.as_str()),
        ("conversation", title.as_str()),
        ("description", row.description.as_str()),
        ("link", link.as_str()),
        ("code", display.as_str()),
        ("expires_at", expires.as_str()),
        ("server_url", state.links.server_url.as_str()),
        ("download_url", state.links.download_url.as_str()),
    ];
    let message = OutgoingMessage {
        channel: Channel::Email,
        recipient: to.as_str().to_owned(),
        subject: Some(templates::KEY_SUBJECT.render(&values)),
        body_text: templates::KEY_EMAIL_TEXT.render(&values),
        body_html: Some(templates::KEY_EMAIL_HTML.render(&values)),
    };
    let mut conn = state.db.acquire().await?;
    outbox::enqueue(&mut conn, &message, state.clock.now_ms()).await?;
    drop(conn);
    state.outbox_wake.notify_one();
    Ok(StatusCode::ACCEPTED)
}

/// An active key by its code, or the one answer for unknown, used, revoked and expired keys.
async fn live_key(state: &AppState, code: &str) -> AppResult<KeyRow> {
    let gone = || AppError::with_message(ErrorCode::NotFound, "This key is not valid. Ask for a new one.");
    let code = KeyCode::parse(code).map_err(|_| gone())?;
    let row: Option<KeyRow> = sqlx::query_as(&format!("{SELECT} WHERE code_hash = $1"))
        .bind(code.keyed_hash(&state.code_key))
        .fetch_optional(&state.db)
        .await?;
    row.filter(|r| key_redeemable(&r.status, r.expires_at, state.clock.now_ms())).ok_or_else(gone)
}

async fn throttle(state: &AppState, addr: std::net::IpAddr) -> AppResult<()> {
    let key = format!("key-redeem:{addr}");
    if crate::throttle::allow(&state.db, &key, REDEEM_PER_ADDRESS, THROTTLE_WINDOW_MS, state.clock.now_ms()).await? {
        Ok(())
    } else {
        Err(AppError::new(ErrorCode::Throttled))
    }
}

#[utoipa::path(get, path = "/api/v1/keys/{code}",
    responses((status = 200, body = KeyPreview), (status = 404, body = parley_core::wire::ApiError), (status = 429, body = parley_core::wire::ApiError)))]
pub async fn preview(
    State(state): State<AppState>,
    ClientAddress(addr): ClientAddress,
    Path(code): Path<String>,
) -> AppResult<Json<KeyPreview>> {
    throttle(&state, addr).await?;
    let key = live_key(&state, &code).await?;
    let owner = accounts::by_id(&state.db, &key.created_by).await?.ok_or_else(|| AppError::new(ErrorCode::NotFound))?;
    let conversation = conversations::by_id(&state.db, &key.conversation_id)
        .await?
        .ok_or_else(|| AppError::new(ErrorCode::NotFound))?;
    Ok(Json(KeyPreview {
        organisation_name: owner.organisation_name.clone(),
        conversation_title: conversation.name.unwrap_or_else(|| "a group conversation".to_owned()),
        owner_name: format!("{} {}", owner.first_name, owner.last_name),
        person_name: key.person_name,
        description: key.description,
        expires_at: key.expires_at,
    }))
}

#[utoipa::path(post, path = "/api/v1/keys/redeem", request_body = RedeemKeyRequest,
    responses((status = 201, body = KeyRedeemed), (status = 404, body = parley_core::wire::ApiError),
              (status = 409, body = parley_core::wire::ApiError), (status = 422, body = parley_core::wire::ApiError),
              (status = 429, body = parley_core::wire::ApiError)))]
pub async fn redeem(
    State(state): State<AppState>,
    ClientAddress(addr): ClientAddress,
    ApiJson(req): ApiJson<RedeemKeyRequest>,
) -> AppResult<(StatusCode, Json<KeyRedeemed>)> {
    throttle(&state, addr).await?;
    let key = live_key(&state, &req.code).await?;
    let owner = accounts::by_id(&state.db, &key.created_by).await?.ok_or_else(|| AppError::new(ErrorCode::NotFound))?;
    let settings = settings::load(&state.db, &owner.organisation_id).await?;
    // The code goes out by every channel the organisation allows.
    let request = InvitationRequest {
        first_name: req.first_name,
        last_name: req.last_name,
        email: req.email,
        phone: req.phone,
        by_sms: settings.sms_invitations_enabled,
        by_email: settings.email_invitations_enabled,
        details: String::new(),
        conversation_id: Some(key.conversation_id.clone()),
    };
    let valid = check_invitation(&request, &settings, may_invite(&owner)).map_err(first_error)?;
    group_for_guest(&state, &owner, &key.conversation_id, &settings).await?;
    refuse_existing_contact(&state, &valid).await?;
    let created = provision(&state, &owner, &valid, &settings, Some(&key.conversation_id), Some(&key.id)).await?;
    let conversation = conversations::by_id(&state.db, &key.conversation_id)
        .await?
        .ok_or_else(|| AppError::new(ErrorCode::NotFound))?;
    tracing::info!(key = %key.id, guest = %created.guest.id, "external key redeemed");
    Ok((
        StatusCode::CREATED,
        Json(KeyRedeemed {
            phone: created.guest.phone.clone(),
            conversation_title: conversation.name.unwrap_or_else(|| "a group conversation".to_owned()),
            code_expires_at: created.code_expires_at,
            message: "Your activation code is on its way. Log in with your phone number and that code.".to_owned(),
        }),
    ))
}
