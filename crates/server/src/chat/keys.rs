//! External keys (SPEC §10.1): a group's owner makes a key for one person (name, short
//! description, comments) and gets a code and a link, which can also be e-mailed. Whoever
//! redeems it within its validity becomes a pending guest of that conversation, under the same
//! rules as an invitation (SPEC §5–§7), and gets an activation code. Only a keyed hash of the
//! code is stored.

use crate::accounts::{self, AccountRow};
use crate::conversations::{self, ConversationRow};
use crate::db::new_id;
use crate::error::{AppError, AppResult};
use crate::guest_invitations::{group_for_guest, may_invite, provision, refuse_existing_contact};
use crate::notices;
use crate::outbox::{self, Channel, OutgoingMessage};
use crate::settings;
use crate::state::AppState;
use crate::templates;
use crate::unit_of_work::UnitOfWork;
use parley_core::activation::HOUR_MS;
use parley_core::invitation::{check_invitation, InvitationRequest};
use parley_core::sharing::{key_link, key_redeemable, KeyCode, KeyDetails, DAY_MS};
use parley_core::time::format_utc;
use parley_core::wire::{ApiError, ConversationKey, KeyCreated, KeyPreview, KeyRedeemed, RedeemKeyRequest};
use parley_core::{EmailAddress, ErrorCode};

#[derive(Debug, Clone, sqlx::FromRow)]
struct KeyRow {
    id: String,
    conversation_id: String,
    created_by: String,
    code_hash: String,
    person_name: String,
    description: String,
    comments: String,
    created_at: i64,
    expires_at: i64,
    status: String,
    /// The redeeming guest's access ends with the conversation (0/1).
    conversation_bound: i64,
    /// The days of access its creator chose.
    access_days: Option<i64>,
}

const SELECT: &str =
    "SELECT id, conversation_id, created_by, code_hash, person_name, description, comments, created_at, \
    expires_at, status, conversation_bound, access_days FROM conversation_keys";

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

/// The first refusal of a list, as the one answer.
pub fn first_error(errors: Vec<ApiError>) -> AppError {
    AppError(errors.into_iter().next().unwrap_or_else(|| ApiError::new(ErrorCode::InvalidRequest)))
}

/// A group conversation's title as someone outside it reads it.
fn outside_title(conversation: &ConversationRow) -> String {
    conversation.name.clone().unwrap_or_else(|| "a group conversation".to_owned())
}

/// The key `key_id` of the group `conversation_id`, or "No such key.".
async fn of_group(state: &AppState, conversation_id: &str, key_id: &str) -> AppResult<KeyRow> {
    sqlx::query_as(&format!("{SELECT} WHERE id = $1 AND conversation_id = $2"))
        .bind(key_id)
        .bind(conversation_id)
        .fetch_optional(&state.db)
        .await?
        .ok_or_else(|| AppError::with_message(ErrorCode::NotFound, "No such key."))
}

/// The owner `me` makes a key into their group `conversation_id`, under the same conditions
/// as inviting a guest into it (SPEC §7). The code is shown once, in the answer.
pub async fn create(
    state: &AppState,
    me: &AccountRow,
    conversation_id: &str,
    details: &KeyDetails,
    (conversation_bound, access_days): (bool, Option<u32>),
) -> AppResult<KeyCreated> {
    let settings = settings::load(&state.db, &me.organisation_id).await?;
    if !(settings.guest_invitations_enabled && may_invite(me)) {
        return Err(AppError::new(ErrorCode::NotAuthorizedToInvite));
    }
    group_for_guest(state, me, conversation_id, &settings).await?;
    // The access its guest will get, checked now as the invitation form checks it (SPEC §11.1).
    parley_core::guest_access::access_days(access_days, &settings).map_err(AppError)?;
    let code = KeyCode::generate();
    let now = state.clock.now_ms();
    let row = KeyRow {
        id: new_id(),
        conversation_id: conversation_id.to_owned(),
        created_by: me.id.clone(),
        code_hash: code.keyed_hash(&state.code_key),
        person_name: details.person_name.clone(),
        description: details.description.clone(),
        comments: details.comments.clone(),
        created_at: now,
        expires_at: now + i64::from(details.valid_days) * DAY_MS,
        status: "active".to_owned(),
        conversation_bound: i64::from(conversation_bound),
        access_days: access_days.map(i64::from),
    };
    sqlx::query(
        "INSERT INTO conversation_keys (id, conversation_id, created_by, code_hash, person_name, description, comments, \
         created_at, expires_at, status, conversation_bound, access_days) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(&row.id)
    .bind(&row.conversation_id)
    .bind(&row.created_by)
    .bind(&row.code_hash)
    .bind(&row.person_name)
    .bind(&row.description)
    .bind(&row.comments)
    .bind(row.created_at)
    .bind(row.expires_at)
    .bind(&row.status)
    .bind(row.conversation_bound)
    .bind(row.access_days)
    .execute(&state.db)
    .await?;
    tracing::info!(conversation = %conversation_id, key = %row.id, "external key created");
    Ok(KeyCreated { key: row.to_wire(now), code: code.display(), link: key_link(&state.links.server_url, &code) })
}

/// The group's keys, newest first.
pub async fn list(state: &AppState, conversation_id: &str) -> AppResult<Vec<ConversationKey>> {
    let rows: Vec<KeyRow> =
        sqlx::query_as(&format!("{SELECT} WHERE conversation_id = $1 ORDER BY created_at DESC, id"))
            .bind(conversation_id)
            .fetch_all(&state.db)
            .await?;
    let now = state.clock.now_ms();
    Ok(rows.iter().map(|r| r.to_wire(now)).collect())
}

/// Revokes a key of the group (a used, revoked or expired one stays as it is).
pub async fn revoke(state: &AppState, conversation_id: &str, key_id: &str) -> AppResult<()> {
    let row = of_group(state, conversation_id, key_id).await?;
    sqlx::query("UPDATE conversation_keys SET status = 'revoked' WHERE id = $1 AND status = 'active'")
        .bind(&row.id)
        .execute(&state.db)
        .await?;
    Ok(())
}

/// *Send by e-mail*: the link and the code to `to`, through the outbox. The code is checked
/// against the stored hash, so only the owner who saw it can send it.
pub async fn email(
    state: &AppState,
    me: &AccountRow,
    conversation: &ConversationRow,
    key_id: &str,
    code: &KeyCode,
    to: &EmailAddress,
) -> AppResult<()> {
    let row = of_group(state, &conversation.id, key_id).await?;
    if row.code_hash != code.keyed_hash(&state.code_key) {
        return Err(AppError::with_message(ErrorCode::NotFound, "No such key."));
    }
    if !key_redeemable(&row.status, row.expires_at, state.clock.now_ms()) {
        return Err(AppError::with_message(ErrorCode::Conflict, "This key can no longer be used."));
    }
    let title = outside_title(conversation);
    let inviter = format!("{} {}", me.first_name, me.last_name);
    let expires = format_utc(row.expires_at);
    let link = key_link(&state.links.server_url, code);
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
    Ok(())
}

/// A live key by its code: its row, its owner and its group; the one answer for unknown,
/// used, revoked and expired keys.
async fn live(state: &AppState, code: &str) -> AppResult<(KeyRow, AccountRow, ConversationRow)> {
    let gone = || AppError::with_message(ErrorCode::NotFound, "This key is not valid. Ask for a new one.");
    let code = KeyCode::parse(code).map_err(|_| gone())?;
    let key: KeyRow = sqlx::query_as(&format!("{SELECT} WHERE code_hash = $1"))
        .bind(code.keyed_hash(&state.code_key))
        .fetch_optional(&state.db)
        .await?
        .filter(|r: &KeyRow| key_redeemable(&r.status, r.expires_at, state.clock.now_ms()))
        .ok_or_else(gone)?;
    let owner = accounts::by_id(&state.db, &key.created_by).await?.ok_or_else(gone)?;
    let conversation = conversations::by_id(&state.db, &key.conversation_id).await?.ok_or_else(gone)?;
    Ok((key, owner, conversation))
}

/// What a live key opens, for whoever holds it.
pub async fn preview(state: &AppState, code: &str) -> AppResult<KeyPreview> {
    let (key, owner, conversation) = live(state, code).await?;
    Ok(KeyPreview {
        organisation_name: owner.organisation_name.clone(),
        conversation_title: outside_title(&conversation),
        owner_name: format!("{} {}", owner.first_name, owner.last_name),
        person_name: key.person_name,
        description: key.description,
        expires_at: key.expires_at,
    })
}

/// Redeems a live key: its holder becomes a pending guest of the key's group, invited by the
/// key's owner under the same checks as an invitation, and the activation code goes out by
/// every channel the organisation allows.
pub async fn redeem(state: &AppState, req: RedeemKeyRequest) -> AppResult<KeyRedeemed> {
    let (key, owner, conversation) = live(state, &req.code).await?;
    let settings = settings::load(&state.db, &owner.organisation_id).await?;
    let request = InvitationRequest {
        first_name: req.first_name,
        last_name: req.last_name,
        email: req.email,
        phone: req.phone,
        by_sms: settings.sms_invitations_enabled,
        by_email: settings.email_invitations_enabled,
        details: String::new(),
        conversation_id: Some(key.conversation_id.clone()),
        // The days its creator chose (none: the organisation's default); bound to the
        // conversation if the key says so.
        access_days: key.access_days.and_then(|d| u32::try_from(d).ok()),
        conversation_bound: key.conversation_bound != 0,
    };
    let valid = check_invitation(&request, &settings, may_invite(&owner)).map_err(first_error)?;
    group_for_guest(state, &owner, &key.conversation_id, &settings).await?;
    let provisioned = match refuse_existing_contact(state, &valid).await {
        Ok(()) => provision(state, &owner, &valid, &settings, Some(&key.conversation_id), Some(&key.id)).await,
        Err(refused) => Err(refused),
    };
    let code_expires_at = match provisioned {
        Ok(created) => {
            tracing::info!(key = %key.id, guest = %created.guest.id, "external key redeemed");
            created.code_expires_at
        }
        // Whether a number or an address has an account on this server is not told to whoever
        // holds a key (SPEC §4, §7.2): the key is spent, its owner is told, the answer is the same.
        Err(refused) if refused.code() == ErrorCode::ContactExists => {
            spend_on_existing_contact(state, &key, &owner).await?;
            state.clock.now_ms() + i64::from(settings.activation_code_validity_hours.max(1)) * HOUR_MS
        }
        Err(refused) => return Err(refused),
    };
    Ok(KeyRedeemed {
        phone: valid.phone.as_str().to_owned(),
        conversation_title: outside_title(&conversation),
        code_expires_at,
        message: "Your activation code is on its way. Log in with your phone number and that code.".to_owned(),
    })
}

/// A key redeemed with a phone number or e-mail that already has an account: used up with
/// nobody joining, and its owner told (a member may learn it, as when inviting).
async fn spend_on_existing_contact(state: &AppState, key: &KeyRow, owner: &AccountRow) -> AppResult<()> {
    let now = state.clock.now_ms();
    let mut work = UnitOfWork::begin(&state.db).await?;
    let spent = sqlx::query(
        "UPDATE conversation_keys SET status = 'redeemed', redeemed_at = $1 WHERE id = $2 AND status = 'active'",
    )
    .bind(now)
    .bind(&key.id)
    .execute(&mut *work)
    .await?;
    if spent.rows_affected() != 1 {
        return Err(AppError::with_message(ErrorCode::NotFound, "This key is not valid. Ask for a new one."));
    }
    let body = format!(
        "The key for {} was used with a phone number or e-mail address that already has an account on this server; \
         nobody joined. Make a new key if needed.",
        key.person_name
    );
    let notice = notices::create(&mut work, &owner.organisation_id, &owner.id, "key_refused", &body, now).await?;
    notices::announce(&mut work, vec![notice]);
    work.commit(&state.events).await?;
    tracing::info!(key = %key.id, "external key spent on an existing contact");
    Ok(())
}
