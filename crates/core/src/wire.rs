//! Types that cross a boundary: HTTP bodies, WebSocket events and the desktop IPC. Ids are
//! UUID strings; instants are Unix milliseconds (UTC).

use crate::error::ErrorCode;
use crate::role::{AccountKind, AccountStatus, Role};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;

/// Every error answer of the API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[ts(export)]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
    /// The form field the error belongs to, when it belongs to one.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub field: Option<String>,
}

impl ApiError {
    pub fn new(code: ErrorCode) -> Self {
        Self { code, message: code.message().to_owned(), field: None }
    }
    pub fn with_message(code: ErrorCode, message: impl Into<String>) -> Self {
        Self { message: message.into(), ..Self::new(code) }
    }
    pub fn on_field(code: ErrorCode, field: &str) -> Self {
        Self { field: Some(field.to_owned()), ..Self::new(code) }
    }
    /// The same error, said on `field`.
    pub fn field(self, field: &str) -> Self {
        Self { field: Some(field.to_owned()), ..self }
    }
}

/// *New User*: ask for a fresh code for a phone number.
#[derive(Debug, Clone, Serialize, Deserialize, TS, ToSchema)]
#[ts(export)]
pub struct RequestCodeRequest {
    #[schema(min_length = 3, max_length = 40, pattern = r"^[+0-9 ().\-]+$")]
    pub phone: String,
}

/// The same answer whether or not the number has an account.
#[derive(Debug, Clone, Serialize, Deserialize, TS, ToSchema)]
#[ts(export)]
pub struct RequestCodeResponse {
    pub message: String,
}

pub const REQUEST_CODE_ANSWER: &str =
    "If this number belongs to an account, a new activation code is on its way by SMS or e-mail. It is valid for 15 minutes.";

#[derive(Debug, Clone, Serialize, Deserialize, TS, ToSchema)]
#[ts(export)]
pub struct LoginRequest {
    #[schema(min_length = 3, max_length = 40, pattern = r"^[+0-9 ().\-]+$")]
    pub phone: String,
    #[schema(pattern = r"^[0-9][0-9 \-]{4,8}[0-9]$")]
    pub code: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, ToSchema)]
#[ts(export)]
pub struct LoginResponse {
    /// The opaque session token, sent as `Authorization: Bearer …`.
    pub token: String,
    pub me: Me,
}

/// The logged-in account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[ts(export)]
pub struct Me {
    pub id: String,
    pub organisation_id: String,
    pub organisation_name: String,
    pub first_name: String,
    pub last_name: String,
    pub phone: String,
    pub email: Option<String>,
    pub kind: AccountKind,
    pub role: Role,
    pub status: AccountStatus,
    pub department_id: String,
    pub department_name: String,
    /// True until the names are confirmed and the terms accepted (SPEC §4).
    pub first_login_required: bool,
    /// May sponsor guests, and so take over a suspended guest (`core::sponsor::may_sponsor`).
    #[serde(default)]
    pub may_sponsor: bool,
    /// A guest whose inviter has not confirmed the activation yet: the waiting screen.
    #[serde(default)]
    pub awaiting_confirmation: bool,
    /// When a guest's access ends (Unix ms), if it does.
    #[serde(default)]
    #[ts(type = "number | null")]
    pub access_ends_at: Option<i64>,
}

/// "Is this your guest?" (SPEC §11.1): a guest who activated and whose sponsor is asked to
/// confirm it (`GET /api/v1/guest-confirmations`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[ts(export)]
pub struct GuestConfirmation {
    pub guest_id: String,
    pub first_name: String,
    pub last_name: String,
    pub phone_display: String,
    pub email: Option<String>,
    /// When the guest completed the first login (Unix ms).
    #[ts(type = "number")]
    pub activated_at: i64,
}

/// The first-login steps of SPEC §4.
#[derive(Debug, Clone, Serialize, Deserialize, TS, ToSchema)]
#[ts(export)]
pub struct CompleteFirstLoginRequest {
    #[schema(min_length = 1, max_length = 100)]
    pub first_name: String,
    #[schema(min_length = 1, max_length = 100)]
    pub last_name: String,
    pub accept_terms: bool,
}

/// One entry of Contacts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[ts(export)]
pub struct Contact {
    pub id: String,
    pub first_name: String,
    pub last_name: String,
    /// E.164, e.g. `+442079460958`.
    pub phone: String,
    /// International format for people, e.g. `+44 20 7946 0958`. Empty in a contacts delta:
    /// the client formats the rows it shows ([`crate::PhoneNumber::display`]) — formatting
    /// 100,000 numbers was most of a first sync's work on the server.
    pub phone_display: String,
    pub email: Option<String>,
    pub kind: AccountKind,
    pub role: Role,
    /// For guests, shown as *Pending activation* / *Active*.
    pub status: AccountStatus,
    pub department_id: String,
    pub department_name: String,
    /// A guest's access now (SPEC §11.1): *Suspended* without a sponsor, *Access ended* past
    /// its end.
    #[serde(default)]
    pub access: crate::guest_access::GuestAccess,
    /// When a guest's access ends (Unix ms), if it does.
    #[serde(default)]
    #[ts(type = "number | null")]
    pub access_ends_at: Option<i64>,
    /// The viewer sponsors this guest (may extend its access).
    #[serde(default)]
    pub you_sponsor: bool,
}

/// `POST /api/v1/guests/{id}/access`: the guest's access now lasts `days` more days (within
/// the organisation's maximum). Its sponsor or an admin of the guest.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, TS, ToSchema)]
#[ts(export)]
pub struct ExtendAccessRequest {
    #[schema(minimum = 1, maximum = 3650)]
    pub days: u32,
}

/// Answer of `GET /api/v1/contacts?cursor=…` (SPEC §11).
#[derive(Debug, Clone, Serialize, Deserialize, TS, ToSchema)]
#[ts(export)]
pub struct ContactsDelta {
    /// Added or changed contacts, in no particular order (the client keeps its own).
    pub contacts: Vec<Contact>,
    /// Ids the client must drop: deleted accounts and contacts that became invisible.
    pub removed: Vec<String>,
    /// Where the next delta starts.
    pub cursor: String,
    /// True when `contacts` is the whole list (first sync or unknown cursor): the client
    /// replaces its cache instead of merging.
    pub full_resync: bool,
    /// A whole list comes in pages ([`ListPage`]); a delta has none.
    #[serde(default)]
    pub page: Option<ListPage>,
}

/// One page of a whole list of contacts: accounts are read in the order of their ids, a few
/// thousand a page, all as of one moment (the `cursor` every page carries). The client keeps
/// that cursor only once it holds the last page; what changed meanwhile comes in the next delta.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[ts(export)]
pub struct ListPage {
    /// Ask `GET /api/v1/contacts?page=…` with this for the next page; absent on the last one.
    pub next: Option<String>,
    /// Accounts read for the list so far, and in all: how far it has got (the contacts are
    /// those of them the viewer may see).
    pub read: u32,
    pub total: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[ts(export)]
pub struct Department {
    pub id: String,
    pub name: String,
    pub parent_id: Option<String>,
}

/// Events the server pushes over `GET /api/v1/ws`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
#[ts(export)]
pub enum ServerEvent {
    /// Sent once the socket is authenticated.
    Hello { account_id: String },
    /// Contacts changed after `cursor`: fetch the delta.
    ContactsChanged { cursor: String },
    /// The session was revoked; the socket closes after this.
    SessionRevoked,
    /// A new in-app notice for this account (e.g. a guest was invited in an administered
    /// department).
    Notice { notice: Notice },
    /// A new message in one of the account's conversations (every device of every member).
    Message { message: Message },
    /// A member's delivery or read position moved: the states of earlier messages change.
    Receipt { conversation_id: String, receipt: Receipt },
    /// A conversation's members, admins or name changed, or the account joined or left it:
    /// fetch it again (a 404 means it is gone for this account).
    ConversationChanged { conversation_id: String },
    /// Conversation invitations for this account (received, or sent as an owner) changed.
    InvitationsChanged,
    /// This account itself changed (e.g. a guest was incorporated as a member): fetch `/me`
    /// again and resync contacts in full, since what it may see changed.
    AccountChanged,
    /// The organisation's settings changed (SPEC §3): forms that depend on them reload.
    SettingsChanged,
    /// Events for this socket were dropped (it fell behind, or the server lost touch with the
    /// other nodes for a moment): catch up messages, receipts, invitations, notices and
    /// contacts from the client's own cursors, as after a reconnect.
    Resync,
}

/// An in-app notice (SPEC §7.4 step 4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[ts(export)]
pub struct Notice {
    pub id: String,
    /// `guest_invited`, `guest_activated`, `account_locked`.
    pub kind: String,
    pub body: String,
    #[ts(type = "number")]
    pub created_at: i64,
    pub read: bool,
}

/// What the invitation form needs to know before the user types (SPEC §7.1).
#[derive(Debug, Clone, Serialize, Deserialize, TS, ToSchema)]
#[ts(export)]
pub struct InvitationOptions {
    /// The inviter's right and the master switch together.
    pub may_invite: bool,
    pub settings: crate::settings::OrganisationSettings,
    pub details_max_chars: u32,
}

/// Answer of `POST /api/v1/invitations`.
#[derive(Debug, Clone, Serialize, Deserialize, TS, ToSchema)]
#[ts(export)]
pub struct InvitationCreated {
    pub invitation_id: String,
    pub guest: Contact,
    /// Instant the activation code expires (Unix ms), as printed in the invitation.
    #[ts(type = "number")]
    pub code_expires_at: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, ToSchema)]
#[ts(export)]
pub struct Health {
    pub status: String,
    pub version: String,
    pub database: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ConversationKind {
    Direct,
    Group,
    /// Read-only: the system account's messages to this account (the welcome message).
    System,
}

/// `POST /api/v1/conversations`: a one-to-one conversation (one other member; an existing
/// one is returned) or a group (its creator is its admin).
#[derive(Debug, Clone, Serialize, Deserialize, TS, ToSchema)]
#[ts(export)]
pub struct CreateConversationRequest {
    pub kind: ConversationKind,
    /// The other members (not the creator).
    pub member_ids: Vec<String>,
    /// Group name; defaults to the members' first names.
    #[ts(optional = nullable)]
    pub name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[ts(export)]
pub struct ConversationMember {
    pub contact: Contact,
    pub is_admin: bool,
    /// How far this member has received and read (message `seq`s).
    #[ts(type = "number")]
    pub delivered_seq: i64,
    #[ts(type = "number")]
    pub read_seq: i64,
    /// What the viewer may do to this member ([`crate::group_rights::member_actions`]).
    #[serde(default)]
    pub actions: crate::group_rights::MemberActions,
}

/// A conversation with its members, as one of its members sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[ts(export)]
pub struct Conversation {
    pub id: String,
    pub kind: ConversationKind,
    /// The group's name, or the other person's name for a one-to-one conversation.
    pub title: String,
    /// Everyone in it but the viewer, guests included (SPEC §5); in the ALL group only the
    /// first of them (see `member_count`).
    pub members: Vec<ConversationMember>,
    /// How many people are in it, the viewer included.
    #[serde(default)]
    pub member_count: u32,
    /// Whether the viewer is one of its admins (may invite guests into it).
    pub viewer_is_admin: bool,
    #[ts(type = "number")]
    pub created_at: i64,
    /// `seq` of its newest message (0 when it has none).
    #[ts(type = "number")]
    pub last_seq: i64,
    /// Whether the viewer owns it (shares it: invitations and external keys, SPEC §10.1).
    pub viewer_is_owner: bool,
    /// The organisation's ALL group (SPEC §2): every member, never a guest; nobody adds,
    /// removes, leaves or shares it.
    #[serde(default)]
    pub org_wide: bool,
    /// How far the viewer has read.
    #[ts(type = "number")]
    pub read_seq: i64,
    /// Messages from others after `read_seq`.
    pub unread_count: u32,
    pub last_message: Option<Message>,
    /// What the viewer may do in it ([`crate::group_rights::group_actions`]): the UI shows
    /// these and decides nothing itself.
    #[serde(default)]
    pub actions: crate::group_rights::GroupActions,
}

/// `POST /api/v1/conversations/{id}/members` (group admins): people the admin sees.
#[derive(Debug, Clone, Serialize, Deserialize, TS, ToSchema)]
#[ts(export)]
pub struct AddMembersRequest {
    pub account_ids: Vec<String>,
}

/// `PATCH /api/v1/conversations/{id}` (group admins): an empty name goes back to the
/// members' first names.
#[derive(Debug, Clone, Serialize, Deserialize, TS, ToSchema)]
#[ts(export)]
pub struct RenameConversationRequest {
    #[schema(max_length = 100)]
    pub name: String,
}

/// What a message is: a text someone wrote, or a notice the server writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum MessageKind {
    Text,
    /// `sender` joined the conversation (SPEC §10).
    Joined,
    /// `sender` left or was removed.
    Left,
    /// The system account's welcome to a newly activated account.
    Welcome,
}

/// *sent → delivered → read*, plus the client-only states of a message still in the offline
/// queue (`pending`) or refused by the server (`failed`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum MessageState {
    Pending,
    Failed,
    Sent,
    Delivered,
    Read,
}

/// One message, as stored by the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[ts(export)]
pub struct Message {
    pub id: String,
    pub conversation_id: String,
    /// Position in its conversation: 1, 2, 3… in the order the server accepted them.
    #[ts(type = "number")]
    pub seq: i64,
    /// The id its sender's client chose (idempotent sending).
    pub client_id: Option<String>,
    /// None for the system account.
    pub sender_id: Option<String>,
    pub sender_name: String,
    pub kind: MessageKind,
    pub body: String,
    /// Server time (Unix ms).
    #[ts(type = "number")]
    pub created_at: i64,
}

/// `POST /api/v1/conversations/{id}/messages`. Sending the same `client_id` again returns
/// the message already stored, never a second one.
#[derive(Debug, Clone, Serialize, Deserialize, TS, ToSchema)]
#[ts(export)]
pub struct SendMessageRequest {
    #[schema(pattern = r"^[A-Za-z0-9_\-]{8,64}$")]
    pub client_id: String,
    #[schema(min_length = 1, max_length = 10000)]
    pub body: String,
}

/// `GET /api/v1/conversations/{id}/messages?before=…|after=…&limit=…`: oldest first.
#[derive(Debug, Clone, Serialize, Deserialize, TS, ToSchema)]
#[ts(export)]
pub struct MessagePage {
    pub messages: Vec<Message>,
    /// Whether there is more in the direction asked.
    pub has_more: bool,
}

/// How far one member has received and read a conversation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[ts(export)]
pub struct Receipt {
    pub account_id: String,
    #[ts(type = "number")]
    pub delivered_seq: i64,
    #[ts(type = "number")]
    pub read_seq: i64,
}

/// `POST /api/v1/conversations/{id}/receipts`: positions only ever move forward.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS, ToSchema)]
#[ts(export)]
pub struct ReceiptUpdate {
    #[serde(default)]
    #[ts(type = "number | null")]
    #[schema(minimum = 0)]
    pub delivered_seq: Option<i64>,
    #[serde(default)]
    #[ts(type = "number | null")]
    #[schema(minimum = 0)]
    pub read_seq: Option<i64>,
}

/// `POST /api/v1/conversations/{id}/invitations` (its owner, SPEC §10.1): members personally,
/// and department queues whose first member to accept joins. Several at once, all or none.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS, ToSchema)]
#[ts(export)]
pub struct ShareConversationRequest {
    #[serde(default)]
    pub account_ids: Vec<String>,
    #[serde(default)]
    pub department_ids: Vec<String>,
}

/// An active invitation into a group conversation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[ts(export)]
pub struct ConversationInvitation {
    pub id: String,
    pub conversation_id: String,
    pub conversation_title: String,
    /// How many people are in the conversation now.
    pub member_count: u32,
    pub inviter_name: String,
    /// The member invited personally; None for a department queue.
    pub invitee: Option<Contact>,
    /// The department whose queue it is in; None for a personal invitation.
    pub department: Option<Department>,
    #[ts(type = "number")]
    pub created_at: i64,
}

/// `POST /api/v1/conversations/{id}/keys` (its owner): an external key for one person.
#[derive(Debug, Clone, Serialize, Deserialize, TS, ToSchema)]
#[ts(export)]
pub struct CreateKeyRequest {
    /// Who the key is for.
    #[schema(min_length = 1, max_length = 100)]
    pub person_name: String,
    /// A short description (≤ 200 characters).
    #[serde(default)]
    #[schema(max_length = 200)]
    pub description: String,
    #[serde(default)]
    #[schema(max_length = 1000)]
    pub comments: String,
    /// 1 to 30; 7 by default.
    #[serde(default)]
    #[ts(optional = nullable)]
    #[schema(minimum = 1, maximum = 30)]
    pub valid_days: Option<u32>,
    /// The guest who redeems it keeps access only while in this conversation (SPEC §11.1).
    #[serde(default)]
    pub conversation_bound: bool,
    /// Days the redeeming guest's access lasts; none: the organisation's default (SPEC §11.1).
    #[serde(default)]
    #[ts(optional = nullable)]
    #[schema(minimum = 1, maximum = 3650)]
    pub access_days: Option<u32>,
}

/// An external key as its conversation's owner sees it (the code is shown only once).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[ts(export)]
pub struct ConversationKey {
    pub id: String,
    pub conversation_id: String,
    pub person_name: String,
    pub description: String,
    pub comments: String,
    #[ts(type = "number")]
    pub created_at: i64,
    #[ts(type = "number")]
    pub expires_at: i64,
    /// `active`, `redeemed`, `revoked` or `expired`.
    pub status: String,
}

/// Answer of creating a key: the key, its code and the link that opens the app on it.
#[derive(Debug, Clone, Serialize, Deserialize, TS, ToSchema)]
#[ts(export)]
pub struct KeyCreated {
    pub key: ConversationKey,
    /// e.g. `K7QM-R2XD-9HPA`
    pub code: String,
    /// `parley://redeem?server=…&code=…`
    pub link: String,
}

/// `POST /api/v1/conversations/{id}/keys/{key_id}/email`: the key's link and code, e-mailed.
/// The code is not stored, so the owner's client sends it back.
#[derive(Debug, Clone, Serialize, Deserialize, TS, ToSchema)]
#[ts(export)]
pub struct SendKeyRequest {
    #[schema(min_length = 3, max_length = 254)]
    pub email: String,
    #[schema(min_length = 12, max_length = 40)]
    pub code: String,
}

/// `GET /api/v1/keys/{code}` (no session): what the redeem form shows.
#[derive(Debug, Clone, Serialize, Deserialize, TS, ToSchema)]
#[ts(export)]
pub struct KeyPreview {
    pub organisation_name: String,
    pub conversation_title: String,
    pub owner_name: String,
    pub person_name: String,
    pub description: String,
    #[ts(type = "number")]
    pub expires_at: i64,
}

/// `POST /api/v1/keys/redeem` (no session): the redeemer's details. They become a pending guest
/// of that conversation and get an activation code, as an invited guest does (SPEC §7).
#[derive(Debug, Clone, Serialize, Deserialize, TS, ToSchema)]
#[ts(export)]
pub struct RedeemKeyRequest {
    #[schema(min_length = 12, max_length = 40)]
    pub code: String,
    #[schema(min_length = 1, max_length = 100)]
    pub first_name: String,
    #[schema(min_length = 1, max_length = 100)]
    pub last_name: String,
    #[schema(min_length = 3, max_length = 254, pattern = r"^[^@\s]+@[^@\s]+$")]
    pub email: String,
    /// As typed, with its calling code, e.g. `+44 20 7946 0958`.
    #[schema(min_length = 3, max_length = 40, pattern = r"^[+0-9 ().\-]+$")]
    pub phone: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, ToSchema)]
#[ts(export)]
pub struct KeyRedeemed {
    /// E.164: log in with it and the activation code just sent.
    pub phone: String,
    pub conversation_title: String,
    #[ts(type = "number")]
    pub code_expires_at: i64,
    pub message: String,
}
