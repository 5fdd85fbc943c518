//! The facade the IPC commands call. It decides which screen to show from the keyring and
//! the cache, runs the sync task while a session is active, and ends the session cleanly when
//! the server revokes it.

use crate::api::ApiClient;
use crate::cache::Cache;
use crate::chat;
use crate::directory::Directory;
use crate::ipc::{
    AppState, Connection, ContactsPage, ContactsQuery, DepartmentFilter, PhoneCheck, Screen, SyncStatus, TimelineItem,
    TimelinePage, TimelineQuery,
};
use crate::session_store::SessionStore;
use parley_core::invitation::{check_invitation, InvitationRequest};
use parley_core::session::SessionToken;
use parley_core::visibility::preview::{GuestPreview, InvitationPreviewRequest};
use parley_core::wire::{
    ApiError, CompleteFirstLoginRequest, Conversation, CreateConversationRequest, InvitationCreated, InvitationOptions,
    Me, Notice, RequestCodeResponse,
};
use parley_core::{ErrorCode, PhoneNumber};
use std::future::Future;
use std::path::Path;
use std::sync::{Arc, Mutex, RwLock};
use tokio::sync::Notify;
use tokio::task::JoinHandle;

pub const DEFAULT_SERVER_URL: &str = "http://127.0.0.1:8080";

/// What the client tells the UI, implemented by the Tauri shell (events + window focus).
pub trait UiEvents: Send + Sync + 'static {
    fn sync_status(&self, status: &SyncStatus);
    fn contacts_changed(&self);
    fn session_ended(&self, error: &ApiError);
    /// A new in-app notice arrived (the sync task also raises a desktop notification).
    fn notice(&self, notice: &Notice);
    /// Conversations or messages changed: one conversation, or (None) possibly all of them.
    fn chat_changed(&self, conversation_id: Option<&str>);
    /// The user clicked a message notification: show the window and this conversation.
    fn open_conversation(&self, conversation_id: &str);
    /// Conversation invitations received or sent changed.
    fn invitations_changed(&self);
    /// The user clicked an invitation notification: show the window and the invitations.
    fn open_invitations(&self);
    fn window_focused(&self) -> bool;
    /// The signed-in account changed (e.g. incorporated as a member).
    fn me_changed(&self, me: &Me);
    /// The organisation's settings changed: forms that depend on them reload.
    fn settings_changed(&self);
    /// Notices may have arrived unannounced (after a reconnect or a resync): read them again.
    fn notices_changed(&self);
}

#[derive(Clone)]
pub(crate) struct Session {
    pub api: ApiClient,
    pub token: SessionToken,
    pub me: Me,
}

pub(crate) struct Shared {
    pub cache: Cache,
    pub store: SessionStore,
    /// Empty until read from the cache after start-up ([`Shared::index_ready`]).
    pub directory: RwLock<Directory>,
    /// True once `directory` holds the cache's index; the first pages do not wait for it.
    pub index_loaded: tokio::sync::watch::Sender<bool>,
    pub status: Mutex<SyncStatus>,
    pub session: Mutex<Option<Session>>,
    pub ui: Arc<dyn UiEvents>,
    pub wake: Notify,
    /// One pass of the offline queue at a time.
    pub drain_lock: tokio::sync::Mutex<()>,
    /// Conversation invitations already announced on this device.
    pub seen_invitations: Mutex<std::collections::HashSet<String>>,
    sync_task: Mutex<Option<JoinHandle<()>>>,
    /// The invitation form's options, fetched once per session.
    pub invitation_options: Mutex<Option<InvitationOptions>>,
}

#[derive(Clone)]
pub struct Client {
    pub(crate) shared: Arc<Shared>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Shared {
    /// Waits until the index has been read from the cache (at once after start-up's read).
    pub async fn index_ready(&self) {
        let mut loaded = self.index_loaded.subscribe();
        let _ = loaded.wait_for(|&l| l).await;
    }

    pub fn session(&self) -> Option<Session> {
        lock(&self.session).clone()
    }

    pub fn update_status(&self, f: impl FnOnce(&mut SyncStatus)) {
        let snapshot = {
            let mut s = lock(&self.status);
            let revision = s.revision + 1;
            f(&mut s);
            s.revision = revision;
            if *self.index_loaded.borrow() {
                s.contact_count = self.directory.read().map(|d| d.len() as u32).unwrap_or(0);
            }
            s.clone()
        };
        self.ui.sync_status(&snapshot);
    }

    /// Forgets the session everywhere (keyring, cache, memory) and tells the UI.
    pub async fn end_session(&self, error: ApiError) {
        let Some(session) = lock(&self.session).take() else { return };
        lock(&self.invitation_options).take();
        if let Err(e) = self.store.delete(session.api.base()) {
            tracing::warn!(code = e.code.as_str(), "could not delete the keyring entry");
        }
        let _ = self.cache.clear_account().await;
        self.index_ready().await;
        if let Ok(mut d) = self.directory.write() {
            *d = Directory::default();
        }
        self.update_status(|s| *s = idle_status());
        tracing::info!(code = error.code.as_str(), "session ended");
        self.ui.session_ended(&error);
    }
}

fn idle_status() -> SyncStatus {
    SyncStatus {
        connection: Connection::Offline,
        last_synced_at: None,
        syncing: false,
        contact_count: 0,
        error: None,
        revision: 0,
        progress: None,
    }
}

impl Client {
    /// Opens the cache in `data_dir`; the index of the cached contacts is read in the
    /// background (the first pages are read straight from the cache meanwhile).
    pub async fn open(data_dir: &Path, ui: Arc<dyn UiEvents>) -> Result<Self, ApiError> {
        let cache = Cache::open(&data_dir.join("cache.db")).await?;
        let status = SyncStatus { contact_count: cache.contact_count().await?, ..idle_status() };
        let client = Self {
            shared: Arc::new(Shared {
                cache,
                store: SessionStore,
                directory: RwLock::new(Directory::default()),
                index_loaded: tokio::sync::watch::channel(false).0,
                status: Mutex::new(status),
                session: Mutex::new(None),
                ui,
                wake: Notify::new(),
                drain_lock: tokio::sync::Mutex::new(()),
                seen_invitations: Mutex::default(),
                sync_task: Mutex::new(None),
                invitation_options: Mutex::new(None),
            }),
        };
        // The first page formats phone numbers: the numbering plans are read meanwhile.
        tokio::task::spawn_blocking(parley_core::PhoneNumber::warm_up);
        let shared = client.shared.clone();
        tokio::spawn(async move {
            // Whatever becomes of the read (an error, a panic, the runtime shutting down), no
            // one waits for the index for ever.
            struct Loaded(Arc<Shared>);
            impl Drop for Loaded {
                fn drop(&mut self) {
                    self.0.index_loaded.send_replace(true);
                }
            }
            let loaded = Loaded(shared.clone());
            match shared.cache.directory().await {
                Ok(whole) => {
                    if let Ok(mut d) = shared.directory.write() {
                        *d = whole;
                    }
                }
                Err(e) => {
                    tracing::error!(code = e.code.as_str(), "contacts index not read; the next sync is a full one");
                    let _ = shared.cache.forget_cursor().await;
                }
            }
            drop(loaded);
            shared.update_status(|_| {});
        });
        Ok(client)
    }

    /// What to show at start-up: contacts straight from the cache when the keyring holds a
    /// session, the login screen otherwise.
    pub async fn app_state(&self) -> Result<AppState, ApiError> {
        let server_url = self.shared.cache.server_url().await?.unwrap_or_else(|| DEFAULT_SERVER_URL.to_owned());
        if let Some(session) = self.shared.session() {
            return Ok(self.state_for(server_url, session.me));
        }
        let token = self.shared.store.load(&server_url).unwrap_or_else(|e| {
            tracing::warn!(code = e.code.as_str(), "keyring unavailable; starting logged out");
            None
        });
        let me = self.shared.cache.me().await?;
        match (token, me) {
            (Some(token), Some(me)) => {
                let api = ApiClient::new(&server_url)?;
                *lock(&self.shared.session) = Some(Session { api, token, me: me.clone() });
                if may_sync(&me) {
                    self.start_sync();
                }
                Ok(self.state_for(server_url, me))
            }
            _ => Ok(AppState { server_url, me: None, screen: Screen::Login }),
        }
    }

    fn state_for(&self, server_url: String, me: Me) -> AppState {
        let screen = if me.first_login_required {
            Screen::FirstLogin
        } else if me.awaiting_confirmation {
            Screen::AwaitingConfirmation
        } else {
            Screen::Contacts
        };
        AppState { server_url, me: Some(me), screen }
    }

    pub fn check_phone(calling_code: &str, national: &str) -> PhoneCheck {
        match PhoneNumber::from_parts(calling_code, national) {
            Ok(p) => PhoneCheck { e164: Some(p.as_str().to_owned()), error: None },
            Err(_) => PhoneCheck { e164: None, error: Some(ApiError::on_field(ErrorCode::InvalidFormat, "phone")) },
        }
    }

    pub async fn request_code(&self, server_url: &str, phone: &str) -> Result<RequestCodeResponse, ApiError> {
        let api = ApiClient::new(server_url)?;
        let answer = api.request_code(phone).await?;
        self.shared.cache.set_server_url(api.base()).await?;
        Ok(answer)
    }

    pub async fn login(&self, server_url: &str, phone: &str, code: &str) -> Result<Me, ApiError> {
        let api = ApiClient::new(server_url)?;
        let answer = api.login(phone, code).await?;
        let token = SessionToken::from_secret(answer.token);
        self.shared.store.save(api.base(), &token)?;
        // The index read at start-up must not land on top of another account's cache.
        self.shared.index_ready().await;
        let same_account = self.shared.cache.me().await?.is_some_and(|m| m.id == answer.me.id)
            && self.shared.cache.server_url().await?.as_deref() == Some(api.base());
        if !same_account {
            self.shared.cache.clear_account().await?;
            if let Ok(mut d) = self.shared.directory.write() {
                *d = Directory::default();
            }
        }
        self.shared.cache.set_server_url(api.base()).await?;
        self.shared.cache.set_me(&answer.me).await?;
        *lock(&self.shared.session) = Some(Session { api, token, me: answer.me.clone() });
        if may_sync(&answer.me) {
            self.start_sync();
        }
        Ok(answer.me)
    }

    pub async fn complete_first_login(
        &self,
        first_name: &str,
        last_name: &str,
        accept_terms: bool,
    ) -> Result<Me, ApiError> {
        let session = self.shared.session().ok_or_else(|| ApiError::new(ErrorCode::Unauthorized))?;
        let req = CompleteFirstLoginRequest {
            first_name: first_name.to_owned(),
            last_name: last_name.to_owned(),
            accept_terms,
        };
        let me = match session.api.complete_first_login(&session.token, &req).await {
            Err(e) if e.code == ErrorCode::Unauthorized => {
                self.shared.end_session(e.clone()).await;
                return Err(e);
            }
            other => other?,
        };
        self.shared.cache.set_me(&me).await?;
        if let Some(s) = lock(&self.shared.session).as_mut() {
            s.me = me.clone();
        }
        if may_sync(&me) {
            self.start_sync();
        }
        Ok(me)
    }

    /// Reads the signed-in account again (the waiting screen asks until the inviter confirmed);
    /// syncing starts once the account may use Parley.
    pub async fn refresh_me(&self) -> Result<Me, ApiError> {
        let me = self.with_session(|s| async move { s.api.me(&s.token).await }).await?;
        self.shared.cache.set_me(&me).await?;
        if let Some(s) = lock(&self.shared.session).as_mut() {
            s.me = me.clone();
        }
        if may_sync(&me) {
            self.start_sync();
        }
        Ok(me)
    }

    pub async fn logout(&self) -> Result<(), ApiError> {
        self.stop_sync();
        if let Some(session) = self.shared.session() {
            if let Err(e) = session.api.logout(&session.token).await {
                tracing::warn!(code = e.code.as_str(), "logout: server not told; the local session is dropped anyway");
            }
        }
        self.shared.end_session(ApiError::with_message(ErrorCode::Unauthorized, "You have logged out.")).await;
        Ok(())
    }

    /// One window of the contacts matching `query`: found in the index, read from the cache.
    /// Until the index is read, the whole list is paged straight from the cache (what the
    /// first screen shows), and a search waits for the index.
    pub async fn contacts_page(&self, query: &ContactsQuery) -> Result<ContactsPage, ApiError> {
        if !*self.shared.index_loaded.borrow() {
            if query.search.split_whitespace().next().is_none() && query.department_id.is_none() {
                let (total, items) = self.shared.cache.contacts_in_order(query.offset, query.limit.min(500)).await?;
                return Ok(ContactsPage { total, offset: query.offset, items });
            }
            self.shared.index_ready().await;
        }
        let (total, rows) = self.shared.directory.read().map(|d| d.matching(query)).unwrap_or_default();
        let items = self.shared.cache.contacts_at(&rows).await?;
        Ok(ContactsPage { total, offset: query.offset, items })
    }

    pub async fn departments(&self) -> Vec<DepartmentFilter> {
        self.shared.index_ready().await;
        self.shared.directory.read().map(|d| d.departments()).unwrap_or_default()
    }

    pub fn sync_status(&self) -> SyncStatus {
        lock(&self.shared.status).clone()
    }

    /// Asks the sync task to sync (and reconnect) now instead of waiting for its backoff.
    pub fn sync_now(&self) -> SyncStatus {
        self.shared.wake.notify_one();
        self.sync_status()
    }

    /// Runs an API call with the current session; an `unauthorized` answer ends the session.
    pub(crate) async fn with_session<T, F, Fut>(&self, f: F) -> Result<T, ApiError>
    where
        F: FnOnce(Session) -> Fut,
        Fut: Future<Output = Result<T, ApiError>>,
    {
        let session = self.shared.session().ok_or_else(|| ApiError::new(ErrorCode::Unauthorized))?;
        match f(session).await {
            Err(e) if e.code == ErrorCode::Unauthorized => {
                self.shared.end_session(e.clone()).await;
                Err(e)
            }
            other => other,
        }
    }

    /// The invitation form's options (the inviter's right, the organisation's settings),
    /// fetched from the server each time the form opens.
    pub async fn invitation_options(&self) -> Result<InvitationOptions, ApiError> {
        let options = self.with_session(|s| async move { s.api.invitation_options(&s.token).await }).await?;
        *lock(&self.shared.invitation_options) = Some(options.clone());
        Ok(options)
    }

    /// The core's invitation rules applied as the user types: every error, each on its field
    /// (empty when the form may be sent). Whether the contact exists is the server's to say.
    pub async fn check_invitation(&self, request: &InvitationRequest) -> Result<Vec<ApiError>, ApiError> {
        let cached = lock(&self.shared.invitation_options).clone();
        let options = match cached {
            Some(o) => o,
            None => self.invitation_options().await?,
        };
        Ok(check_invitation(request, &options.settings, options.may_invite).err().unwrap_or_default())
    }

    /// What the guest about to be invited (into `conversation_id`, if any) will see: the
    /// server's answer from the visibility rule (SPEC §11.1).
    pub async fn invitation_preview(&self, conversation_id: Option<String>) -> Result<GuestPreview, ApiError> {
        let body = InvitationPreviewRequest { conversation_id };
        self.with_session(|s| async move { s.api.post(&s.token, "/api/v1/invitations/preview", &body).await }).await
    }

    /// What an existing guest sees (its inviter and its admins may ask).
    pub async fn guest_preview(&self, guest_id: String) -> Result<GuestPreview, ApiError> {
        let path = format!("/api/v1/guests/{guest_id}/preview");
        self.with_session(|s| async move { s.api.get(&s.token, &path).await }).await
    }

    pub async fn send_invitation(&self, request: InvitationRequest) -> Result<InvitationCreated, ApiError> {
        let created = self.with_session(|s| async move { s.api.invite(&s.token, &request).await }).await?;
        self.shared.wake.notify_one();
        Ok(created)
    }

    pub async fn notices(&self) -> Result<Vec<Notice>, ApiError> {
        self.with_session(|s| async move { s.api.notices(&s.token).await }).await
    }

    pub async fn mark_notices_read(&self) -> Result<(), ApiError> {
        self.with_session(|s| async move { s.api.mark_notices_read(&s.token).await }).await
    }

    /// The conversation list: from the server when it answers, from the cache offline.
    pub async fn conversations(&self) -> Result<Vec<Conversation>, ApiError> {
        let shared = self.shared.clone();
        self.with_session(|s| async move { chat::conversations(&shared, Some(&s)).await }).await
    }

    /// One conversation, fresh from the server (the cache's copy when offline).
    pub async fn conversation(&self, id: String) -> Result<Conversation, ApiError> {
        let shared = self.shared.clone();
        self.with_session(|s| async move {
            match s.api.conversation(&s.token, &id).await {
                Ok(c) => {
                    shared.cache.upsert_conversation(&c).await?;
                    Ok(c)
                }
                Err(e) if e.code == ErrorCode::Network => shared.cache.conversation(&id).await?.ok_or(e),
                Err(e) => Err(e),
            }
        })
        .await
    }

    /// Unread messages over every cached conversation (the rail's badge): read from the
    /// cache, which the sync keeps current, so the badge costs no request.
    pub async fn unread_total(&self) -> Result<u32, ApiError> {
        Ok(self.shared.cache.conversations().await?.iter().map(|c| c.unread_count).sum())
    }

    pub async fn timeline(&self, query: TimelineQuery) -> Result<TimelinePage, ApiError> {
        let session = self.shared.session().ok_or_else(|| ApiError::new(ErrorCode::Unauthorized))?;
        let result = chat::timeline(&self.shared, Some(&session), &session.me.id, &query).await;
        if let Err(e) = &result {
            if e.code == ErrorCode::Unauthorized {
                self.shared.end_session(e.clone()).await;
            }
        }
        result
    }

    /// Queues a message; it goes out as soon as the server can be reached.
    pub async fn send_message(&self, conversation_id: String, body: String) -> Result<TimelineItem, ApiError> {
        let session = self.shared.session().ok_or_else(|| ApiError::new(ErrorCode::Unauthorized))?;
        chat::send(&self.shared, &session, &conversation_id, &body).await
    }

    /// A refused message goes back into the queue.
    pub async fn retry_message(&self, client_id: String) -> Result<(), ApiError> {
        self.shared.cache.requeue(&client_id).await?;
        self.shared.ui.chat_changed(None);
        chat::kick_drain(self.shared.clone());
        Ok(())
    }

    pub async fn discard_message(&self, client_id: String) -> Result<(), ApiError> {
        self.shared.cache.discard_queued(&client_id).await?;
        self.shared.ui.chat_changed(None);
        Ok(())
    }

    /// The user sees the conversation: everything in it is read.
    pub async fn mark_read(&self, conversation_id: String) -> Result<(), ApiError> {
        let shared = self.shared.clone();
        self.with_session(|s| async move { chat::mark_read(&shared, &s, &conversation_id).await }).await
    }

    pub async fn create_conversation(&self, request: CreateConversationRequest) -> Result<Conversation, ApiError> {
        let created = self.with_session(|s| async move { s.api.create_conversation(&s.token, &request).await }).await?;
        self.shared.wake.notify_one();
        Ok(created)
    }

    fn start_sync(&self) {
        let mut task = lock(&self.shared.sync_task);
        if task.as_ref().is_some_and(|t| !t.is_finished()) {
            return;
        }
        let shared = self.shared.clone();
        *task = Some(tokio::spawn(async move { crate::sync::run(shared).await }));
    }

    fn stop_sync(&self) {
        if let Some(t) = lock(&self.shared.sync_task).take() {
            t.abort();
        }
    }
}

/// Whether the account may sync (contacts, conversations, the socket): its first login is done
/// and, for a guest, its inviter confirmed it (the server refuses the rest meanwhile).
fn may_sync(me: &Me) -> bool {
    !me.first_login_required && !me.awaiting_confirmation
}
