//! SPEC §10: a newly activated account gets a welcome message from the system account, in a
//! read-only conversation of its own, and the members of the conversations it is already in
//! (a guest invited into a group) see a notice of its arrival.

use crate::accounts::AccountRow;
use crate::conversations::{self, Kind};
use crate::db::new_id;
use crate::messages::{self, NewMessage, SYSTEM_SENDER};
use crate::templates::{WELCOME_GUEST, WELCOME_MEMBER};
use parley_core::role::AccountKind;
use parley_core::wire::MessageKind;

/// A message written during activation: published once the transaction commits.
pub struct Written {
    pub conversation_id: String,
    pub message_id: String,
}

/// Inside the activation's transaction. `first_name` is the name just confirmed;
/// `inviter_name` is set for a guest.
pub async fn on_activation(
    conn: &mut sqlx::AnyConnection,
    account: &AccountRow,
    first_name: &str,
    last_name: &str,
    inviter_name: Option<&str>,
    now_ms: i64,
) -> sqlx::Result<Vec<Written>> {
    let mut written = Vec::new();
    // The arrival notices first: the conversations it was in before the welcome existed.
    let joined: Vec<String> = sqlx::query_scalar(
        "SELECT m.conversation_id FROM conversation_members m JOIN conversations c ON c.id = m.conversation_id \
         WHERE m.account_id = $1 AND c.kind = 'group' AND c.closed_at IS NULL",
    )
    .bind(&account.id)
    .fetch_all(&mut *conn)
    .await?;
    let name = format!("{first_name} {last_name}");
    for conversation_id in joined {
        let message_id =
            messages::arrival_or_departure(conn, &conversation_id, &account.id, &name, MessageKind::Joined, now_ms)
                .await?;
        written.push(Written { conversation_id, message_id });
    }

    let conversation_id = new_id();
    sqlx::query(
        "INSERT INTO conversations (id, organisation_id, kind, name, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&conversation_id)
    .bind(&account.organisation_id)
    .bind(Kind::System.as_str())
    .bind(SYSTEM_SENDER)
    .bind(&account.id)
    .bind(now_ms)
    .execute(&mut *conn)
    .await?;
    conversations::add_member(conn, &conversation_id, &account.id, false, now_ms).await?;
    let body = match (account.kind(), inviter_name) {
        (AccountKind::Guest, Some(inviter)) => WELCOME_GUEST.render(&[
            ("first_name", first_name),
            ("inviter", inviter),
            ("organisation", &account.organisation_name),
        ]),
        _ => WELCOME_MEMBER.render(&[("first_name", first_name), ("organisation", &account.organisation_name)]),
    };
    let new = NewMessage {
        conversation_id: &conversation_id,
        sender_id: None,
        client_id: None,
        kind: MessageKind::Welcome,
        body: &body,
        now_ms,
    };
    let (message_id, _) = messages::append(conn, &new).await?;
    written.push(Written { conversation_id, message_id });
    Ok(written)
}
