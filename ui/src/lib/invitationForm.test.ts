import { describe, expect, it } from "vitest";
import type { ApiError } from "./bindings/ApiError";
import type { InvitationOptions } from "./bindings/InvitationOptions";
import type { OrganisationSettings } from "./bindings/OrganisationSettings";
import {
  afterInput,
  afterLeave,
  afterPause,
  asInvitationField,
  canSend,
  detailsCounter,
  emptyDraft,
  formLevelError,
  initialModes,
  isBlocked,
  isComplete,
  modeState,
  phoneOf,
  serverErrorAfterEdit,
  toggleMode,
  toRequest,
  accessDaysOf,
  accessHint,
  untouched,
  visibleFieldError,
  type InvitationDraft,
  type Touch,
} from "./invitationForm";

const err = (code: ApiError["code"], field: string | null = null, message = "m"): ApiError => ({ code, message, field });

const settings = (patch: Partial<OrganisationSettings> = {}): OrganisationSettings => ({
  guest_invitations_enabled: true,
  sms_invitations_enabled: true,
  email_invitations_enabled: true,
  forbidden_email_domains: [],
  forbidden_country_codes: [],
  guest_profile: { desktop_access: true, direct_messages: true, group_conversations: true },
  activation_code_validity_hours: 48,
  reminders_enabled: true,
  reminders_max: 7,
  activity_report_enabled: false,
  display_group_all: false,
  confirm_guest_activation: false,
  guest_access_days_default: 0,
  guest_access_days_max: 0,
  guest_access_reminder_days: 7,
  ...patch,
});
const options = (may = true, patch: Partial<OrganisationSettings> = {}): InvitationOptions => ({
  may_invite: may,
  settings: settings(patch),
  details_max_chars: 200,
});
const full: InvitationDraft = {
  ...emptyDraft(),
  firstName: "Gina",
  lastName: "Guest",
  email: "gina@partner.example",
  national: "20 7946 0599",
};

describe("invitation modes", () => {
  it("pre-selects nothing when both modes are on", () => {
    expect(modeState(settings())).toEqual({ smsEnabled: true, emailEnabled: true, none: false });
    expect(initialModes(settings())).toEqual({ bySms: false, byEmail: false });
  });

  it("with e-mail off, SMS is selected and the e-mail toggle inactive (and the other way round)", () => {
    const noEmail = settings({ email_invitations_enabled: false });
    expect(modeState(noEmail)).toEqual({ smsEnabled: true, emailEnabled: false, none: false });
    expect(initialModes(noEmail)).toEqual({ bySms: true, byEmail: false });
    const noSms = settings({ sms_invitations_enabled: false });
    expect(modeState(noSms).smsEnabled).toBe(false);
    expect(initialModes(noSms)).toEqual({ bySms: false, byEmail: true });
  });

  it("with both off, nothing is selected and nothing can be sent", () => {
    const none = settings({ sms_invitations_enabled: false, email_invitations_enabled: false });
    expect(modeState(none).none).toBe(true);
    expect(initialModes(none)).toEqual({ bySms: false, byEmail: false });
    expect(isBlocked({ options: options(true, { sms_invitations_enabled: false, email_invitations_enabled: false }), errors: [], serverError: null })).toBe(true);
  });

  it("toggles a mode, never switching on one that is off for the organisation", () => {
    const both = modeState(settings());
    expect(toggleMode({ bySms: false, byEmail: false }, "sms", both)).toEqual({ bySms: true, byEmail: false });
    expect(toggleMode({ bySms: true, byEmail: true }, "email", both)).toEqual({ bySms: true, byEmail: false });
    const noSms = modeState(settings({ sms_invitations_enabled: false }));
    expect(toggleMode({ bySms: false, byEmail: true }, "sms", noSms)).toEqual({ bySms: false, byEmail: true });
  });
});

describe("Send", () => {
  it("stays disabled until every mandatory field is filled and a mode is selected", () => {
    const f = { busy: false, blocked: false };
    expect(canSend(emptyDraft(), f)).toBe(false);
    expect(canSend(full, f)).toBe(false);
    expect(canSend({ ...full, byEmail: true }, f)).toBe(true);
    expect(canSend({ ...full, bySms: true, byEmail: true }, f)).toBe(true);
    for (const key of ["firstName", "lastName", "email", "national"] as const) {
      expect(isComplete({ ...full, bySms: true, [key]: "   " }), key).toBe(false);
    }
    expect(isComplete({ ...full, bySms: true, details: "" })).toBe(true);
  });

  it("is disabled while sending and while blocked", () => {
    const ready = { ...full, bySms: true };
    expect(canSend(ready, { busy: true, blocked: false })).toBe(false);
    expect(canSend(ready, { busy: false, blocked: true })).toBe(false);
  });

  it("is blocked before the options answered, without the right, and on a form-level refusal", () => {
    expect(isBlocked({ options: null, errors: [], serverError: null })).toBe(true);
    expect(isBlocked({ options: options(), errors: [], serverError: null })).toBe(false);
    expect(isBlocked({ options: options(false), errors: [], serverError: null })).toBe(true);
    expect(isBlocked({ options: options(true, { guest_invitations_enabled: false }), errors: [], serverError: null })).toBe(true);
    expect(isBlocked({ options: options(), errors: [err("not_authorized_to_invite")], serverError: null })).toBe(true);
    expect(isBlocked({ options: options(), errors: [], serverError: err("not_authorized_to_invite") })).toBe(true);
    // Field errors and transient failures never block: the server decides on Send.
    expect(isBlocked({ options: options(), errors: [err("invalid_format", "email")], serverError: null })).toBe(false);
    expect(isBlocked({ options: options(), errors: [], serverError: err("network") })).toBe(false);
    // The server refused a field: blocked until that field is edited (which drops the refusal).
    expect(isBlocked({ options: options(), errors: [], serverError: err("contact_exists", "phone") })).toBe(true);
  });
});

describe("request", () => {
  it("joins the picked calling code and the typed number with a space", () => {
    expect(phoneOf("+44", " 20 7946 0958 ")).toBe("+44 20 7946 0958");
    expect(phoneOf("+44", "")).toBe("+44");
    expect(phoneOf(null, "")).toBe("");
  });

  it("carries every field and the conversation", () => {
    expect(toRequest({ ...full, bySms: true, details: "Atlas" }, "+44", "conv-1")).toEqual({
      first_name: "Gina",
      last_name: "Guest",
      email: "gina@partner.example",
      phone: "+44 20 7946 0599",
      by_sms: true,
      by_email: false,
      details: "Atlas",
      conversation_id: "conv-1",
      access_days: null,
      conversation_bound: false,
    });
    expect(toRequest(full, "+1", null).conversation_id).toBeNull();
  });

  it("sends the access days typed, and a bound access only with a conversation", () => {
    expect(toRequest({ ...full, accessDays: " 30 " }, "+44", null).access_days).toBe(30);
    expect(toRequest({ ...full, accessDays: "thirty" }, "+44", null).access_days).toBe(0);
    expect(toRequest({ ...full, conversationBound: true }, "+44", null).conversation_bound).toBe(false);
    expect(toRequest({ ...full, conversationBound: true }, "+44", "conv-1").conversation_bound).toBe(true);
    expect(accessDaysOf("")).toBeNull();
    expect(accessHint({ guest_access_days_default: 0, guest_access_days_max: 0 })).toBe("Empty: no end");
    expect(accessHint({ guest_access_days_default: 30, guest_access_days_max: 90 })).toBe("Empty: 30 days; at most 90 days");
    expect(accessHint({ guest_access_days_default: 0, guest_access_days_max: 90 })).toBe("Empty: 90 days; at most 90 days");
  });

  it("counts characters for the n /200 counter", () => {
    expect(detailsCounter("", 200)).toBe("0 /200");
    expect(detailsCounter("Project Atlas kick-off", 200)).toBe("22 /200");
    expect(detailsCounter("héllo 👋", 200)).toBe("7 /200");
  });
});

describe("which errors show", () => {
  const current = toRequest({ ...full, email: "gina-at-partner" }, "+44", null);
  const show = (field: Parameters<typeof visibleFieldError>[0]["field"], touch: Touch, errors: ApiError[], extra = {}) =>
    visibleFieldError({ field, checked: current, errors, current, touch, serverError: null, ...extra });

  it("never on an untouched form", () => {
    const errors = [err("required", "first_name"), err("invalid_format", "email"), err("mode_required", "mode")];
    for (const f of ["first_name", "email", "mode"] as const) expect(show(f, untouched, errors)).toBeNull();
  });

  it("not while typing; once paused or left", () => {
    const errors = [err("invalid_format", "email")];
    const typing = afterInput(untouched);
    expect(show("email", typing, errors)).toBeNull();
    expect(show("email", afterPause(typing), errors)?.code).toBe("invalid_format");
    expect(show("email", afterLeave(typing), errors)?.code).toBe("invalid_format");
    // Typing again hides it until the next pause.
    expect(show("email", afterInput(afterPause(typing)), errors)).toBeNull();
  });

  it("`required` only once the field was left empty", () => {
    const errors = [err("required", "last_name")];
    expect(show("last_name", afterPause(afterInput(untouched)), errors)).toBeNull();
    expect(show("last_name", afterLeave(untouched), errors)?.code).toBe("required");
  });

  it("not when the rule answered about another value than the one on screen", () => {
    const checked = { ...current, email: "gina-at" };
    const touch = afterLeave(afterInput(untouched));
    expect(visibleFieldError({ field: "email", checked, errors: [err("invalid_format", "email")], current, touch, serverError: null })).toBeNull();
    expect(visibleFieldError({ field: "email", checked: null, errors: [], current, touch, serverError: null })).toBeNull();
  });

  it("the server's refusal on a field shows at once", () => {
    const serverError = err("contact_exists", "phone", "This contact already exists in your organization");
    expect(show("phone", untouched, [], { serverError })?.message).toBe("This contact already exists in your organization");
    expect(show("email", untouched, [], { serverError })).toBeNull();
  });

  it("keeps form-level messages apart, the server's first", () => {
    expect(formLevelError([err("not_authorized_to_invite")], null)?.code).toBe("not_authorized_to_invite");
    expect(formLevelError([err("invalid_format", "email")], null)).toBeNull();
    expect(formLevelError([err("no_invitation_mode")], err("network"))?.code).toBe("network");
    expect(formLevelError([], err("contact_exists", "email"))).toBeNull();
  });

  it("an edit drops the server's refusal it answered, but not a blocking one", () => {
    expect(serverErrorAfterEdit(err("contact_exists", "phone"), "phone")).toBeNull();
    expect(serverErrorAfterEdit(err("contact_exists", "phone"), "email")?.code).toBe("contact_exists");
    expect(serverErrorAfterEdit(err("network"), "email")).toBeNull();
    expect(serverErrorAfterEdit(err("not_authorized_to_invite"), "email")?.code).toBe("not_authorized_to_invite");
  });

  it("maps refusal fields onto the form", () => {
    expect(asInvitationField("phone")).toBe("phone");
    expect(asInvitationField("name")).toBeNull();
    expect(asInvitationField(undefined)).toBeNull();
  });
});
