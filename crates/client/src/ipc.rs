//! The types the web UI exchanges with the desktop client's Rust side over Tauri IPC.
//! TypeScript copies are generated into `ui/src/lib/bindings/` by `ts-rs` (`make bindings`);
//! never edit those by hand.

use parley_core::wire::{ApiError, Contact, Me, MessageKind, MessageState};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Which screen the app should show, decided by the Rust side from the keyring and cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Screen {
    Login,
    FirstLogin,
    /// A guest whose inviter has not confirmed the activation yet (SPEC §11.1).
    AwaitingConfirmation,
    Contacts,
}

/// Answer of the `app_state` command: what to show at start-up.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AppState {
    /// The server URL last used (default `http://127.0.0.1:8080`).
    pub server_url: String,
    pub me: Option<Me>,
    pub screen: Screen,
}

/// Arguments of the `contacts_page` command: one window of the filtered contact list.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ContactsQuery {
    /// Matches first name, last name, phone and e-mail, case-insensitively; empty for all.
    pub search: String,
    pub department_id: Option<String>,
    pub offset: u32,
    pub limit: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ContactsPage {
    /// How many contacts match the query in all.
    pub total: u32,
    pub offset: u32,
    pub items: Vec<Contact>,
}

/// A department that has at least one contact, for the department filter.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DepartmentFilter {
    pub id: String,
    pub name: String,
    pub count: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Connection {
    Online,
    Connecting,
    Offline,
}

/// Pushed to the UI as the `sync-status` event, and answer of `sync_status`.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SyncStatus {
    pub connection: Connection,
    /// When the last delta sync finished (Unix ms), if ever.
    #[ts(type = "number | null")]
    pub last_synced_at: Option<i64>,
    /// True until the first sync of this session has finished.
    pub syncing: bool,
    pub contact_count: u32,
    /// The last sync error, cleared by the next success.
    pub error: Option<ApiError>,
    /// Grows with every change: the UI keeps the newest when an event and an answer cross.
    #[ts(type = "number")]
    pub revision: u64,
    /// How far a sync without a cursor (the first one) has got; None otherwise.
    pub progress: Option<SyncProgress>,
}

/// The stages of a first sync, shown by the Contacts list while it waits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "stage", rename_all = "snake_case")]
#[ts(export)]
pub enum SyncProgress {
    /// The whole list is arriving page by page: accounts the server has read for it so far,
    /// and in all when it said.
    Downloading { received: u32, total: Option<u32> },
    /// The contacts are being written to the cache.
    Saving { contacts: u32 },
}

impl SyncProgress {
    /// Whether the UI should hear of `next` after `self`: a new stage, or one more percent.
    pub fn worth_telling(previous: Option<&Self>, next: &Self) -> bool {
        let percent = |received: u32, total: u32| u64::from(received) * 100 / u64::from(total.max(1));
        match (previous, next) {
            (
                Some(Self::Downloading { received: a, total: Some(t) }),
                Self::Downloading { received: b, total: Some(u) },
            ) if t == u => percent(*a, *t) != percent(*b, *u),
            (Some(Self::Downloading { .. }), Self::Downloading { .. }) => false,
            (Some(p), n) => p != n,
            (None, _) => true,
        }
    }
}

/// Answer of `check_phone`: the core's phone rule applied as the user types.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PhoneCheck {
    /// The number in E.164 form when valid.
    pub e164: Option<String>,
    pub error: Option<ApiError>,
}

/// One entry of the country calling code picker.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CallingCode {
    /// ISO 3166 region, e.g. `GB`.
    pub region: String,
    pub name: String,
    /// With the plus sign, e.g. `+44`.
    pub code: String,
}

/// Arguments of the `timeline` command. Neither bound: the newest page (with the messages
/// still queued). `before`: the page of older messages. `from`: everything from that number on
/// (the UI refreshing what it shows after a `chat-changed` event), queued messages included.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct TimelineQuery {
    pub conversation_id: String,
    #[ts(type = "number | null")]
    pub before: Option<i64>,
    #[ts(type = "number | null")]
    pub from: Option<i64>,
}

/// One line of a conversation as the UI shows it: a stored message, or one of the viewer's
/// still in the offline queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct TimelineItem {
    /// Stable across the queued → stored transition: the client id for the viewer's own
    /// texts, the server id otherwise.
    pub key: String,
    pub conversation_id: String,
    /// Its number once stored.
    #[ts(type = "number | null")]
    pub seq: Option<i64>,
    pub sender_id: Option<String>,
    pub sender_name: String,
    pub mine: bool,
    pub kind: MessageKind,
    pub body: String,
    #[ts(type = "number")]
    pub created_at: i64,
    /// For the viewer's own texts: pending, failed, sent, delivered or read.
    pub state: Option<MessageState>,
    /// Why the server refused it (state `failed`).
    pub error: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct TimelinePage {
    pub items: Vec<TimelineItem>,
    /// Whether older messages exist (scrolling up loads them).
    pub has_more: bool,
}

/// A `parley://redeem` link the app was opened with (`pending_key_link`, `key-link` event).
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct KeyLink {
    pub server_url: String,
    /// e.g. `K7QM-R2XD-9HPA`
    pub code: String,
    /// Set when the link is not a valid key link.
    pub error: Option<ApiError>,
}

/// Answer of `export_activity_report`: where the CSV went and how many rows it holds.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ExportedReport {
    pub path: String,
    pub rows: u32,
}

#[cfg(test)]
mod tests {
    use super::SyncProgress::{self, Downloading, Saving};

    #[test]
    fn progress_is_told_at_each_percent_and_each_stage() {
        let at = |received| Downloading { received, total: Some(1_000) };
        assert!(SyncProgress::worth_telling(None, &at(0)));
        assert!(!SyncProgress::worth_telling(Some(&at(10)), &at(19)), "still 1 %");
        assert!(SyncProgress::worth_telling(Some(&at(19)), &at(20)), "2 %");
        let unknown = |received| Downloading { received, total: None };
        assert!(!SyncProgress::worth_telling(Some(&unknown(1)), &unknown(5_000)), "no total: no percent");
        assert!(SyncProgress::worth_telling(Some(&at(1_000)), &Saving { contacts: 7 }));
        assert!(!SyncProgress::worth_telling(Some(&Saving { contacts: 7 }), &Saving { contacts: 7 }));
    }
}
