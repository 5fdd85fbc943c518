//! A sponsor's guest lifecycle from the desktop (SPEC §11.1): "Is this your guest?" — the
//! questions put to the signed-in sponsor and the two answers — and extending a guest's access.
//! The server decides who may do either.

use crate::client::Client;
use parley_core::wire::{ApiError, ExtendAccessRequest, GuestConfirmation};

impl Client {
    pub async fn guest_confirmations(&self) -> Result<Vec<GuestConfirmation>, ApiError> {
        self.with_session(|s| async move { s.api.get(&s.token, "/api/v1/guest-confirmations").await }).await
    }

    /// Answers for `guest_id`: `confirm` opens Parley to the guest, otherwise *Not my guest*
    /// deletes its access.
    pub async fn answer_guest_confirmation(&self, guest_id: String, confirm: bool) -> Result<(), ApiError> {
        let answer = if confirm { "confirm" } else { "reject" };
        let path = format!("/api/v1/guest-confirmations/{guest_id}/{answer}");
        self.with_session(|s| async move {
            s.api.post::<_, serde_json::Value>(&s.token, &path, &serde_json::json!({})).await.map(|_| ())
        })
        .await?;
        self.sync_now();
        Ok(())
    }

    /// Extends a guest's access by `days` from now (its sponsor, or an admin); the new end.
    pub async fn extend_guest_access(&self, guest_id: String, days: u32) -> Result<i64, ApiError> {
        let path = format!("/api/v1/guests/{guest_id}/access");
        let body = ExtendAccessRequest { days };
        let answer: serde_json::Value =
            self.with_session(|s| async move { s.api.post(&s.token, &path, &body).await }).await?;
        self.sync_now();
        Ok(answer["access_ends_at"].as_i64().unwrap_or_default())
    }
}
