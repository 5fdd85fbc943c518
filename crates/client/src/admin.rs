//! Administration from the desktop (SPEC §3, §7.6, §8, §9): the guests list and its actions,
//! the users list with the *may invite guests* right, the organisation settings and the
//! activity report with its CSV export. The server decides who may do what and over whom; this
//! module only carries the requests.

use crate::client::Client;
use parley_core::admin::{
    activity_csv, ActivityReport, AmendGuestRequest, GuestRow, GuestSelection, GuestsChanged, GuestsPage, GuestsQuery,
    MembersPage, MembersQuery, ReportMonth, SponsorChange,
};
use parley_core::settings::OrganisationSettings;
use parley_core::visibility::explain::{AccountPick, AccountPickQuery, VisibilityAnswer, VisibilityQuery};
use parley_core::wire::ApiError;
use parley_core::ErrorCode;
use reqwest::Method;
use std::path::Path;

impl Client {
    pub async fn admin_guests(&self, query: GuestsQuery) -> Result<GuestsPage, ApiError> {
        self.with_session(|s| async move { s.api.get_query(&s.token, "/api/v1/admin/guests", &query).await }).await
    }

    /// Incorporates the selected guests as members of their department (SPEC §8).
    pub async fn incorporate_guests(&self, guest_ids: Vec<String>) -> Result<u32, ApiError> {
        self.guest_batch("incorporate", guest_ids).await
    }

    /// Deletes the selected guests: their sessions end at once (SPEC §8).
    pub async fn delete_guests(&self, guest_ids: Vec<String>) -> Result<u32, ApiError> {
        self.guest_batch("delete", guest_ids).await
    }

    async fn guest_batch(&self, action: &'static str, guest_ids: Vec<String>) -> Result<u32, ApiError> {
        let body = GuestSelection { guest_ids };
        let path = format!("/api/v1/admin/guests/{action}");
        let done: GuestsChanged =
            self.with_session(|s| async move { s.api.post(&s.token, &path, &body).await }).await?;
        // The contacts delta follows through the WebSocket; ask for it now as well.
        self.sync_now();
        Ok(done.count)
    }

    /// Gives the selected guests `sponsor_id` as their sponsor (admins; SPEC §11.1).
    pub async fn change_guest_sponsor(&self, guest_ids: Vec<String>, sponsor_id: String) -> Result<u32, ApiError> {
        let body = SponsorChange { guest_ids, sponsor_id };
        let done: GuestsChanged = self
            .with_session(|s| async move { s.api.post(&s.token, "/api/v1/admin/guests/sponsor", &body).await })
            .await?;
        self.sync_now();
        Ok(done.count)
    }

    /// The signed-in member becomes a suspended guest's sponsor (or an admin, any guest's).
    pub async fn take_over_guest(&self, guest_id: String) -> Result<(), ApiError> {
        let path = format!("/api/v1/guests/{guest_id}/take-over");
        self.with_session(|s| async move {
            s.api.post::<_, GuestsChanged>(&s.token, &path, &serde_json::json!({})).await.map(|_| ())
        })
        .await?;
        self.sync_now();
        Ok(())
    }

    /// Removes a member from the organisation (company admins); resolves to how many guests it
    /// left without a sponsor.
    pub async fn remove_from_organisation(&self, id: String) -> Result<u32, ApiError> {
        let path = format!("/api/v1/admin/members/{id}/remove");
        let done: serde_json::Value =
            self.with_session(|s| async move { s.api.post(&s.token, &path, &serde_json::json!({})).await }).await?;
        self.sync_now();
        Ok(done["guests_suspended"].as_u64().unwrap_or(0) as u32)
    }

    /// Sends a pending guest a new code (SPEC §7.6).
    pub async fn resend_guest_invitation(&self, id: String) -> Result<GuestRow, ApiError> {
        let path = format!("/api/v1/admin/guests/{id}/resend");
        self.with_session(|s| async move { s.api.post(&s.token, &path, &serde_json::json!({})).await }).await
    }

    /// Corrects a pending guest's name, e-mail or phone; a new code goes to the details saved.
    pub async fn amend_guest(&self, id: String, request: AmendGuestRequest) -> Result<GuestRow, ApiError> {
        let path = format!("/api/v1/admin/guests/{id}");
        self.with_session(|s| async move { s.api.send_json(Method::PUT, Some(&s.token), &path, Some(&request)).await })
            .await
    }

    /// Cancels a pending invitation: the guest is removed.
    pub async fn cancel_guest_invitation(&self, id: String) -> Result<(), ApiError> {
        let path = format!("/api/v1/admin/guests/{id}/cancel");
        self.with_session(|s| async move {
            s.api.post::<_, serde_json::Value>(&s.token, &path, &serde_json::json!({})).await.map(|_| ())
        })
        .await
    }

    /// People of the admin's scope whose name or number matches (the "Why does X see Y?" picker).
    pub async fn admin_account_picks(&self, search: String) -> Result<Vec<AccountPick>, ApiError> {
        let query = AccountPickQuery { search };
        self.with_session(|s| async move { s.api.get_query(&s.token, "/api/v1/admin/accounts", &query).await }).await
    }

    /// Whether `viewer` sees `target`, and the visibility rule's reason (SPEC §11.1).
    pub async fn explain_visibility(&self, viewer: String, target: String) -> Result<VisibilityAnswer, ApiError> {
        let query = VisibilityQuery { viewer, target };
        self.with_session(|s| async move { s.api.get_query(&s.token, "/api/v1/admin/visibility", &query).await }).await
    }

    pub async fn admin_members(&self, query: MembersQuery) -> Result<MembersPage, ApiError> {
        self.with_session(|s| async move { s.api.get_query(&s.token, "/api/v1/admin/members", &query).await }).await
    }

    /// Grants or revokes the right *may invite guests* (company admins).
    pub async fn set_may_invite(&self, id: String, may_invite: bool) -> Result<(), ApiError> {
        let path = format!("/api/v1/admin/accounts/{id}/may-invite");
        let body = serde_json::json!({ "may_invite": may_invite });
        self.with_session(|s| async move {
            s.api.send_json::<_, serde_json::Value>(Method::PUT, Some(&s.token), &path, Some(&body)).await.map(|_| ())
        })
        .await
    }

    pub async fn organisation_settings(&self) -> Result<OrganisationSettings, ApiError> {
        self.with_session(|s| async move { s.api.get(&s.token, "/api/v1/admin/settings").await }).await
    }

    pub async fn save_organisation_settings(
        &self,
        settings: OrganisationSettings,
    ) -> Result<OrganisationSettings, ApiError> {
        self.with_session(|s| async move {
            s.api.send_json(Method::PUT, Some(&s.token), "/api/v1/admin/settings", Some(&settings)).await
        })
        .await
    }

    /// The activity report of `month` (`YYYY-MM`).
    pub async fn activity_report(&self, month: String) -> Result<ActivityReport, ApiError> {
        let month = ReportMonth::parse(&month)
            .ok_or_else(|| ApiError::with_message(ErrorCode::InvalidFormat, "Choose a month."))?
            .to_string();
        self.with_session(
            |s| async move { s.api.get_query(&s.token, "/api/v1/admin/activity", &[("month", month)]).await },
        )
        .await
    }

    /// Writes the report of `month` as CSV to `path` (chosen by the user in a save dialog).
    /// Returns how many rows it holds.
    pub async fn export_activity_report(&self, month: String, path: &Path) -> Result<u32, ApiError> {
        let report = self.activity_report(month).await?;
        if !report.enabled {
            return Err(ApiError::with_message(
                ErrorCode::Forbidden,
                "The activity report is off for your organisation.",
            ));
        }
        let csv = activity_csv(&report);
        let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or_else(|| Path::new("."));
        let tmp = temp_path_in(dir);
        std::fs::write(&tmp, csv).and_then(|()| std::fs::rename(&tmp, path)).map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            tracing::warn!(error = %e, path = %path.display(), "export: could not write");
            ApiError::with_message(ErrorCode::LocalStore, format!("Could not write {}: {e}", path.display()))
        })?;
        Ok(report.rows.len() as u32)
    }
}

/// A fresh name beside the target, so a failed write never leaves half a file under its name.
fn temp_path_in(dir: &Path) -> std::path::PathBuf {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
    dir.join(format!(".parley-export-{}-{nanos}.tmp", std::process::id()))
}
