//! Chat on the client (SPEC §10, §11): the conversation list and timelines read from the local
//! cache (instant, and read-only offline) and kept current from the server; sending through
//! the offline queue; live messages, receipts and changes from the WebSocket; delivery and
//! read receipts; a desktop notification for a message while the window is unfocused.

use crate::api::HistoryPage;
use crate::chat_store::Queued;
use crate::client::{Session, Shared};
use crate::ipc::{TimelineItem, TimelinePage, TimelineQuery};
use crate::{notify, outbox};
use parley_core::chat::{message_state, MessageBody};
use parley_core::wire::{ApiError, Conversation, Message, MessageKind, MessageState, Receipt, ReceiptUpdate};
use parley_core::ErrorCode;
use std::sync::Arc;

/// Messages per timeline page.
const PAGE: u32 = 50;
/// The longest gap filled on reconnect; a longer one is dropped and fetched when opened.
const CATCH_UP: u32 = 200;

fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}

/// The conversation list: the server's when it answers (stored for next time), the cache's
/// otherwise, most recent activity first.
pub(crate) async fn conversations(shared: &Shared, session: Option<&Session>) -> Result<Vec<Conversation>, ApiError> {
    if let Some(s) = session {
        match s.api.conversations(&s.token).await {
            Ok(all) => {
                shared.cache.replace_conversations(&all).await?;
                return Ok(all);
            }
            Err(e) if e.code != ErrorCode::Network => return Err(e),
            Err(_) => {}
        }
    }
    let mut all = shared.cache.conversations().await?;
    all.sort_by_key(|c| std::cmp::Reverse(c.last_message.as_ref().map_or(c.created_at, |m| m.created_at)));
    Ok(all)
}

/// After (re)connecting: the list, then the messages each cached run is missing, then the
/// queue. Receipts say the new messages reached this device.
pub(crate) async fn catch_up(shared: &Arc<Shared>, session: &Session) -> Result<(), ApiError> {
    let all = conversations(shared, Some(session)).await?;
    for c in &all {
        if let Some((_, newest)) = shared.cache.cached_range(&c.id).await? {
            if newest < c.last_seq {
                fill_gap(shared, session, &c.id, newest).await?;
            }
        }
        if c.unread_count > 0 {
            send_receipt(session, &c.id, ReceiptUpdate { delivered_seq: Some(c.last_seq), read_seq: None });
        }
    }
    shared.ui.chat_changed(None);
    kick_drain(shared.clone());
    Ok(())
}

/// Fetches the messages after `newest`; a gap too long to fill empties the cached run.
async fn fill_gap(shared: &Shared, session: &Session, id: &str, newest: i64) -> Result<(), ApiError> {
    let page = session.api.messages(&session.token, id, Some(HistoryPage::After(newest, CATCH_UP))).await?;
    if page.has_more {
        shared.cache.drop_messages(id).await
    } else {
        shared.cache.store_messages(&page.messages).await
    }
}

fn send_receipt(session: &Session, conversation_id: &str, update: ReceiptUpdate) {
    let (session, id) = (session.clone(), conversation_id.to_owned());
    tokio::spawn(async move {
        if let Err(e) = session.api.receipts(&session.token, &id, &update).await {
            tracing::info!(code = e.code.as_str(), "receipt not sent");
        }
    });
}

fn counts_as_unread(m: &Message, me: &str) -> bool {
    m.sender_id.as_deref() != Some(me) && matches!(m.kind, MessageKind::Text | MessageKind::Welcome)
}

/// A message from the WebSocket (or the queue's acknowledgement): stored, the list entry
/// updated, a receipt sent, the user told.
pub(crate) async fn on_message(shared: &Arc<Shared>, session: &Session, m: Message) -> Result<(), ApiError> {
    if let Some((_, newest)) = shared.cache.cached_range(&m.conversation_id).await? {
        if newest < m.seq - 1 {
            fill_gap(shared, session, &m.conversation_id, newest).await?;
        }
    }
    shared.cache.store_messages(std::slice::from_ref(&m)).await?;
    let me = session.me.id.as_str();
    match shared.cache.conversation(&m.conversation_id).await? {
        Some(mut c) if c.last_seq < m.seq => {
            c.last_seq = m.seq;
            if counts_as_unread(&m, me) {
                c.unread_count += 1;
            } else if m.sender_id.as_deref() == Some(me) {
                c.read_seq = m.seq;
                c.unread_count = 0;
            }
            c.last_message = Some(m.clone());
            shared.cache.upsert_conversation(&c).await?;
        }
        Some(_) => {}
        // A conversation someone just started with this account.
        None => refresh_conversation(shared, session, &m.conversation_id).await?,
    }
    if counts_as_unread(&m, me) {
        send_receipt(session, &m.conversation_id, ReceiptUpdate { delivered_seq: Some(m.seq), read_seq: None });
        if !shared.ui.window_focused() {
            notify_message(shared, &m).await;
        }
    }
    shared.ui.chat_changed(Some(&m.conversation_id));
    Ok(())
}

async fn notify_message(shared: &Arc<Shared>, m: &Message) {
    let title = shared.cache.conversation(&m.conversation_id).await.ok().flatten().map(|c| (c.kind, c.title));
    let summary = match title {
        Some((parley_core::wire::ConversationKind::Group, title)) => format!("{} in {title}", m.sender_name),
        _ => m.sender_name.clone(),
    };
    let ui = shared.ui.clone();
    let id = m.conversation_id.clone();
    notify::show_with_click(summary, notify::message_body(&m.body), move || ui.open_conversation(&id));
}

/// Someone's receipt moved: the viewer's own (another device read) or another member's.
pub(crate) async fn on_receipt(
    shared: &Shared,
    session: &Session,
    conversation_id: &str,
    r: Receipt,
) -> Result<(), ApiError> {
    let Some(mut c) = shared.cache.conversation(conversation_id).await? else { return Ok(()) };
    if r.account_id == session.me.id {
        if r.read_seq >= c.last_seq {
            c.unread_count = 0;
        }
        c.read_seq = c.read_seq.max(r.read_seq);
    } else if let Some(member) = c.members.iter_mut().find(|m| m.contact.id == r.account_id) {
        member.delivered_seq = member.delivered_seq.max(r.delivered_seq);
        member.read_seq = member.read_seq.max(r.read_seq);
    }
    shared.cache.upsert_conversation(&c).await?;
    shared.ui.chat_changed(Some(conversation_id));
    Ok(())
}

/// Fetches one conversation again; gone (left, removed) means dropped from the cache.
pub(crate) async fn refresh_conversation(shared: &Shared, session: &Session, id: &str) -> Result<(), ApiError> {
    match session.api.conversation(&session.token, id).await {
        Ok(c) => shared.cache.upsert_conversation(&c).await?,
        Err(e) if e.code == ErrorCode::NotFound => shared.cache.remove_conversation(id).await?,
        Err(e) => return Err(e),
    }
    shared.ui.chat_changed(Some(id));
    Ok(())
}

/// Makes sure the cache holds the page asked for, fetching from the server when it can.
async fn fill_page(shared: &Shared, session: &Session, c: &Conversation, before: i64) -> Result<(), ApiError> {
    let range = shared.cache.cached_range(&c.id).await?;
    if before == i64::MAX && c.last_seq > range.map_or(0, |r| r.1) {
        // The newest messages are missing: fetch them; keep the cached run only if they join it.
        let page = session.api.messages(&session.token, &c.id, None).await?;
        let joins = match (range, page.messages.first()) {
            (Some((_, newest)), Some(first)) => first.seq <= newest + 1,
            _ => true,
        };
        if !joins {
            shared.cache.drop_messages(&c.id).await?;
        }
        shared.cache.store_messages(&page.messages).await?;
    }
    let lowest = shared.cache.cached_range(&c.id).await?.map(|r| r.0);
    let below = lowest.map_or(before, |l| l.min(before));
    let cached = shared.cache.messages_before(&c.id, before, i64::from(PAGE)).await?;
    if cached.len() < PAGE as usize && below > 1 && c.last_seq > 0 {
        let page = session.api.messages(&session.token, &c.id, Some(HistoryPage::Before(below, PAGE))).await?;
        shared.cache.store_messages(&page.messages).await?;
    }
    Ok(())
}

/// A page of a conversation's timeline (see [`TimelineQuery`]).
pub(crate) async fn timeline(
    shared: &Shared,
    session: Option<&Session>,
    me: &str,
    q: &TimelineQuery,
) -> Result<TimelinePage, ApiError> {
    let c = match shared.cache.conversation(&q.conversation_id).await? {
        Some(c) => c,
        None => {
            let s = session.ok_or_else(|| ApiError::new(ErrorCode::NotFound))?;
            let c = s.api.conversation(&s.token, &q.conversation_id).await?;
            shared.cache.upsert_conversation(&c).await?;
            c
        }
    };
    let messages = match q.from {
        Some(from) => shared.cache.messages_from(&c.id, from).await?,
        None => {
            let before = q.before.unwrap_or(i64::MAX);
            if let Some(s) = session {
                match fill_page(shared, s, &c, before).await {
                    Err(e) if e.code != ErrorCode::Network => return Err(e),
                    _ => {}
                }
            }
            shared.cache.messages_before(&c.id, before, i64::from(PAGE)).await?
        }
    };
    let has_more = messages.first().map_or(q.before.is_some_and(|b| b > 1), |m| m.seq > 1);
    let others: Vec<Receipt> = c
        .members
        .iter()
        .map(|m| Receipt { account_id: m.contact.id.clone(), delivered_seq: m.delivered_seq, read_seq: m.read_seq })
        .collect();
    let mut items: Vec<TimelineItem> = messages.iter().map(|m| stored_item(m, me, &others)).collect();
    if q.before.is_none() {
        let stored: std::collections::HashSet<&str> = messages.iter().filter_map(|m| m.client_id.as_deref()).collect();
        for queued in shared.cache.queued(Some(&c.id)).await? {
            if !stored.contains(queued.client_id.as_str()) {
                items.push(queued_item(&queued, me, session.map(|s| s.me.clone())));
            }
        }
    }
    Ok(TimelinePage { items, has_more })
}

fn stored_item(m: &Message, me: &str, others: &[Receipt]) -> TimelineItem {
    let mine = m.sender_id.as_deref() == Some(me) && m.kind == MessageKind::Text;
    TimelineItem {
        key: if mine { m.client_id.clone().unwrap_or_else(|| m.id.clone()) } else { m.id.clone() },
        conversation_id: m.conversation_id.clone(),
        seq: Some(m.seq),
        sender_id: m.sender_id.clone(),
        sender_name: m.sender_name.clone(),
        mine,
        kind: m.kind,
        body: m.body.clone(),
        created_at: m.created_at,
        state: mine.then(|| message_state(m.seq, others)),
        error: None,
    }
}

fn queued_item(q: &Queued, me: &str, who: Option<parley_core::wire::Me>) -> TimelineItem {
    TimelineItem {
        key: q.client_id.clone(),
        conversation_id: q.conversation_id.clone(),
        seq: None,
        sender_id: Some(me.to_owned()),
        sender_name: who.map(|w| format!("{} {}", w.first_name, w.last_name)).unwrap_or_default(),
        mine: true,
        kind: MessageKind::Text,
        body: q.body.clone(),
        created_at: q.created_at,
        state: Some(if q.error.is_some() { MessageState::Failed } else { MessageState::Pending }),
        error: q.error.clone(),
    }
}

/// Queues a message (checked by the core's rule first) and starts sending.
pub(crate) async fn send(
    shared: &Arc<Shared>,
    session: &Session,
    id: &str,
    body: &str,
) -> Result<TimelineItem, ApiError> {
    let body = MessageBody::parse(body).map_err(|code| ApiError::on_field(code, "body"))?;
    let conversation = shared.cache.conversation(id).await?;
    if conversation.is_some_and(|c| c.kind == parley_core::wire::ConversationKind::System) {
        return Err(ApiError::with_message(ErrorCode::Forbidden, "This conversation is read-only."));
    }
    let q = Queued {
        client_id: uuid::Uuid::new_v4().to_string(),
        conversation_id: id.to_owned(),
        body: body.as_str().to_owned(),
        created_at: now_ms(),
        error: None,
    };
    shared.cache.enqueue(&q).await?;
    shared.ui.chat_changed(Some(id));
    kick_drain(shared.clone());
    Ok(queued_item(&q, &session.me.id, Some(session.me.clone())))
}

/// Sends the queue in the background, one pass at a time (a second kick waits for the first).
pub(crate) fn kick_drain(shared: Arc<Shared>) {
    tokio::spawn(async move {
        let _one_at_a_time = shared.drain_lock.lock().await;
        let Some(session) = shared.session() else { return };
        match outbox::drain(&shared.cache, &session.api, &session.token).await {
            Ok(done) => {
                for m in done.sent {
                    let _ = on_message(&shared, &session, m).await;
                }
                for (client_id, _) in &done.refused {
                    tracing::info!(client_id, "message refused by the server");
                }
                if !done.refused.is_empty() {
                    shared.ui.chat_changed(None);
                }
                if let Some(e) = done.stopped {
                    if e.code == ErrorCode::Unauthorized {
                        shared.end_session(e).await;
                    }
                }
            }
            Err(e) => tracing::warn!(code = e.code.as_str(), "offline queue"),
        }
    });
}

/// The user saw the conversation: read up to its newest message.
pub(crate) async fn mark_read(shared: &Shared, session: &Session, id: &str) -> Result<(), ApiError> {
    let Some(mut c) = shared.cache.conversation(id).await? else { return Ok(()) };
    if c.read_seq >= c.last_seq && c.unread_count == 0 {
        return Ok(());
    }
    let update = ReceiptUpdate { delivered_seq: Some(c.last_seq), read_seq: Some(c.last_seq) };
    match session.api.receipts(&session.token, id, &update).await {
        Ok(_) | Err(ApiError { code: ErrorCode::Network, .. }) => {}
        Err(e) => return Err(e),
    }
    c.read_seq = c.last_seq;
    c.unread_count = 0;
    shared.cache.upsert_conversation(&c).await?;
    shared.ui.chat_changed(Some(id));
    Ok(())
}

/// Invitations changed: the UI refreshes; one that is new to this device and addressed to
/// the viewer raises a notification while the window is unfocused.
pub(crate) async fn on_invitations_changed(shared: &Arc<Shared>, session: &Session) -> Result<(), ApiError> {
    shared.ui.invitations_changed();
    let incoming = session.api.incoming_invitations(&session.token).await?;
    let fresh: Vec<_> = {
        let mut seen = shared.seen_invitations.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        incoming.into_iter().filter(|i| seen.insert(i.id.clone())).collect()
    };
    if !shared.ui.window_focused() {
        for i in fresh {
            let ui = shared.ui.clone();
            let body = format!("{} invites you to join “{}”.", i.inviter_name, i.conversation_title);
            notify::show_with_click("Conversation invitation".into(), body, move || ui.open_invitations());
        }
    }
    Ok(())
}
