//! The invitation's SMS and e-mail (SPEC §7.5, §7.6): queued in the caller's transaction when
//! a guest is invited, sent again with a fresh code when an admin resends it, and as reminders
//! by the scheduler. A service: routes and the scheduler call it, it calls no route.

use crate::accounts::{self, AccountRow};
use crate::codes::{self, Purpose};
use crate::error::{AppError, AppResult};
use crate::outbox::{self, Channel, OutgoingMessage};
use crate::state::AppState;
use crate::templates::{self, InvitationTemplates};
use parley_core::activation::{ActivationCode, HOUR_MS};
use parley_core::invitation::{check_contact, ValidInvitation};
use parley_core::settings::OrganisationSettings;
use parley_core::time::format_utc;
use parley_core::ErrorCode;

/// Whether an invitation message is the first one, or a reminder with a fresh code (SPEC §7.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    First,
    Reminder,
}

/// Queues the invitation's SMS and/or e-mail (SPEC §7.5) with `code`, in the caller's
/// transaction; also used to resend it and for reminders.
#[allow(clippy::too_many_arguments)]
pub async fn queue(
    conn: &mut sqlx::AnyConnection,
    state: &AppState,
    inviter: &AccountRow,
    valid: &ValidInvitation,
    settings: &OrganisationSettings,
    code: &ActivationCode,
    expires_at: i64,
    now: i64,
    tone: Tone,
) -> sqlx::Result<()> {
    let t: &InvitationTemplates =
        if settings.guest_profile.desktop_access { &templates::INVITATION } else { &templates::INVITATION_MOBILE_ONLY };
    let inviter_name = format!("{} {}", inviter.first_name, inviter.last_name);
    let expires = format_utc(expires_at);
    let details_text = if valid.details.is_empty() {
        String::new()
    } else {
        format!("\nMessage from {inviter_name}: {}\n", valid.details)
    };
    let details_sms = if valid.details.is_empty() {
        String::new()
    } else {
        format!(" Message from {inviter_name}: {}", valid.details)
    };
    let values = [
        ("inviter", inviter_name.as_str()),
        ("organisation", inviter.organisation_name.as_str()),
        ("first_name", valid.first_name.as_str()),
        ("phone", valid.phone.international()),
        ("code", code.expose()),
        ("expires_at", expires.as_str()),
        ("server_url", state.links.server_url.as_str()),
        ("download_url", state.links.download_url.as_str()),
        ("details", valid.details.as_str()),
        ("details_text", details_text.as_str()),
        ("details_sms", details_sms.as_str()),
        ("recipient", valid.email.as_str()),
    ];
    if valid.by_sms {
        let sms = OutgoingMessage {
            channel: Channel::Sms,
            recipient: valid.phone.as_str().to_owned(),
            subject: None,
            body_text: match tone {
                Tone::First => t.sms.render(&values),
                Tone::Reminder => format!("Reminder: {}", t.sms.render(&values)),
            },
            body_html: None,
        };
        outbox::enqueue(conn, &sms, now).await?;
    }
    if valid.by_email {
        let email = OutgoingMessage {
            channel: Channel::Email,
            recipient: valid.email.as_str().to_owned(),
            subject: Some(match tone {
                Tone::First => templates::INVITATION_SUBJECT.render(&values),
                Tone::Reminder => templates::REMINDER_SUBJECT.render(&values),
            }),
            body_text: t.email_text.render(&values),
            body_html: Some(t.email_html.render(&values)),
        };
        outbox::enqueue(conn, &email, now).await?;
    }
    Ok(())
}

/// The stored invitation of a pending guest, sent again with a fresh code through the modes
/// still on for the organisation (SPEC §7.6: resend, reminders). In the caller's transaction.
pub async fn send_again(
    conn: &mut sqlx::AnyConnection,
    state: &AppState,
    guest_id: &str,
    settings: &OrganisationSettings,
    tone: Tone,
) -> AppResult<()> {
    if !settings.guest_invitations_enabled {
        return Err(AppError::new(ErrorCode::NotAuthorizedToInvite));
    }
    let (inviter_id, by_sms, by_email, details): (String, i64, i64, String) =
        sqlx::query_as("SELECT inviter_id, by_sms, by_email, details FROM invitations WHERE guest_id = $1")
            .bind(guest_id)
            .fetch_one(&mut *conn)
            .await?;
    let guest = accounts::by_id(&mut *conn, guest_id).await?.ok_or_else(|| AppError::new(ErrorCode::NotFound))?;
    let inviter = accounts::by_id(&mut *conn, &inviter_id).await?.ok_or_else(|| AppError::new(ErrorCode::NotFound))?;
    let (sms, email) =
        (by_sms != 0 && settings.sms_invitations_enabled, by_email != 0 && settings.email_invitations_enabled);
    // A mode turned off since: the other one, if it is on.
    let (sms, email) = match (sms, email) {
        (false, false) if settings.sms_invitations_enabled => (true, false),
        (false, false) if settings.email_invitations_enabled && guest.email.is_some() => (false, true),
        (false, false) => return Err(AppError::new(ErrorCode::NoInvitationMode)),
        modes => modes,
    };
    let mut errors = Vec::new();
    let contact = check_contact(
        &guest.first_name,
        &guest.last_name,
        guest.email.as_deref().unwrap_or_default(),
        &guest.phone,
        &OrganisationSettings::default(),
        &mut errors,
    )
    .ok_or_else(|| AppError::with_message(ErrorCode::Internal, "The stored guest details are not valid."))?;
    let valid = ValidInvitation {
        first_name: contact.first_name,
        last_name: contact.last_name,
        email: contact.email,
        phone: contact.phone,
        by_sms: sms,
        by_email: email,
        details,
        // Only the message is written here; the access was set at provisioning.
        access_days: None,
        conversation_bound: false,
    };
    let now = state.clock.now_ms();
    let validity = i64::from(settings.activation_code_validity_hours.max(1)) * HOUR_MS;
    let (code, expires_at) =
        codes::issue(&mut *conn, &state.code_key, guest_id, Purpose::Invitation, validity, now).await?;
    queue(&mut *conn, state, &inviter, &valid, settings, &code, expires_at, now, tone).await?;
    // A manual resend restarts the day before the next reminder.
    sqlx::query("UPDATE invitations SET last_reminder_at = $1 WHERE guest_id = $2")
        .bind(now)
        .bind(guest_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}
