//! IPC commands: thin wrappers over `parley_client::Client`. Errors reach the UI as
//! `ApiError { code, message, field }`.

use parley_client::ipc::{
    AppState, CallingCode, ContactsPage, ContactsQuery, DepartmentFilter, PhoneCheck, SyncStatus, TimelineItem,
    TimelinePage, TimelineQuery,
};
use parley_client::Client;
use parley_core::invitation::InvitationRequest;
use parley_core::wire::{
    ApiError, Conversation, CreateConversationRequest, InvitationCreated, InvitationOptions, Me, Notice,
    RequestCodeResponse,
};
use tauri::State;

type Result<T> = std::result::Result<T, ApiError>;

#[tauri::command]
pub async fn app_state(client: State<'_, Client>) -> Result<AppState> {
    client.app_state().await
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
pub fn contacts_page(client: State<'_, Client>, query: ContactsQuery) -> ContactsPage {
    client.contacts_page(&query)
}

#[tauri::command]
pub fn departments(client: State<'_, Client>) -> Vec<DepartmentFilter> {
    client.departments()
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
