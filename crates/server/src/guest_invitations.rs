//! Inviting a guest (SPEC §7.4), the service behind the invitation form and external keys:
//! who may invite, the checks that need the database (an existing contact, the group the guest
//! joins), and provisioning — the pending guest, the record, the code and its messages, the
//! admins' notices and the guest's place in a conversation — as one unit of work.

use crate::accounts::{self, AccountRow};
use crate::codes::{self, Purpose};
use crate::contact_audience::ContactChange;
use crate::conversations::{self, ConversationRow, Kind};
use crate::db::{new_id, next_change_seq};
use crate::error::{AppError, AppResult};
use crate::events::Event;
use crate::invitation_messages::{self, Tone};
use crate::notices;
use crate::state::AppState;
use crate::unit_of_work::UnitOfWork;
use parley_core::activation::HOUR_MS;
use parley_core::admin::ActivityAction;
use parley_core::invitation::ValidInvitation;
use parley_core::role::{AccountKind, AccountStatus, Role};
use parley_core::settings::OrganisationSettings;
use parley_core::wire::InvitationCreated;
use parley_core::ErrorCode;

/// Whether this account may invite guests at all (a member with the right; SPEC §7).
pub fn may_invite(inviter: &AccountRow) -> bool {
    inviter.kind() == AccountKind::Member && inviter.may_invite_guests != 0
}

/// Everything SPEC §7.4 does, in one transaction: the pending guest in the inviter's main
/// department, the record, the activation code and its SMS/e-mail, the admins' notices, and the
/// guest in `conversation`. `redeemed_key` is an external key used up in the same transaction.
pub async fn provision(
    state: &AppState,
    inviter: &AccountRow,
    valid: &ValidInvitation,
    settings: &OrganisationSettings,
    conversation: Option<&str>,
    redeemed_key: Option<&str>,
) -> AppResult<InvitationCreated> {
    let now = state.clock.now_ms();
    let guest_id = new_id();
    let invitation_id = new_id();
    let mut work = UnitOfWork::begin(&state.db).await?;
    let seq = next_change_seq(&mut work).await?;
    sqlx::query(
        "INSERT INTO accounts (id, organisation_id, department_id, kind, role, status, first_name, last_name, phone, email, \
         invited_by, sponsor_id, created_at, updated_at, change_seq, access_ends_at, bound_conversation_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)",
    )
    .bind(&guest_id)
    .bind(&inviter.organisation_id)
    .bind(&inviter.department_id)
    .bind(AccountKind::Guest.as_str())
    .bind(Role::Guest.as_str())
    .bind(AccountStatus::Pending.as_str())
    .bind(valid.first_name.as_str())
    .bind(valid.last_name.as_str())
    .bind(valid.phone.as_str())
    .bind(valid.email.canonical())
    .bind(&inviter.id)
    .bind(&inviter.id)
    .bind(now)
    .bind(now)
    .bind(seq)
    // SPEC §11.1: the access ends after its days, or with the conversation it joins.
    .bind(parley_core::guest_access::ends_at(valid.access_days, now))
    .bind(conversation.filter(|_| valid.conversation_bound))
    .execute(&mut *work)
    .await
    .map_err(contact_exists)?;
    sqlx::query(
        "INSERT INTO invitations (id, organisation_id, guest_id, inviter_id, department_id, conversation_id, by_sms, by_email, \
         details, status, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'pending', $10)",
    )
    .bind(&invitation_id)
    .bind(&inviter.organisation_id)
    .bind(&guest_id)
    .bind(&inviter.id)
    .bind(&inviter.department_id)
    .bind(conversation)
    .bind(i64::from(valid.by_sms))
    .bind(i64::from(valid.by_email))
    .bind(&valid.details)
    .bind(now)
    .execute(&mut *work)
    .await?;
    crate::guest_search::refresh(&mut work, crate::guest_search::SearchKey::Guest, &guest_id).await?;
    crate::activity::record(
        &mut work,
        &inviter.organisation_id,
        &inviter.id,
        ActivityAction::Invitation,
        &guest_id,
        now,
    )
    .await?;
    let validity = i64::from(settings.activation_code_validity_hours.max(1)) * HOUR_MS;
    let (code, expires_at) =
        codes::issue(&mut work, &state.code_key, &guest_id, Purpose::Invitation, validity, now).await?;
    invitation_messages::queue(&mut work, state, inviter, valid, settings, &code, expires_at, now, Tone::First).await?;
    if let Some(key_id) = redeemed_key {
        let used = sqlx::query(
            "UPDATE conversation_keys SET status = 'redeemed', redeemed_by = $1, redeemed_at = $2 WHERE id = $3 AND status = 'active'",
        )
        .bind(&guest_id)
        .bind(now)
        .bind(key_id)
        .execute(&mut *work)
        .await?;
        if used.rows_affected() != 1 {
            return Err(AppError::with_message(ErrorCode::NotFound, "This key was already used."));
        }
    }
    // The inviter sees the guest at once (SPEC §7.4 step 5), and so does everyone in the
    // conversation it joins (entry points b and c, or a key), whose member list changed.
    let mut contacts = ContactChange::default();
    let mut last_seq = seq;
    if let Some(conversation_id) = conversation {
        conversations::add_member(&mut work, conversation_id, &guest_id, false, now).await?;
        if let Some((touched, members)) = conversations::touch_members_if_tied(&mut work, conversation_id).await? {
            last_seq = touched;
            work.publish(Event::ConversationChanged {
                recipient_ids: members.clone().into(),
                conversation_id: conversation_id.to_owned(),
            });
            contacts.tie(members);
        }
    }
    contacts.account(&mut work, &guest_id).await?;
    let body = format!(
        "{} {} invited the guest {} {} ({}).",
        inviter.first_name, inviter.last_name, valid.first_name, valid.last_name, valid.phone
    );
    let mut pending = Vec::new();
    for admin in accounts::admins_for_department(&mut work, &inviter.organisation_id, &inviter.department_id).await? {
        if admin != inviter.id {
            pending
                .push(notices::create(&mut work, &inviter.organisation_id, &admin, "guest_invited", &body, now).await?);
        }
    }
    let guest = accounts::by_id(&mut *work, &guest_id).await?.ok_or_else(|| AppError::new(ErrorCode::Internal))?;
    contacts.publish(&mut work, last_seq);
    notices::announce(&mut work, pending);
    work.commit(&state.events).await?;
    state.outbox_wake.notify_one();
    tracing::info!(inviter = %inviter.id, guest = %guest_id, "invitation: guest provisioned");
    Ok(InvitationCreated { invitation_id, guest: guest.to_contact(), code_expires_at: expires_at })
}

/// The group conversation the guest may join, as read: it exists in the inviter's organisation, the
/// inviter is one of its admins, and the guest profile allows group conversations.
pub async fn group_for_guest(
    state: &AppState,
    inviter: &AccountRow,
    id: &str,
    settings: &OrganisationSettings,
) -> AppResult<ConversationRow> {
    let conversation = conversations::by_id(&state.db, id)
        .await?
        .filter(|c| c.organisation_id == inviter.organisation_id)
        .ok_or_else(|| AppError::with_message(ErrorCode::NotFound, "No such conversation."))?;
    if Kind::from_db(&conversation.kind) != Some(Kind::Group) {
        return Err(AppError::with_message(ErrorCode::InvalidRequest, "Guests join group conversations only."));
    }
    if conversation.org_wide() {
        return Err(AppError::with_message(ErrorCode::Forbidden, "Guests are never in the All group."));
    }
    let is_admin = conversations::members(&state.db, id).await?.iter().any(|m| m.account_id == inviter.id && m.admin());
    if !is_admin {
        return Err(AppError::with_message(
            ErrorCode::Forbidden,
            "Only the admins of this conversation can invite guests into it.",
        ));
    }
    if !settings.guest_profile.group_conversations {
        return Err(AppError::new(ErrorCode::FeatureNotForGuests));
    }
    Ok(conversation)
}

/// SPEC §7.2: an e-mail or phone that already belongs to someone on this server (the whole
/// server, never naming the other organisation), said on the field that clashes.
pub async fn refuse_existing_contact(state: &AppState, valid: &ValidInvitation) -> AppResult<()> {
    if accounts::live_by_phone(&state.db, valid.phone.as_str()).await?.is_some() {
        return Err(AppError::on_field(ErrorCode::ContactExists, "phone"));
    }
    let email_taken: Option<String> =
        sqlx::query_scalar("SELECT id FROM accounts WHERE email = $1 AND status <> 'deleted'")
            .bind(valid.email.canonical())
            .fetch_optional(&state.db)
            .await?;
    if email_taken.is_some() {
        return Err(AppError::on_field(ErrorCode::ContactExists, "email"));
    }
    Ok(())
}

/// A unique-index clash (a concurrent double submit) is the same refusal.
fn contact_exists(e: sqlx::Error) -> AppError {
    match AppError::from(e) {
        err if err.code() == ErrorCode::Conflict => AppError::new(ErrorCode::ContactExists),
        err => err,
    }
}
