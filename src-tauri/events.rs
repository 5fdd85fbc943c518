//! Bridges the client's [`UiEvents`] to Tauri events the web UI listens to:
//! `sync-status`, `contacts-changed`, `session-ended`, `notice`, `chat-changed` (a conversation
//! id, or null for all), `open-conversation` (a notification was clicked), `invitations-changed`,
//! `open-invitations`, `key-link` (the app was opened with a key link), `me-changed` (the
//! signed-in account changed), `settings-changed` (the organisation's settings changed),
//! `notices-changed` (notices may have arrived unannounced: read them again).

use parley_client::ipc::SyncStatus;
use parley_client::UiEvents;
use parley_core::wire::{ApiError, Me, Notice};
use std::sync::atomic::{AtomicBool, Ordering};
use tauri::{AppHandle, Emitter, Manager};

pub struct TauriEvents {
    app: AppHandle,
    focused: AtomicBool,
}

impl TauriEvents {
    pub fn new(app: AppHandle) -> Self {
        Self { app, focused: AtomicBool::new(true) }
    }
    pub fn set_focused(&self, focused: bool) {
        self.focused.store(focused, Ordering::Relaxed);
    }
    /// Brings the main window to the front (a notification was clicked, a link opened).
    pub fn show_window(&self) {
        if let Some(window) = self.app.get_webview_window("main") {
            let _ = window.unminimize();
            let _ = window.show();
            let _ = window.set_focus();
        }
    }
}

impl UiEvents for TauriEvents {
    fn sync_status(&self, status: &SyncStatus) {
        let _ = self.app.emit("sync-status", status);
    }
    fn contacts_changed(&self) {
        let _ = self.app.emit("contacts-changed", ());
    }
    fn session_ended(&self, error: &ApiError) {
        let _ = self.app.emit("session-ended", error);
    }
    fn notice(&self, notice: &Notice) {
        let _ = self.app.emit("notice", notice);
    }
    fn chat_changed(&self, conversation_id: Option<&str>) {
        let _ = self.app.emit("chat-changed", conversation_id);
    }
    fn open_conversation(&self, conversation_id: &str) {
        self.show_window();
        let _ = self.app.emit("open-conversation", conversation_id);
    }
    fn invitations_changed(&self) {
        let _ = self.app.emit("invitations-changed", ());
    }
    fn open_invitations(&self) {
        self.show_window();
        let _ = self.app.emit("open-invitations", ());
    }
    fn window_focused(&self) -> bool {
        self.focused.load(Ordering::Relaxed)
    }
    fn me_changed(&self, me: &Me) {
        let _ = self.app.emit("me-changed", me);
    }
    fn settings_changed(&self) {
        let _ = self.app.emit("settings-changed", ());
    }
    fn notices_changed(&self) {
        let _ = self.app.emit("notices-changed", ());
    }
}
