//! "Is this your guest?" from the desktop (SPEC §11.1): the questions put to the signed-in
//! sponsor, and the two answers. The server decides who may answer.

use crate::client::Client;
use parley_core::wire::{ApiError, GuestConfirmation};

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
}
