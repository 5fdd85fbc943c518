//! IPC commands: thin wrappers over `parley_client::Client`. Errors reach the UI as
//! `ApiError { code, message, field }`.

use parley_client::ipc::{
    AppState, CallingCode, ContactsPage, ContactsQuery, DepartmentFilter, ExportedReport, KeyLink, PhoneCheck,
    SyncStatus, TimelineItem, TimelinePage, TimelineQuery,
};
use parley_client::Client;
use parley_core::admin::{
    ActivityReport, AmendGuestRequest, GuestRow, GuestsPage, GuestsQuery, MembersPage, MembersQuery,
};
use parley_core::invitation::InvitationRequest;
use parley_core::settings::OrganisationSettings;
use parley_core::visibility::explain::{AccountPick, VisibilityAnswer};
use parley_core::visibility::preview::GuestPreview;
use parley_core::wire::{
    ApiError, Conversation, ConversationInvitation, ConversationKey, CreateConversationRequest, CreateKeyRequest,
    GuestConfirmation, InvitationCreated, InvitationOptions, KeyCreated, KeyPreview, KeyRedeemed, Me, Notice,
    RedeemKeyRequest, RequestCodeResponse, SendKeyRequest, ShareConversationRequest,
};
use tauri::State;

type Result<T> = std::result::Result<T, ApiError>;

#[tauri::command]
pub async fn app_state(client: State<'_, Client>) -> Result<AppState> {
    crate::startup::stage("app_state asked");
    let state = client.app_state().await;
    crate::startup::stage("app_state answered");
    state
}

/// The window drew its first contacts (the UI says so once): the start-up figure.
#[tauri::command]
pub fn first_contacts_painted() {
    crate::startup::first_contacts_painted();
}

#[tauri::command]
pub fn calling_codes() -> Vec<CallingCode> {
    parley_client::calling_codes::all()
}

#[tauri::command]
pub fn check_phone(calling_code: String, national: String) -> PhoneCheck {
    Client::check_phone(&calling_code, &national)
}

#[tauri::command]
pub async fn request_code(client: State<'_, Client>, server_url: String, phone: String) -> Result<RequestCodeResponse> {
    client.request_code(&server_url, &phone).await
}

#[tauri::command]
pub async fn login(client: State<'_, Client>, server_url: String, phone: String, code: String) -> Result<Me> {
    client.login(&server_url, &phone, &code).await
}

#[tauri::command]
pub async fn complete_first_login(
    client: State<'_, Client>,
    first_name: String,
    last_name: String,
    accept_terms: bool,
) -> Result<Me> {
    client.complete_first_login(&first_name, &last_name, accept_terms).await
}

#[tauri::command]
pub async fn logout(client: State<'_, Client>) -> Result<()> {
    client.logout().await
}

#[tauri::command]
pub async fn contacts_page(client: State<'_, Client>, query: ContactsQuery) -> Result<ContactsPage> {
    crate::startup::stage("contacts_page asked");
    let page = client.contacts_page(&query).await?;
    if !page.items.is_empty() {
        crate::startup::stage("contacts_page answered");
    }
    Ok(page)
}

#[tauri::command]
pub async fn departments(client: State<'_, Client>) -> Result<Vec<DepartmentFilter>> {
    Ok(client.departments().await)
}

#[tauri::command]
pub fn sync_status(client: State<'_, Client>) -> SyncStatus {
    client.sync_status()
}

#[tauri::command]
pub fn sync_now(client: State<'_, Client>) -> SyncStatus {
    client.sync_now()
}

#[tauri::command]
pub async fn invitation_options(client: State<'_, Client>) -> Result<InvitationOptions> {
    client.invitation_options().await
}

#[tauri::command]
pub async fn check_invitation(client: State<'_, Client>, request: InvitationRequest) -> Result<Vec<ApiError>> {
    client.check_invitation(&request).await
}

#[tauri::command]
pub async fn invitation_preview(client: State<'_, Client>, conversation_id: Option<String>) -> Result<GuestPreview> {
    client.invitation_preview(conversation_id).await
}

#[tauri::command]
pub async fn guest_preview(client: State<'_, Client>, guest_id: String) -> Result<GuestPreview> {
    client.guest_preview(guest_id).await
}

#[tauri::command]
pub async fn send_invitation(client: State<'_, Client>, request: InvitationRequest) -> Result<InvitationCreated> {
    client.send_invitation(request).await
}

#[tauri::command]
pub async fn notices(client: State<'_, Client>) -> Result<Vec<Notice>> {
    client.notices().await
}

#[tauri::command]
pub async fn mark_notices_read(client: State<'_, Client>) -> Result<()> {
    client.mark_notices_read().await
}

#[tauri::command]
pub async fn conversations(client: State<'_, Client>) -> Result<Vec<Conversation>> {
    client.conversations().await
}

#[tauri::command]
pub async fn conversation(client: State<'_, Client>, id: String) -> Result<Conversation> {
    client.conversation(id).await
}

#[tauri::command]
pub async fn create_conversation(
    client: State<'_, Client>,
    request: CreateConversationRequest,
) -> Result<Conversation> {
    client.create_conversation(request).await
}

#[tauri::command]
pub async fn unread_total(client: State<'_, Client>) -> Result<u32> {
    client.unread_total().await
}

#[tauri::command]
pub async fn timeline(client: State<'_, Client>, query: TimelineQuery) -> Result<TimelinePage> {
    client.timeline(query).await
}

#[tauri::command]
pub async fn send_message(client: State<'_, Client>, conversation_id: String, body: String) -> Result<TimelineItem> {
    client.send_message(conversation_id, body).await
}

#[tauri::command]
pub async fn retry_message(client: State<'_, Client>, client_id: String) -> Result<()> {
    client.retry_message(client_id).await
}

#[tauri::command]
pub async fn discard_message(client: State<'_, Client>, client_id: String) -> Result<()> {
    client.discard_message(client_id).await
}

#[tauri::command]
pub async fn mark_read(client: State<'_, Client>, conversation_id: String) -> Result<()> {
    client.mark_read(conversation_id).await
}

// ---- running and sharing groups (SPEC §10, §10.1) ----

#[tauri::command]
pub async fn add_members(client: State<'_, Client>, id: String, account_ids: Vec<String>) -> Result<Conversation> {
    client.add_members(id, account_ids).await
}

#[tauri::command]
pub async fn rename_conversation(client: State<'_, Client>, id: String, name: String) -> Result<Conversation> {
    client.rename_conversation(id, name).await
}

#[tauri::command]
pub async fn promote(client: State<'_, Client>, id: String, account_id: String) -> Result<Conversation> {
    client.promote(id, account_id).await
}

#[tauri::command]
pub async fn remove_member(client: State<'_, Client>, id: String, account_id: String) -> Result<()> {
    client.remove_member(id, account_id).await
}

#[tauri::command]
pub async fn hand_over(client: State<'_, Client>, id: String, account_id: String) -> Result<Conversation> {
    client.hand_over(id, account_id).await
}

#[tauri::command]
pub async fn close_conversation(client: State<'_, Client>, id: String) -> Result<()> {
    client.close_conversation(id).await
}

#[tauri::command]
pub async fn share_conversation(
    client: State<'_, Client>,
    id: String,
    request: ShareConversationRequest,
) -> Result<Vec<ConversationInvitation>> {
    client.share_conversation(id, request).await
}

#[tauri::command]
pub async fn sent_invitations(client: State<'_, Client>, id: String) -> Result<Vec<ConversationInvitation>> {
    client.sent_invitations(id).await
}

#[tauri::command]
pub async fn incoming_invitations(client: State<'_, Client>) -> Result<Vec<ConversationInvitation>> {
    client.incoming_invitations().await
}

#[tauri::command]
pub async fn accept_invitation(client: State<'_, Client>, id: String) -> Result<Conversation> {
    client.accept_invitation(id).await
}

#[tauri::command]
pub async fn decline_invitation(client: State<'_, Client>, id: String) -> Result<()> {
    client.decline_invitation(id).await
}

#[tauri::command]
pub async fn cancel_invitation(client: State<'_, Client>, id: String) -> Result<()> {
    client.cancel_invitation(id).await
}

#[tauri::command]
pub async fn create_key(client: State<'_, Client>, id: String, request: CreateKeyRequest) -> Result<KeyCreated> {
    client.create_key(id, request).await
}

#[tauri::command]
pub async fn keys(client: State<'_, Client>, id: String) -> Result<Vec<ConversationKey>> {
    client.keys(id).await
}

#[tauri::command]
pub async fn revoke_key(client: State<'_, Client>, id: String, key_id: String) -> Result<()> {
    client.revoke_key(id, key_id).await
}

#[tauri::command]
pub async fn email_key(client: State<'_, Client>, id: String, key_id: String, request: SendKeyRequest) -> Result<()> {
    client.email_key(id, key_id, request).await
}

#[tauri::command]
pub async fn key_preview(server_url: String, code: String) -> Result<KeyPreview> {
    Client::key_preview(&server_url, &code).await
}

#[tauri::command]
pub async fn redeem_key(
    client: State<'_, Client>,
    server_url: String,
    request: RedeemKeyRequest,
) -> Result<KeyRedeemed> {
    client.redeem_key(&server_url, request).await
}

/// The key link the app was opened with, once (then it is forgotten).
#[tauri::command]
pub fn pending_key_link(pending: State<'_, crate::links::PendingLink>) -> Option<KeyLink> {
    pending.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner).take()
}

/// *Copy to clipboard* (the official clipboard plugin, from the Rust side).
#[tauri::command]
pub fn copy_to_clipboard(app: tauri::AppHandle, text: String) -> Result<()> {
    use tauri_plugin_clipboard_manager::ClipboardExt;
    app.clipboard().write_text(text).map_err(|e| {
        tracing::warn!(error = %e, "clipboard");
        ApiError::with_message(parley_core::ErrorCode::Internal, "The clipboard is not available.")
    })
}

// ---- administration (SPEC §3, §7.6, §8, §9) --------------------------------------------------

#[tauri::command]
pub async fn admin_guests(client: State<'_, Client>, query: GuestsQuery) -> Result<GuestsPage> {
    client.admin_guests(query).await
}

#[tauri::command]
pub async fn incorporate_guests(client: State<'_, Client>, guest_ids: Vec<String>) -> Result<u32> {
    client.incorporate_guests(guest_ids).await
}

#[tauri::command]
pub async fn delete_guests(client: State<'_, Client>, guest_ids: Vec<String>) -> Result<u32> {
    client.delete_guests(guest_ids).await
}

#[tauri::command]
pub async fn refresh_me(client: State<'_, Client>) -> Result<Me> {
    client.refresh_me().await
}

#[tauri::command]
pub async fn guest_confirmations(client: State<'_, Client>) -> Result<Vec<GuestConfirmation>> {
    client.guest_confirmations().await
}

#[tauri::command]
pub async fn answer_guest_confirmation(client: State<'_, Client>, guest_id: String, confirm: bool) -> Result<()> {
    client.answer_guest_confirmation(guest_id, confirm).await
}

#[tauri::command]
pub async fn extend_guest_access(client: State<'_, Client>, guest_id: String, days: u32) -> Result<i64> {
    client.extend_guest_access(guest_id, days).await
}

#[tauri::command]
pub async fn change_guest_sponsor(
    client: State<'_, Client>,
    guest_ids: Vec<String>,
    sponsor_id: String,
) -> Result<u32> {
    client.change_guest_sponsor(guest_ids, sponsor_id).await
}

#[tauri::command]
pub async fn take_over_guest(client: State<'_, Client>, guest_id: String) -> Result<()> {
    client.take_over_guest(guest_id).await
}

#[tauri::command]
pub async fn remove_from_organisation(client: State<'_, Client>, id: String) -> Result<u32> {
    client.remove_from_organisation(id).await
}

#[tauri::command]
pub async fn resend_guest_invitation(client: State<'_, Client>, id: String) -> Result<GuestRow> {
    client.resend_guest_invitation(id).await
}

#[tauri::command]
pub async fn amend_guest(client: State<'_, Client>, id: String, request: AmendGuestRequest) -> Result<GuestRow> {
    client.amend_guest(id, request).await
}

#[tauri::command]
pub async fn cancel_guest_invitation(client: State<'_, Client>, id: String) -> Result<()> {
    client.cancel_guest_invitation(id).await
}

#[tauri::command]
pub async fn admin_account_picks(client: State<'_, Client>, search: String) -> Result<Vec<AccountPick>> {
    client.admin_account_picks(search).await
}

#[tauri::command]
pub async fn explain_visibility(client: State<'_, Client>, viewer: String, target: String) -> Result<VisibilityAnswer> {
    client.explain_visibility(viewer, target).await
}

#[tauri::command]
pub async fn admin_members(client: State<'_, Client>, query: MembersQuery) -> Result<MembersPage> {
    client.admin_members(query).await
}

#[tauri::command]
pub async fn set_may_invite(client: State<'_, Client>, id: String, may_invite: bool) -> Result<()> {
    client.set_may_invite(id, may_invite).await
}

#[tauri::command]
pub async fn organisation_settings(client: State<'_, Client>) -> Result<OrganisationSettings> {
    client.organisation_settings().await
}

#[tauri::command]
pub async fn save_organisation_settings(
    client: State<'_, Client>,
    settings: OrganisationSettings,
) -> Result<OrganisationSettings> {
    client.save_organisation_settings(settings).await
}

#[tauri::command]
pub async fn activity_report(client: State<'_, Client>, month: String) -> Result<ActivityReport> {
    client.activity_report(month).await
}

/// Asks where to save the report of `month` (a native save dialog) and writes it there as CSV.
/// `None` when the user cancelled the dialog.
#[tauri::command]
pub async fn export_activity_report(
    app: tauri::AppHandle,
    client: State<'_, Client>,
    month: String,
) -> Result<Option<ExportedReport>> {
    use tauri_plugin_dialog::DialogExt;
    let (tx, rx) = tokio::sync::oneshot::channel();
    app.dialog()
        .file()
        .set_title("Export the activity report")
        .set_file_name(format!("parley-activity-{month}.csv"))
        .add_filter("CSV", &["csv"])
        .save_file(move |path| {
            let _ = tx.send(path);
        });
    let Some(path) = rx.await.ok().flatten() else { return Ok(None) };
    let path = path
        .into_path()
        .map_err(|_| ApiError::with_message(parley_core::ErrorCode::LocalStore, "Choose a file on this computer."))?;
    let rows = client.export_activity_report(month, &path).await?;
    Ok(Some(ExportedReport { path: path.display().to_string(), rows }))
}
