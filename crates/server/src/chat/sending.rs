//! Messages and receipts (SPEC §10): a send is idempotent by the client's id and reaches
//! every member's sockets at once; a receipt only moves forward. Each costs a constant number
//! of queries whatever the size of the conversation; on SQLite each write waits its turn at
//! the process's [`crate::db::WriteGate`].

use crate::accounts::AccountRow;
use crate::conversations::{self, ConversationRow, Kind, MemberRow};
use crate::error::{AppError, AppResult};
use crate::events::{Event, Recipients};
use crate::messages::{self, NewMessage};
use crate::state::AppState;
use crate::unit_of_work::UnitOfWork;
use parley_core::chat::{ClientMessageId, MessageBody};
use parley_core::role::AccountKind;
use parley_core::wire::{Message, MessageKind, Receipt, ReceiptUpdate};
use parley_core::ErrorCode;

/// What a send did: stored a new message, or found it already stored under its client id
/// (a resend after a lost acknowledgement).
pub enum Sent {
    New(Message),
    AlreadyStored(Message),
}

/// A stored message found again by its client id: the same one if it is in this
/// conversation, a conflict otherwise.
fn already_stored(existing: Message, conversation_id: &str) -> AppResult<Sent> {
    if existing.conversation_id == conversation_id {
        Ok(Sent::AlreadyStored(existing))
    } else {
        Err(AppError::with_message(ErrorCode::Conflict, "This message id was already used in another conversation."))
    }
}

/// `me` sends `body` into `conversation_id` under the client's id. A resend after a lost
/// acknowledgement gets the stored message back, whatever happened since (even if `me` may no
/// longer write there): it is looked for only when the new message cannot be stored, so a
/// first send costs one read before its write.
pub async fn send(
    state: &AppState,
    me: &AccountRow,
    conversation_id: &str,
    client_id: &ClientMessageId,
    body: Result<MessageBody, AppError>,
) -> AppResult<Sent> {
    match store(state, me, conversation_id, client_id, body).await {
        Ok(sent) => Ok(sent),
        Err(refused) => match messages::by_client_id(&state.db, &me.id, client_id.as_str()).await? {
            Some(existing) => already_stored(existing, conversation_id),
            None => Err(refused),
        },
    }
}

/// Stores a new message: one read (the conversation, that `me` is in it, and its members),
/// then one write transaction at the [`crate::db::WriteGate`]. A concurrent request with the
/// same client id is found by the unique index.
async fn store(
    state: &AppState,
    me: &AccountRow,
    conversation_id: &str,
    client_id: &ClientMessageId,
    body: Result<MessageBody, AppError>,
) -> AppResult<Sent> {
    let (row, members) = conversations::for_sending(&state.db, conversation_id, &me.id)
        .await?
        .filter(|(c, _)| c.organisation_id == me.organisation_id)
        .ok_or_else(|| AppError::new(ErrorCode::NotFound))?;
    let body = body?;
    let recipient_ids = recipients(state, me, &row, members).await?;
    let now = state.clock.now_ms();
    let gate = state.writes.enter().await;
    let mut work = UnitOfWork::begin(&state.db).await?;
    let new = NewMessage {
        conversation_id,
        sender_id: Some(&me.id),
        client_id: Some(client_id.as_str()),
        kind: MessageKind::Text,
        body: body.as_str(),
        now_ms: now,
    };
    // The same client id already stored (a resend, or a concurrent request): the unique index
    // refuses it and [`send`] answers with the stored one.
    let (message_id, seq) = messages::append(&mut work, &new).await.map_err(|e| match e {
        sqlx::Error::Database(e) if e.is_unique_violation() => AppError::new(ErrorCode::Conflict),
        e => e.into(),
    })?;
    // What was stored, as the history will read it: no need to read it back.
    let message = Message {
        id: message_id,
        conversation_id: conversation_id.to_owned(),
        seq,
        client_id: Some(client_id.as_str().to_owned()),
        sender_id: Some(me.id.clone()),
        sender_name: format!("{} {}", me.first_name, me.last_name),
        kind: MessageKind::Text,
        body: body.as_str().to_owned(),
        created_at: now,
    };
    work.publish(Event::Message { recipient_ids, message: message.clone() });
    work.commit(&state.events).await?;
    drop(gate);
    Ok(Sent::New(message))
}

/// Who receives a message `me` writes into `row`, refusing what may not be written: the
/// system conversation is read-only; with a guest in it, the conversation's kind must be on in
/// the guest profile (SPEC §6). The ALL group's recipients are the organisation's members,
/// never a guest (SPEC §2); any other conversation's are read in one query, whatever its size.
async fn recipients(
    state: &AppState,
    me: &AccountRow,
    row: &ConversationRow,
    members: Vec<(String, AccountKind)>,
) -> AppResult<Recipients> {
    let kind = Kind::from_db(&row.kind).unwrap_or(Kind::Group);
    if kind == Kind::System {
        return Err(AppError::with_message(ErrorCode::Forbidden, "This conversation is read-only."));
    }
    if row.org_wide() {
        return Ok(Recipients::org_members(&row.organisation_id));
    }
    let guest_involved = me.kind() == AccountKind::Guest || members.iter().any(|(_, k)| *k == AccountKind::Guest);
    if guest_involved {
        super::access::guest_profile_allows(&state.db, &me.organisation_id, kind).await?;
    }
    Ok(members.into_iter().map(|(account_id, _)| account_id).collect())
}

/// Moves `me`'s receipt in `row` (where `mine` is their membership) forward and tells the
/// members when it moved. In the ALL group only the reader's own devices hear of it: every
/// member's receipt told to every member would grow with the square of the organisation.
pub async fn receipt(
    state: &AppState,
    me: &AccountRow,
    row: &ConversationRow,
    mine: &MemberRow,
    update: &ReceiptUpdate,
) -> AppResult<Receipt> {
    let before = (mine.delivered_seq, mine.read_seq);
    // Who hears of it is read first, so nothing is read after the write.
    let recipient_ids: Recipients = if row.org_wide() {
        vec![me.id.clone()].into()
    } else {
        conversations::member_ids(&state.db, &row.id).await?.into()
    };
    let gate = state.writes.enter().await;
    let receipt =
        messages::advance_receipt(&state.db, &row.id, &me.id, row.last_seq, update.delivered_seq, update.read_seq)
            .await?
            .ok_or_else(|| AppError::new(ErrorCode::NotFound))?;
    drop(gate);
    if before != (receipt.delivered_seq, receipt.read_seq) {
        state.events.publish(Event::Receipt {
            recipient_ids,
            conversation_id: row.id.clone(),
            receipt: receipt.clone(),
        });
    }
    Ok(receipt)
}
