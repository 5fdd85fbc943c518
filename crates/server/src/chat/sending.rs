//! Messages and receipts (SPEC §10): a send is idempotent by the client's id and reaches
//! every member's sockets at once; a receipt only moves forward. Each costs a constant number
//! of queries whatever the size of the conversation; on SQLite each write waits its turn at
//! the process's [`crate::db::WriteGate`].

use crate::accounts::AccountRow;
use crate::conversations::{self, ConversationRow, Kind, MemberRow};
use crate::db::Db;
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

/// The message `me` already sent under `client_id`, if any: the same one if it is in this
/// conversation, a conflict otherwise.
pub async fn already_sent(
    db: &Db,
    me: &AccountRow,
    conversation_id: &str,
    client_id: &ClientMessageId,
) -> AppResult<Option<Sent>> {
    match messages::by_client_id(db, &me.id, client_id.as_str()).await? {
        Some(existing) => already_stored(existing, conversation_id).map(Some),
        None => Ok(None),
    }
}

/// `me` sends `body` into `conversation_id` under the client's id (not used yet: see
/// [`already_sent`]; a concurrent request with the same id is found here).
pub async fn send(
    state: &AppState,
    me: &AccountRow,
    conversation_id: &str,
    client_id: &ClientMessageId,
    body: &MessageBody,
) -> AppResult<Sent> {
    let (row, _) = super::access::joined(&state.db, me, conversation_id).await?;
    let recipient_ids = recipients(state, me, &row).await?;
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
    let (message_id, seq) = match messages::append(&mut work, &new).await {
        Ok(stored) => stored,
        // The same client id raced in on another request: that one is the message.
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
            drop(work);
            drop(gate);
            let existing = messages::by_client_id(&state.db, &me.id, client_id.as_str())
                .await?
                .ok_or_else(|| AppError::new(ErrorCode::Conflict))?;
            return already_stored(existing, conversation_id);
        }
        Err(e) => return Err(e.into()),
    };
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
async fn recipients(state: &AppState, me: &AccountRow, row: &ConversationRow) -> AppResult<Recipients> {
    let kind = Kind::from_db(&row.kind).unwrap_or(Kind::Group);
    if kind == Kind::System {
        return Err(AppError::with_message(ErrorCode::Forbidden, "This conversation is read-only."));
    }
    if row.org_wide() {
        return Ok(Recipients::org_members(&row.organisation_id));
    }
    let members = conversations::member_kinds(&state.db, &row.id).await?;
    let guest_involved =
        me.kind() == AccountKind::Guest || members.iter().any(|(_, k)| k == AccountKind::Guest.as_str());
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
