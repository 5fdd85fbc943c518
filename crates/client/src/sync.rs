//! The sync task: a delta sync at start, then the WebSocket; every `contacts_changed` event
//! triggers another delta. On any failure it goes offline and retries with exponential
//! backoff (1 s … 30 s, with jitter), or at once when asked (`sync_now`). A revoked session
//! ends it.

use crate::api::ApiClient;
use crate::cache::Cache;
use crate::client::{Session, Shared};
use crate::directory::Directory;
use crate::ipc::{Connection, SyncProgress};
use crate::{chat, notify};
use futures_util::StreamExt;
use parley_core::session::SessionToken;
use parley_core::wire::{ApiError, ContactsDelta, ListPage, ServerEvent};
use parley_core::ErrorCode;
use std::sync::Arc;
use std::time::Duration;
use tokio_tungstenite::tungstenite;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

const MAX_BACKOFF: Duration = Duration::from_secs(30);
/// How long a new socket may take to say hello.
const HELLO_WAIT: Duration = Duration::from_secs(15);

fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}

/// The account itself changed (a guest incorporated as a member, a right granted or taken):
/// its profile and its invitation form are read again. When what it may see changed (its
/// kind), the server answers the next delta with a full list.
async fn account_changed(shared: &Shared, session: &Session) -> Result<(), ApiError> {
    let me = session.api.me(&session.token).await?;
    let mut scope_changed = true;
    if let Ok(mut current) = shared.session.lock() {
        if let Some(s) = current.as_mut().filter(|s| s.me.id == me.id) {
            scope_changed = s.me.kind != me.kind;
            s.me = me.clone();
        }
    }
    if let Ok(mut o) = shared.invitation_options.lock() {
        *o = None;
    }
    shared.cache.set_me(&me).await?;
    shared.ui.me_changed(&me);
    if !scope_changed {
        return Ok(());
    }
    // The server answers a full list anyway; forgetting the cursor also covers a delta that
    // was read while the change committed.
    shared.cache.forget_cursor().await?;
    sync_once(shared, session, true).await
}

/// Messages kept per conversation in the cache (the newest); older ones are fetched again
/// when the user scrolls to them.
const KEPT_MESSAGES: i64 = 500;

pub(crate) async fn run(shared: Arc<Shared>) {
    let shared = &shared;
    // Deltas follow the index read at start-up.
    shared.index_ready().await;
    match shared.cache.prune_messages(KEPT_MESSAGES).await {
        Ok(0) => {}
        Ok(n) => tracing::info!(pruned = n, "old messages dropped from the cache"),
        Err(e) => tracing::warn!(code = e.code.as_str(), "old messages not pruned"),
    }
    let mut backoff = Duration::from_secs(1);
    shared.update_status(|s| {
        s.syncing = true;
        s.connection = Connection::Connecting;
    });
    loop {
        let Some(session) = shared.session() else { return };
        // A request on a connection pooled before the server restarted fails once; a fresh
        // connection then decides whether the server is really away.
        let first = sync_once(shared, &session, false).await;
        let synced = match first {
            Err(e) if e.code == ErrorCode::Network => sync_once(shared, &session, false).await,
            other => other,
        };
        match synced {
            Err(e) if e.code == ErrorCode::Unauthorized => return shared.end_session(e).await,
            Err(e) => {
                shared.update_status(|s| {
                    s.connection = Connection::Offline;
                    s.syncing = false;
                    s.error = Some(e);
                });
                wait(shared, &mut backoff).await;
                continue;
            }
            Ok(()) => {}
        }
        match live(shared, &session, &mut backoff).await {
            Ended::Revoked(e) => return shared.end_session(e).await,
            Ended::Disconnected => {
                shared.update_status(|s| s.connection = Connection::Offline);
                wait(shared, &mut backoff).await;
            }
        }
        shared.update_status(|s| s.connection = Connection::Connecting);
    }
}

async fn wait(shared: &Shared, backoff: &mut Duration) {
    let jitter = Duration::from_millis(u64::from(rand_jitter()) % 500);
    tokio::select! {
        _ = tokio::time::sleep(*backoff + jitter) => {}
        _ = shared.wake.notified() => {}
    }
    *backoff = (*backoff * 2).min(MAX_BACKOFF);
}

fn rand_jitter() -> u32 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0)
}

/// One delta sync: fetch since the cached cursor, store, update memory, tell the UI. Whatever
/// ends it, the progress it showed goes.
async fn sync_once(shared: &Shared, session: &Session, live_event: bool) -> Result<(), ApiError> {
    let synced = sync_delta(shared, session, live_event).await;
    if synced.is_err() {
        shared.update_status(|s| s.progress = None);
    }
    synced
}

async fn sync_delta(shared: &Shared, session: &Session, live_event: bool) -> Result<(), ApiError> {
    let cursor = shared.cache.cursor().await?;
    // A sync without a cursor (the first one, or a full one after the account's scope
    // changed) says how far it has got; a delta is too quick to.
    let first = cursor.is_none();
    let delta = session.api.contacts(&session.token, cursor.as_deref()).await?;
    let full_resync = delta.full_resync;
    let changed = if full_resync {
        let tell = |p: SyncProgress| {
            if first {
                tell_progress(shared, p);
            }
        };
        let whole = whole_list(&session.api, &session.token, &shared.cache, delta, &tell).await?;
        let n = whole.len();
        if let Ok(mut d) = shared.directory.write() {
            *d = whole;
        }
        n
    } else {
        let applied = shared.cache.apply(&delta).await?;
        let changed = shared.directory.write().map(|mut d| d.apply(applied)).unwrap_or(0);
        if live_event && changed > 0 && !shared.ui.window_focused() {
            notify::show("Parley contacts".into(), notify::contacts_changed_body(&delta.contacts, delta.removed.len()));
        }
        changed
    };
    shared.update_status(|s| {
        s.syncing = false;
        s.error = None;
        s.last_synced_at = Some(now_ms());
        s.progress = None;
    });
    if changed > 0 || full_resync {
        shared.ui.contacts_changed();
    }
    Ok(())
}

/// A whole list, from its first page to its last, into the cache in one transaction, each
/// page written while the server reads the next: answers the index built from the rows
/// written. `tell` hears how far it has got.
pub async fn whole_list(
    api: &ApiClient,
    token: &SessionToken,
    cache: &Cache,
    first: ContactsDelta,
    tell: &(dyn Fn(SyncProgress) + Send + Sync),
) -> Result<Directory, ApiError> {
    let mut list = cache.begin_list().await?;
    let mut page = first;
    loop {
        let at = page.page.clone().unwrap_or(ListPage { next: None, read: 0, total: 0 });
        tell(SyncProgress::Downloading { received: at.read, total: (at.total > 0).then_some(at.total) });
        let Some(next) = at.next else {
            tell(SyncProgress::Saving {
                contacts: u32::try_from(list.len() + page.contacts.len()).unwrap_or(u32::MAX),
            });
            list.write(&page.contacts).await?;
            break;
        };
        let (written, fetched) = tokio::join!(list.write(&page.contacts), api.contacts_page(token, &next));
        written?;
        let fetched = fetched?;
        // Every page is of the same list, as of one moment.
        if !fetched.full_resync || fetched.cursor != page.cursor {
            tracing::error!("a page of the contact list is of another list");
            return Err(ApiError::new(ErrorCode::Internal));
        }
        page = fetched;
    }
    Ok(Directory::from_rows(list.finish(&page.cursor).await?))
}

/// Tells the UI how far a first sync has got (a new stage, or one more percent downloaded).
fn tell_progress(shared: &Shared, next: SyncProgress) {
    let previous = shared.status.lock().ok().and_then(|s| s.progress);
    if SyncProgress::worth_telling(previous.as_ref(), &next) {
        shared.update_status(|s| s.progress = Some(next));
    }
}

/// Everything live events would have said, read from the server: messages and receipts
/// (from the conversation list and each cached run's gap), invitations and notices.
async fn resync(shared: &Arc<Shared>, session: &Session) -> Result<(), ApiError> {
    chat::catch_up(shared, session).await?;
    shared.ui.invitations_changed();
    shared.ui.notices_changed();
    Ok(())
}

enum Ended {
    Revoked(ApiError),
    Disconnected,
}

async fn live(shared: &Arc<Shared>, session: &Session, backoff: &mut Duration) -> Ended {
    let mut request = match session.api.websocket_url().into_client_request() {
        Ok(r) => r,
        Err(_) => return Ended::Disconnected,
    };
    if let Ok(v) = format!("Bearer {}", session.token.expose()).parse() {
        request.headers_mut().insert("Authorization", v);
    }
    let mut socket = match tokio_tungstenite::connect_async(request).await {
        Ok((s, _)) => s,
        Err(tungstenite::Error::Http(res)) if res.status() == 401 => {
            return Ended::Revoked(ApiError::new(ErrorCode::Unauthorized));
        }
        Err(e) => {
            tracing::info!(error = %e, "websocket: cannot connect");
            return Ended::Disconnected;
        }
    };
    // The server says hello once events for this socket are routed to it: what commits
    // after that arrives live, what committed before is read by the catch-up.
    match tokio::time::timeout(HELLO_WAIT, socket.next()).await {
        Ok(Some(Ok(tungstenite::Message::Text(text))))
            if matches!(serde_json::from_str(&text), Ok(ServerEvent::Hello { .. })) => {}
        _ => {
            tracing::info!("websocket: no hello");
            return Ended::Disconnected;
        }
    }
    *backoff = Duration::from_secs(1);
    shared.update_status(|s| s.connection = Connection::Online);
    tracing::info!("websocket: connected");
    // Connected: what was missed while offline (contacts changed after the last delta and
    // before this hello included), then the offline queue.
    if let Err(e) = sync_once(shared, session, false).await.and(resync(shared, session).await) {
        if e.code == ErrorCode::Unauthorized {
            return Ended::Revoked(e);
        }
        tracing::warn!(code = e.code.as_str(), "catch-up");
    }
    loop {
        tokio::select! {
            msg = socket.next() => match msg {
                Some(Ok(tungstenite::Message::Text(text))) => match serde_json::from_str::<ServerEvent>(&text) {
                    Ok(ServerEvent::ContactsChanged { .. }) => {
                        if let Err(e) = sync_once(shared, session, true).await {
                            if e.code == ErrorCode::Unauthorized { return Ended::Revoked(e); }
                            shared.update_status(|s| s.error = Some(e));
                        }
                    }
                    Ok(ServerEvent::SessionRevoked) => return Ended::Revoked(ApiError::new(ErrorCode::Unauthorized)),
                    Ok(ServerEvent::Notice { notice }) => {
                        shared.ui.notice(&notice);
                        if !shared.ui.window_focused() {
                            notify::show("Parley".into(), notice.body.clone());
                        }
                    }
                    Ok(ServerEvent::Message { message }) => {
                        if let Err(e) = chat::on_message(shared, session, message).await {
                            tracing::warn!(code = e.code.as_str(), "incoming message");
                        }
                    }
                    Ok(ServerEvent::Receipt { conversation_id, receipt }) => {
                        if let Err(e) = chat::on_receipt(shared, session, &conversation_id, receipt).await {
                            tracing::warn!(code = e.code.as_str(), "receipt");
                        }
                    }
                    Ok(ServerEvent::ConversationChanged { conversation_id }) => {
                        if let Err(e) = chat::refresh_conversation(shared, session, &conversation_id).await {
                            tracing::warn!(code = e.code.as_str(), "conversation change");
                        }
                    }
                    Ok(ServerEvent::InvitationsChanged) => {
                        if let Err(e) = chat::on_invitations_changed(shared, session).await {
                            tracing::warn!(code = e.code.as_str(), "invitations");
                        }
                    }
                    Ok(ServerEvent::AccountChanged) => {
                        if let Err(e) = account_changed(shared, session).await {
                            if e.code == ErrorCode::Unauthorized { return Ended::Revoked(e); }
                            tracing::warn!(code = e.code.as_str(), "account change");
                        }
                    }
                    Ok(ServerEvent::SettingsChanged) => {
                        if let Ok(mut o) = shared.invitation_options.lock() { *o = None; }
                        shared.ui.settings_changed();
                    }
                    Ok(ServerEvent::Resync) => {
                        tracing::info!("websocket: the server dropped events for this socket; catching up");
                        if let Err(e) = sync_once(shared, session, false).await.and(resync(shared, session).await) {
                            if e.code == ErrorCode::Unauthorized { return Ended::Revoked(e); }
                            tracing::warn!(code = e.code.as_str(), "resync");
                        }
                    }
                    Ok(ServerEvent::Hello { .. }) => {}
                    Err(e) => tracing::warn!(error = %e, "websocket: unknown event"),
                },
                Some(Ok(_)) => {}
                Some(Err(e)) => {
                    tracing::info!(error = %e, "websocket: lost");
                    return Ended::Disconnected;
                }
                None => return Ended::Disconnected,
            },
            _ = shared.wake.notified() => {
                if let Err(e) = sync_once(shared, session, false).await {
                    if e.code == ErrorCode::Unauthorized { return Ended::Revoked(e); }
                    shared.update_status(|s| s.error = Some(e));
                }
            }
        }
    }
}
