// Pure rules of the External User Invitation form (SPEC §7.1) that decide what the form shows.
// The validation itself is the Rust rule (`check_invitation`, the server's own); this module only
// decides when Send is enabled, which modes can be toggled, and which of the rule's errors are
// shown given what the user has touched.

import type { ApiError } from "./bindings/ApiError";
import type { InvitationOptions } from "./bindings/InvitationOptions";
import type { InvitationRequest } from "./bindings/InvitationRequest";
import type { OrganisationSettings } from "./bindings/OrganisationSettings";
import { isBlank } from "./forms";

export type InvitationField = "first_name" | "last_name" | "email" | "phone" | "mode" | "details" | "access_days";
export type InvitationMode = "sms" | "email";

export const INVITATION_FIELDS: readonly InvitationField[] = ["first_name", "last_name", "email", "phone", "mode", "details", "access_days"];

/** Used until `invitation_options` answered (it says `details_max_chars`, 200). */
export const DEFAULT_DETAILS_MAX = 200;

/** Wait after the last keystroke before asking the Rust rule. */
export const INVITATION_CHECK_DEBOUNCE_MS = 150;
/** Wait after the last keystroke before a field counts as "paused" and may show its error. */
export const INVITATION_SETTLE_MS = 500;

/** Form-level refusals the inviter cannot fix from the form: Send stays disabled. */
const BLOCKING: ReadonlySet<ApiError["code"]> = new Set(["not_authorized_to_invite", "no_invitation_mode"]);

export interface InvitationDraft {
  firstName: string;
  lastName: string;
  email: string;
  /** The number as typed, without the calling code. */
  national: string;
  bySms: boolean;
  byEmail: boolean;
  details: string;
  /** Days the guest's access lasts, as typed; empty: the organisation's default. */
  accessDays: string;
  /** Invited into a conversation: the access ends with it. */
  conversationBound: boolean;
}

export const emptyDraft = (): InvitationDraft => ({
  firstName: "",
  lastName: "",
  email: "",
  national: "",
  bySms: false,
  byEmail: false,
  details: "",
  accessDays: "",
  conversationBound: false,
});

// ---- modes ------------------------------------------------------------------------------------

export interface ModeState {
  smsEnabled: boolean;
  emailEnabled: boolean;
  /** Both modes are off for the organisation: nothing can be sent. */
  none: boolean;
}

type ModeSettings = Pick<OrganisationSettings, "sms_invitations_enabled" | "email_invitations_enabled">;

/** Which mode toggles are active for the organisation. */
export function modeState(s: ModeSettings): ModeState {
  const sms = s.sms_invitations_enabled;
  const email = s.email_invitations_enabled;
  return { smsEnabled: sms, emailEnabled: email, none: !sms && !email };
}

/** The modes selected when the form opens: when only one mode is on it is pre-selected
 *  (SPEC §7.1); with both on, the inviter chooses. */
export function initialModes(s: ModeSettings): { bySms: boolean; byEmail: boolean } {
  const m = modeState(s);
  return { bySms: m.smsEnabled && !m.emailEnabled, byEmail: m.emailEnabled && !m.smsEnabled };
}

/** Flips one mode; a mode that is off for the organisation cannot be switched on. */
export function toggleMode(
  current: { bySms: boolean; byEmail: boolean },
  mode: InvitationMode,
  state: ModeState,
): { bySms: boolean; byEmail: boolean } {
  if (mode === "sms") return { ...current, bySms: state.smsEnabled ? !current.bySms : false };
  return { ...current, byEmail: state.emailEnabled ? !current.byEmail : false };
}

// ---- sending ---------------------------------------------------------------------------------

/** Every mandatory field is non-blank and at least one mode is selected (SPEC §7.1). */
export function isComplete(d: InvitationDraft): boolean {
  return [d.firstName, d.lastName, d.email, d.national].every((v) => !isBlank(v)) && (d.bySms || d.byEmail);
}

/** The form cannot be sent as it is: options not loaded yet, the inviter may not invite, both
 *  modes off, the rule or the server refused at form level, or the server refused a field that
 *  was not edited since (sending it again would get the same answer). */
export function isBlocked(f: {
  options: Pick<InvitationOptions, "may_invite" | "settings"> | null;
  errors: readonly ApiError[];
  serverError: ApiError | null;
}): boolean {
  if (f.options === null) return true;
  if (!f.options.may_invite || !f.options.settings.guest_invitations_enabled) return true;
  if (modeState(f.options.settings).none) return true;
  if (f.errors.some((e) => !e.field && BLOCKING.has(e.code))) return true;
  if (f.serverError === null) return false;
  return f.serverError.field ? true : BLOCKING.has(f.serverError.code);
}

/** Send is enabled once the form is complete, nothing blocks it, and no send is running. */
export function canSend(d: InvitationDraft, f: { busy: boolean; blocked: boolean }): boolean {
  return !f.busy && !f.blocked && isComplete(d);
}

/** The phone as the Rust rule reads it: the picked calling code, a space, the typed number
 *  (`+44 20 7946 0958`). Just the code when nothing is typed (the rule says `required`). */
export function phoneOf(callingCode: string | null, national: string): string {
  return `${callingCode ?? ""} ${national.trim()}`.trim();
}

export function toRequest(d: InvitationDraft, callingCode: string | null, conversationId: string | null): InvitationRequest {
  return {
    first_name: d.firstName,
    last_name: d.lastName,
    email: d.email,
    phone: phoneOf(callingCode, d.national),
    by_sms: d.bySms,
    by_email: d.byEmail,
    details: d.details,
    conversation_id: conversationId,
    access_days: accessDaysOf(d.accessDays),
    conversation_bound: conversationId !== null && d.conversationBound,
  };
}

/** The typed number of days as the rule reads it: none when empty (the organisation's
 *  default), 0 for anything that is not a whole number (which the rule refuses on the field). */
export function accessDaysOf(typed: string): number | null {
  const t = typed.trim();
  if (t === "") return null;
  return /^\d{1,4}$/.test(t) ? Number(t) : 0;
}

/** The hint beside the access field, from the organisation's settings. */
export function accessHint(settings: { guest_access_days_default: number; guest_access_days_max: number }): string {
  const { guest_access_days_default: def, guest_access_days_max: max } = settings;
  const fallback = def > 0 ? def : max;
  const base = fallback > 0 ? `Empty: ${fallback} days` : "Empty: no end";
  return max > 0 ? `${base}; at most ${max} days` : base;
}

/** Characters (code points, as the Rust rule counts them), not UTF-16 units or bytes. */
export function detailsLength(details: string): number {
  return Array.from(details).length;
}

/** The live counter under Details, e.g. `13 /200`. */
export function detailsCounter(details: string, max: number): string {
  return `${detailsLength(details)} /${max}`;
}

// ---- which errors show -------------------------------------------------------------------------

/** What the user did with a field. */
export interface Touch {
  /** Typed in it (or changed it) at least once. */
  edited: boolean;
  /** Typing right now: no pause since the last keystroke. */
  typing: boolean;
  /** Left it (blur) at least once. */
  left: boolean;
}

export const untouched: Touch = { edited: false, typing: false, left: false };

export const afterInput = (t: Touch): Touch => ({ ...t, edited: true, typing: true });
/** A pause in typing, or a change that is complete at once (a toggle, the calling code). */
export const afterPause = (t: Touch): Touch => ({ ...t, edited: true, typing: false });
export const afterLeave = (t: Touch): Touch => ({ ...t, typing: false, left: true });

/** The part of a request a field's errors are about, to tell whether the rule's answer is
 *  still about what is on screen. */
export function fieldValue(req: InvitationRequest, field: InvitationField): string {
  switch (field) {
    case "first_name":
      return req.first_name;
    case "last_name":
      return req.last_name;
    case "email":
      return req.email;
    case "phone":
      return req.phone;
    case "mode":
      return `${req.by_sms}/${req.by_email}`;
    case "details":
      return req.details;
    case "access_days":
      return `${req.access_days ?? ""}`;
  }
}

/** The error shown under a field:
 *  - the server's refusal on that field (after Send) first;
 *  - otherwise the rule's error, only once the user touched the field (typed and paused, or
 *    left it) and only if the rule answered for what is on screen now;
 *  - `required` only once the user left the field empty: never on an untouched form. */
export function visibleFieldError(f: {
  field: InvitationField;
  /** What the rule was last asked about, and its answer. */
  checked: InvitationRequest | null;
  errors: readonly ApiError[];
  current: InvitationRequest;
  touch: Touch;
  serverError: ApiError | null;
}): ApiError | null {
  if (f.serverError?.field === f.field) return f.serverError;
  if (f.touch.typing || !(f.touch.edited || f.touch.left)) return null;
  if (f.checked === null || fieldValue(f.checked, f.field) !== fieldValue(f.current, f.field)) return null;
  const error = f.errors.find((e) => e.field === f.field);
  if (!error) return null;
  if (error.code === "required") return f.touch.left ? error : null;
  return error;
}

/** The form-level message (no field): the server's answer to Send first, then the rule's
 *  (the inviter's right, the organisation's modes). */
export function formLevelError(errors: readonly ApiError[], serverError: ApiError | null): ApiError | null {
  if (serverError && !serverError.field) return serverError;
  return errors.find((e) => !e.field) ?? null;
}

/** After an edit of `field`, the server's refusal it answered is stale: drop it. Form-level
 *  refusals that the form cannot fix stay. */
export function serverErrorAfterEdit(serverError: ApiError | null, field: InvitationField): ApiError | null {
  if (serverError === null) return null;
  if (serverError.field === field) return null;
  if (!serverError.field && !BLOCKING.has(serverError.code)) return null;
  return serverError;
}

/** Maps a server refusal's `field` onto the form's fields; anything else is form-level. */
export function asInvitationField(field: string | null | undefined): InvitationField | null {
  return INVITATION_FIELDS.find((f) => f === field) ?? null;
}
