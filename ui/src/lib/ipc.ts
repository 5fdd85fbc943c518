// The only place the UI talks to the Rust side: one typed function per Tauri command, and one
// per event. The argument names are camelCase (Tauri converts them to the Rust snake_case
// parameters); the payload types are the ts-rs bindings generated from the Rust structs.
//
// A rejected command always rejects with an `ApiError` (see `toApiError`): show `message`,
// branch on `code`.

import { invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import type { ApiError } from "./bindings/ApiError";
import type { AppState } from "./bindings/AppState";
import type { CallingCode } from "./bindings/CallingCode";
import type { ContactsPage } from "./bindings/ContactsPage";
import type { ContactsQuery } from "./bindings/ContactsQuery";
import type { DepartmentFilter } from "./bindings/DepartmentFilter";
import type { Me } from "./bindings/Me";
import type { PhoneCheck } from "./bindings/PhoneCheck";
import type { RequestCodeResponse } from "./bindings/RequestCodeResponse";
import type { SyncStatus } from "./bindings/SyncStatus";
import type { Conversation } from "./bindings/Conversation";
import type { CreateConversationRequest } from "./bindings/CreateConversationRequest";
import type { GuestPreview } from "./bindings/GuestPreview";
import type { InvitationCreated } from "./bindings/InvitationCreated";
import type { InvitationOptions } from "./bindings/InvitationOptions";
import type { InvitationRequest } from "./bindings/InvitationRequest";
import type { Notice } from "./bindings/Notice";
import type { ConversationInvitation } from "./bindings/ConversationInvitation";
import type { ConversationKey } from "./bindings/ConversationKey";
import type { CreateKeyRequest } from "./bindings/CreateKeyRequest";
import type { KeyCreated } from "./bindings/KeyCreated";
import type { KeyLink } from "./bindings/KeyLink";
import type { KeyPreview } from "./bindings/KeyPreview";
import type { KeyRedeemed } from "./bindings/KeyRedeemed";
import type { RedeemKeyRequest } from "./bindings/RedeemKeyRequest";
import type { ShareConversationRequest } from "./bindings/ShareConversationRequest";
import type { TimelineItem } from "./bindings/TimelineItem";
import type { TimelinePage } from "./bindings/TimelinePage";
import type { TimelineQuery } from "./bindings/TimelineQuery";
import type { VisibilityAnswer } from "./bindings/VisibilityAnswer";
import type { AccountPick } from "./bindings/AccountPick";
import type { ActivityReport } from "./bindings/ActivityReport";
import type { AmendGuestRequest } from "./bindings/AmendGuestRequest";
import type { ExportedReport } from "./bindings/ExportedReport";
import type { GuestConfirmation } from "./bindings/GuestConfirmation";
import type { GuestRow } from "./bindings/GuestRow";
import type { GuestsPage } from "./bindings/GuestsPage";
import type { GuestsQuery } from "./bindings/GuestsQuery";
import type { MembersPage } from "./bindings/MembersPage";
import type { MembersQuery } from "./bindings/MembersQuery";
import type { OrganisationSettings } from "./bindings/OrganisationSettings";

export type { UnlistenFn };

export function isApiError(value: unknown): value is ApiError {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.code === "string" && v.code !== "" && typeof v.message === "string";
}

/** Turns whatever a rejected `invoke` gave into an `ApiError` (the Rust side always sends one;
 *  anything else is a bug or a missing command, reported as `internal`). */
export function toApiError(value: unknown): ApiError {
  if (isApiError(value)) return value;
  let message = "Something went wrong. Please try again.";
  if (typeof value === "string" && value.trim() !== "") message = value;
  else if (value instanceof Error && value.message) message = value.message;
  return { code: "internal", message };
}

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (e) {
    throw toApiError(e);
  }
}

// ---- commands -------------------------------------------------------------------------------

/** What to show at start-up. */
export function appState(): Promise<AppState> {
  return call("app_state", {});
}

/** The country calling codes for the phone picker. */
export function callingCodes(): Promise<CallingCode[]> {
  return call("calling_codes", {});
}

/** The core's phone rule, applied as the user types. */
export function checkPhone(callingCode: string, national: string): Promise<PhoneCheck> {
  return call("check_phone", { callingCode, national });
}

/** *New User*: ask for a fresh activation code. `phone` is E.164. */
export function requestCode(serverUrl: string, phone: string): Promise<RequestCodeResponse> {
  return call("request_code", { serverUrl, phone });
}

/** Phone (E.164) + activation code. */
export function login(serverUrl: string, phone: string, code: string): Promise<Me> {
  return call("login", { serverUrl, phone, code });
}

export function completeFirstLogin(firstName: string, lastName: string, acceptTerms: boolean): Promise<Me> {
  return call("complete_first_login", { firstName, lastName, acceptTerms });
}

export function logout(): Promise<null> {
  return call("logout", {});
}

let firstContactsReported = false;

/** Contacts are on screen: the start-up figure, told the Rust side once (Contacts calls this
 *  after every page with rows, search results included). */
export function firstContactsPainted(): void {
  if (firstContactsReported) return;
  firstContactsReported = true;
  void invoke("first_contacts_painted").catch(() => {});
}

/** One window of the filtered contact list. */
export function contactsPage(query: ContactsQuery): Promise<ContactsPage> {
  return call("contacts_page", { query });
}

/** The departments that have contacts, for the filter. */
export function departments(): Promise<DepartmentFilter[]> {
  return call("departments", {});
}

export function syncStatus(): Promise<SyncStatus> {
  return call("sync_status", {});
}

/** Retry: sync now and answer the new status. */
export function syncNow(): Promise<SyncStatus> {
  return call("sync_now", {});
}

// ---- invitations (SPEC §7) ---------------------------------------------------------------

/** What the invitation form needs: the inviter's right and the organisation's settings.
 *  Fetched each time the form opens (the right may have been revoked meanwhile). */
export function invitationOptions(): Promise<InvitationOptions> {
  return call("invitation_options", {});
}

/** The invitation rule the server uses, as the user types: every error, each on its field
 *  (none on a form-level one); empty when the form may be sent. */
export function checkInvitation(request: InvitationRequest): Promise<ApiError[]> {
  return call("check_invitation", { request });
}

/** Sends the invitation; a refusal rejects with an `ApiError` (on its `field` when it has one). */
export function sendInvitation(request: InvitationRequest): Promise<InvitationCreated> {
  return call("send_invitation", { request });
}

/** What the guest about to be invited (into the conversation, if any) will see — the server's
 *  answer from the visibility rule. */
export function invitationPreview(conversationId: string | null): Promise<GuestPreview> {
  return call("invitation_preview", { conversationId });
}

/** What an existing guest sees (its inviter and its admins may ask). */
export function guestPreview(guestId: string): Promise<GuestPreview> {
  return call("guest_preview", { guestId });
}

// ---- notices ------------------------------------------------------------------------------

export function notices(): Promise<Notice[]> {
  return call("notices", {});
}

export function markNoticesRead(): Promise<null> {
  return call("mark_notices_read", {});
}

// ---- conversations ----------------------------------------------------------------------------

export function conversations(): Promise<Conversation[]> {
  return call("conversations", {});
}

export function conversation(id: string): Promise<Conversation> {
  return call("conversation", { id });
}

/** A one-to-one conversation (an existing one is returned, not duplicated) or a group (its
 *  creator is its admin). */
export function createConversation(request: CreateConversationRequest): Promise<Conversation> {
  return call("create_conversation", { request });
}

// ---- messages (SPEC §10) ----------------------------------------------------------------------

/** Unread messages over all conversations (from the local cache; no server request). */
export function unreadTotal(): Promise<number> {
  return call("unread_total", {});
}

/** A page of a conversation: the newest (with queued messages), older ones (`before`), or a
 *  refresh of everything from `from` on. Read from the local cache, filled from the server. */
export function timeline(query: TimelineQuery): Promise<TimelinePage> {
  return call("timeline", { query });
}

/** Queues a message (the core's rule checks it first); it goes out as soon as the server can be
 *  reached, in order, never twice. Answers the queued item (state `pending`). */
export function sendMessage(conversationId: string, body: string): Promise<TimelineItem> {
  return call("send_message", { conversationId, body });
}

/** A message the server refused goes back into the queue. */
export function retryMessage(clientId: string): Promise<null> {
  return call("retry_message", { clientId });
}

/** Gives up on a message the server refused. */
export function discardMessage(clientId: string): Promise<null> {
  return call("discard_message", { clientId });
}

/** The user sees this conversation: everything in it is read. */
export function markRead(conversationId: string): Promise<null> {
  return call("mark_read", { conversationId });
}

// ---- running and sharing groups (SPEC §10, §10.1) ---------------------------------------------

/** An admin adds people to a group directly. */
export function addMembers(id: string, accountIds: string[]): Promise<Conversation> {
  return call("add_members", { id, accountIds });
}

/** An admin renames a group; an empty name goes back to the members' first names. */
export function renameConversation(id: string, name: string): Promise<Conversation> {
  return call("rename_conversation", { id, name });
}

export function promote(id: string, accountId: string): Promise<Conversation> {
  return call("promote", { id, accountId });
}

/** An admin removes someone, or (own id) the viewer leaves. */
export function removeMember(id: string, accountId: string): Promise<null> {
  return call("remove_member", { id, accountId });
}

/** The owner hands the group to another member (their open invitations are withdrawn). */
export function handOver(id: string, accountId: string): Promise<Conversation> {
  return call("hand_over", { id, accountId });
}

/** The owner closes the group for everyone. */
export function closeConversation(id: string): Promise<null> {
  return call("close_conversation", { id });
}

/** The owner invites members personally and department queues (they accept or decline). */
export function shareConversation(id: string, request: ShareConversationRequest): Promise<ConversationInvitation[]> {
  return call("share_conversation", { id, request });
}

/** The open invitations into a group. */
export function sentInvitations(id: string): Promise<ConversationInvitation[]> {
  return call("sent_invitations", { id });
}

/** Invitations the viewer may accept (to them, or in their department's queue). */
export function incomingInvitations(): Promise<ConversationInvitation[]> {
  return call("incoming_invitations", {});
}

export function acceptInvitation(id: string): Promise<Conversation> {
  return call("accept_invitation", { id });
}

export function declineInvitation(id: string): Promise<null> {
  return call("decline_invitation", { id });
}

export function cancelInvitation(id: string): Promise<null> {
  return call("cancel_invitation", { id });
}

/** An external key for one person: its code and link are answered once. */
export function createKey(id: string, request: CreateKeyRequest): Promise<KeyCreated> {
  return call("create_key", { id, request });
}

export function keys(id: string): Promise<ConversationKey[]> {
  return call("keys", { id });
}

export function revokeKey(id: string, keyId: string): Promise<null> {
  return call("revoke_key", { id, keyId });
}

/** *Send by e-mail*: the key's link and code (the code as shown when it was made). */
export function emailKey(id: string, keyId: string, email: string, code: string): Promise<null> {
  return call("email_key", { id, keyId, request: { email, code } });
}

/** No session: what a key is for. */
export function keyPreview(serverUrl: string, code: string): Promise<KeyPreview> {
  return call("key_preview", { serverUrl, code });
}

/** No session: the redeemer becomes a pending guest of the key's conversation; a code follows. */
export function redeemKey(serverUrl: string, request: RedeemKeyRequest): Promise<KeyRedeemed> {
  return call("redeem_key", { serverUrl, request });
}

/** The `parley://` key link the app was opened with, if any (once). */
export function pendingKeyLink(): Promise<KeyLink | null> {
  return call("pending_key_link", {});
}

/** *Copy to clipboard*, through the official clipboard plugin on the Rust side. */
export function copyToClipboard(text: string): Promise<null> {
  return call("copy_to_clipboard", { text });
}

// ---- administration (admins only; the server checks every call) -------------------------------

/** One page of the guests the signed-in admin manages (SPEC §8). */
export function adminGuests(query: GuestsQuery): Promise<GuestsPage> {
  return call("admin_guests", { query });
}

/** Incorporates the selected guests as members; resolves to how many changed. */
export function incorporateGuests(guestIds: string[]): Promise<number> {
  return call("incorporate_guests", { guestIds });
}

/** Deletes the selected guests (their sessions end at once); resolves to how many changed. */
export function deleteGuests(guestIds: string[]): Promise<number> {
  return call("delete_guests", { guestIds });
}

/** Reads the signed-in account again (the waiting screen asks until the inviter confirmed). */
export function refreshMe(): Promise<Me> {
  return call("refresh_me");
}

/** "Is this your guest?": the guests whose activation the signed-in sponsor is asked to confirm. */
export function guestConfirmations(): Promise<GuestConfirmation[]> {
  return call("guest_confirmations");
}

/** Confirm (`true`) or *Not my guest* (`false`, the guest's access is deleted). */
export function answerGuestConfirmation(guestId: string, confirm: boolean): Promise<null> {
  return call("answer_guest_confirmation", { guestId, confirm });
}

/** The sponsor (or an admin) extends a guest's access by `days` from now; resolves to the new end. */
export function extendGuestAccess(guestId: string, days: number): Promise<number> {
  return call("extend_guest_access", { guestId, days });
}

/** Gives the selected guests a sponsor (admins); resolves to how many changed. */
export function changeGuestSponsor(guestIds: string[], sponsorId: string): Promise<number> {
  return call("change_guest_sponsor", { guestIds, sponsorId });
}

/** The signed-in member becomes the sponsor of a suspended guest they see (or an admin, of any guest). */
export function takeOverGuest(guestId: string): Promise<null> {
  return call("take_over_guest", { guestId });
}

/** Removes a member from the organisation; resolves to how many guests it left without a sponsor. */
export function removeFromOrganisation(id: string): Promise<number> {
  return call("remove_from_organisation", { id });
}

/** Sends a pending guest a new code. */
export function resendGuestInvitation(id: string): Promise<GuestRow> {
  return call("resend_guest_invitation", { id });
}

/** Corrects a pending guest's name, e-mail or phone (checked like the invitation form). */
export function amendGuest(id: string, request: AmendGuestRequest): Promise<GuestRow> {
  return call("amend_guest", { id, request });
}

/** Cancels a pending invitation: the guest is removed. */
export function cancelGuestInvitation(id: string): Promise<null> {
  return call("cancel_guest_invitation", { id });
}

/** People of the admin's scope whose name or number matches (two characters at least). */
export function adminAccountPicks(search: string): Promise<AccountPick[]> {
  return call("admin_account_picks", { search });
}

/** Whether `viewer` sees `target`, and the visibility rule's reason, from the server. */
export function explainVisibility(viewer: string, target: string): Promise<VisibilityAnswer> {
  return call("explain_visibility", { viewer, target });
}

/** The users list of the settings screen, with the right *may invite guests*. */
export function adminMembers(query: MembersQuery): Promise<MembersPage> {
  return call("admin_members", { query });
}

/** Grants or revokes *may invite guests* (company admins). */
export function setMayInvite(id: string, mayInvite: boolean): Promise<null> {
  return call("set_may_invite", { id, mayInvite });
}

/** The organisation's settings (company admins). */
export function organisationSettings(): Promise<OrganisationSettings> {
  return call("organisation_settings", {});
}

/** Saves the organisation's settings; resolves to them as stored (normalised lists). */
export function saveOrganisationSettings(settings: OrganisationSettings): Promise<OrganisationSettings> {
  return call("save_organisation_settings", { settings });
}

/** The activity report of a month, `YYYY-MM` (SPEC §9). */
export function activityReport(month: string): Promise<ActivityReport> {
  return call("activity_report", { month });
}

/** Asks where to save the month's report (native dialog) and writes it as CSV; null if the
 *  user cancelled. */
export function exportActivityReport(month: string): Promise<ExportedReport | null> {
  return call("export_activity_report", { month });
}

// ---- events ---------------------------------------------------------------------------------

export function onSyncStatus(handler: (status: SyncStatus) => void): Promise<UnlistenFn> {
  return listen<SyncStatus>("sync-status", (e) => handler(e.payload));
}

/** The cached contacts changed: re-fetch what is on screen. */
export function onContactsChanged(handler: () => void): Promise<UnlistenFn> {
  return listen<null>("contacts-changed", () => handler());
}

/** The session was revoked or expired: back to Login with this message. */
export function onSessionEnded(handler: (error: ApiError) => void): Promise<UnlistenFn> {
  return listen<ApiError>("session-ended", (e) => handler(toApiError(e.payload)));
}

/** A new in-app notice (an invitation sent in one's department, a guest activated…). */
export function onNotice(handler: (notice: Notice) => void): Promise<UnlistenFn> {
  return listen<Notice>("notice", (e) => handler(e.payload));
}

/** Conversations or messages changed: one conversation (its id), or possibly all (null). */
export function onChatChanged(handler: (conversationId: string | null) => void): Promise<UnlistenFn> {
  return listen<string | null>("chat-changed", (e) => handler(e.payload ?? null));
}

/** A message notification was clicked: show this conversation. */
export function onOpenConversation(handler: (conversationId: string) => void): Promise<UnlistenFn> {
  return listen<string>("open-conversation", (e) => handler(e.payload));
}

/** Conversation invitations received or sent changed. */
export function onInvitationsChanged(handler: () => void): Promise<UnlistenFn> {
  return listen<null>("invitations-changed", () => handler());
}

/** An invitation notification was clicked: show the invitations. */
export function onOpenInvitations(handler: () => void): Promise<UnlistenFn> {
  return listen<null>("open-invitations", () => handler());
}

/** The app was opened with a `parley://` key link. */
export function onKeyLink(handler: (link: KeyLink) => void): Promise<UnlistenFn> {
  return listen<KeyLink>("key-link", (e) => handler(e.payload));
}

/** The signed-in account changed (e.g. a guest incorporated as a member). */
export function onMeChanged(handler: (me: Me) => void): Promise<UnlistenFn> {
  return listen<Me>("me-changed", (e) => handler(e.payload));
}

/** Notices may have arrived unannounced (after a reconnect or a resync): read them again. */
export function onNoticesChanged(handler: () => void): Promise<UnlistenFn> {
  return listen<null>("notices-changed", () => handler());
}

/** The organisation's settings changed: reload what depends on them. */
export function onSettingsChanged(handler: () => void): Promise<UnlistenFn> {
  return listen<null>("settings-changed", () => handler());
}
