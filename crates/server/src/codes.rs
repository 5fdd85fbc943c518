//! Issuing activation codes and sending them through the outbox.

use crate::accounts::AccountRow;
use crate::db::new_id;
use crate::outbox::{self, Channel, OutgoingMessage};
use crate::templates;
use parley_core::activation::ActivationCode;
use parley_core::time::format_utc;

/// Why a code was issued; kept with the code for audit.
#[derive(Debug, Clone, Copy)]
pub enum Purpose {
    Provisioning,
    NewUser,
    Invitation,
}

impl Purpose {
    fn as_str(self) -> &'static str {
        match self {
            Self::Provisioning => "provisioning",
            Self::NewUser => "new_user",
            Self::Invitation => "invitation",
        }
    }
}

/// Stores the keyed hash of a fresh code for `account_id`, in the caller's transaction, and
/// ends the account's earlier codes (SPEC §4: one live code at a time, so a guess is tested
/// against one code). Returns the code (to be sent, never stored) and its expiry instant.
pub async fn issue(
    conn: &mut sqlx::AnyConnection,
    key: &[u8],
    account_id: &str,
    purpose: Purpose,
    validity_ms: i64,
    now_ms: i64,
) -> sqlx::Result<(ActivationCode, i64)> {
    let code = ActivationCode::generate();
    let expires_at = now_ms + validity_ms;
    sqlx::query(
        "UPDATE activation_codes SET expires_at = $1 WHERE account_id = $2 AND used_at IS NULL AND expires_at > $3",
    )
    .bind(now_ms)
    .bind(account_id)
    .bind(now_ms)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO activation_codes (id, account_id, code_hash, purpose, expires_at, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(new_id())
    .bind(account_id)
    .bind(code.keyed_hash(key, account_id))
    .bind(purpose.as_str())
    .bind(expires_at)
    .bind(now_ms)
    .execute(&mut *conn)
    .await?;
    Ok((code, expires_at))
}

/// Issues a code and queues it by SMS (and e-mail when the account has an address) with the
/// activation-code templates, in the caller's transaction.
pub async fn issue_and_send(
    conn: &mut sqlx::AnyConnection,
    key: &[u8],
    account: &AccountRow,
    purpose: Purpose,
    validity_ms: i64,
    now_ms: i64,
) -> sqlx::Result<(ActivationCode, i64)> {
    let (code, expires_at) = issue(conn, key, &account.id, purpose, validity_ms, now_ms).await?;
    let expires = format_utc(expires_at);
    let phone = parley_core::PhoneNumber::display(&account.phone);
    let recipient = account.email.clone().unwrap_or_default();
    let values = [
        ("organisation", account.organisation_name.as_str()),
        ("code", code.expose()),
        ("phone", phone.as_str()),
        ("expires_at", expires.as_str()),
        ("first_name", account.first_name.as_str()),
        ("recipient", recipient.as_str()),
    ];
    outbox::enqueue(
        conn,
        &OutgoingMessage {
            channel: Channel::Sms,
            recipient: account.phone.clone(),
            subject: None,
            body_text: templates::ACTIVATION_SMS.render(&values),
            body_html: None,
        },
        now_ms,
    )
    .await?;
    if let Some(email) = &account.email {
        outbox::enqueue(
            conn,
            &OutgoingMessage {
                channel: Channel::Email,
                recipient: email.clone(),
                subject: Some(templates::ACTIVATION_SUBJECT.render(&values)),
                body_text: templates::ACTIVATION_EMAIL_TEXT.render(&values),
                body_html: Some(templates::ACTIVATION_EMAIL_HTML.render(&values)),
            },
            now_ms,
        )
        .await?;
    }
    Ok((code, expires_at))
}
