// DEV ONLY: a stand-in for the Rust side, so `npm run dev:ui` works in a plain browser (outside
// Tauri). Loaded by main.ts only when `import.meta.env.DEV` and there is no Tauri runtime; it is
// not part of the production bundle.
//
// URL parameters: ?screen=login|first_login|contacts  ?contacts=100000  ?sync=error|slow
//                 ?cache=0 (start with nothing cached)  ?code=123456 (the code `login` accepts)
//   invitations:  ?invite=ok|revoked|off|nomode|sms-off|email-off|revoke-on-send
//                 (forbidden: domain rival.example, country code +33; user3@example.com and
//                 +1 555-100-0003 already exist)
//   guest profile: ?profile=no-direct|no-group   who: ?as=guest
//   conversations: ?conversations=0 (none)  ?all=on (the ALL group shown)   notices: ?notices=0 (none)
//   chat: ?messages=0 (no history)  ?timeline=error|slow (see mockChat.ts)
//   administration: ?role=company_admin|department_admin|member  ?guests=0|N  ?admin=error|slow
//                 ?report=on  ?export=cancel  ?mechange=member|company_admin (see mockAdmin.ts)

import { mockIPC } from "@tauri-apps/api/mocks";
import { emit } from "@tauri-apps/api/event";
import type { ApiError } from "../lib/bindings/ApiError";
import type { AppState } from "../lib/bindings/AppState";
import type { GuestConfirmation } from "../lib/bindings/GuestConfirmation";
import type { CallingCode } from "../lib/bindings/CallingCode";
import type { Contact } from "../lib/bindings/Contact";
import type { ContactsPage } from "../lib/bindings/ContactsPage";
import type { ContactsQuery } from "../lib/bindings/ContactsQuery";
import type { Conversation } from "../lib/bindings/Conversation";
import type { CreateConversationRequest } from "../lib/bindings/CreateConversationRequest";
import type { DepartmentFilter } from "../lib/bindings/DepartmentFilter";
import type { InvitationCreated } from "../lib/bindings/InvitationCreated";
import type { InvitationOptions } from "../lib/bindings/InvitationOptions";
import type { InvitationRequest } from "../lib/bindings/InvitationRequest";
import type { Me } from "../lib/bindings/Me";
import type { Notice } from "../lib/bindings/Notice";
import type { OrganisationSettings } from "../lib/bindings/OrganisationSettings";
import type { TimelineQuery } from "../lib/bindings/TimelineQuery";
import type { GuestPreview } from "../lib/bindings/GuestPreview";
import type { PreviewPerson } from "../lib/bindings/PreviewPerson";
import { mockAdmin } from "./mockAdmin";
import { conversation, member, mockChat, seenBy } from "./mockChat";
import type { SyncStatus } from "../lib/bindings/SyncStatus";

const CODES: CallingCode[] = [
  { region: "AU", name: "Australia", code: "+61" },
  { region: "CA", name: "Canada", code: "+1" },
  { region: "FR", name: "France", code: "+33" },
  { region: "DE", name: "Germany", code: "+49" },
  { region: "IN", name: "India", code: "+91" },
  { region: "GB", name: "United Kingdom", code: "+44" },
  { region: "US", name: "United States", code: "+1" },
];

const FIRST = ["Ada", "Grace", "Alan", "Katherine", "Linus", "Margaret", "Tim", "Barbara", "Dennis", "Frances", "Émile", "Zoë"];
const LAST = ["Lovelace", "Hopper", "Turing", "Johnson", "Torvalds", "Hamilton", "Berners-Lee", "Liskov", "Ritchie", "Allen", "Zola", "Ng"];
const DEPTS = ["Engineering", "Sales", "Support", "Finance", "People", "Legal", "Marketing"];

function err(code: ApiError["code"], message: string, field?: string): ApiError {
  return field ? { code, message, field } : { code, message };
}

// The messages of crates/core/src/error.rs.
const MESSAGES: Partial<Record<ApiError["code"], string>> = {
  invalid_format: "Invalid format",
  domain_forbidden: "The domain is forbidden",
  country_code_forbidden: "The country code is forbidden",
  not_authorized_to_invite:
    "You are not anymore authorized to invite external users. Please contact your admin for more information",
  no_invitation_mode: "Please contact your Company Admin to activate at least one invitation mode",
  contact_exists: "This contact already exists in your organization",
  required: "This field is required",
  too_long: "This text is too long",
  mode_required: "Choose SMS, e-mail or both",
  mode_disabled: "This invitation mode is not enabled for your organization",
  feature_not_for_guests: "This feature is not available for guests",
  not_found: "Not found.",
};
const e = (code: ApiError["code"], field?: string) => err(code, MESSAGES[code] ?? code, field);

/** A stand-in for `check_invitation` in crates/core/src/invitation.rs (same order, same fields). */
function checkInvitation(req: InvitationRequest, settings: OrganisationSettings, mayInvite: boolean): ApiError[] {
  if (!settings.guest_invitations_enabled || !mayInvite) return [e("not_authorized_to_invite")];
  if (!settings.sms_invitations_enabled && !settings.email_invitations_enabled) return [e("no_invitation_mode")];
  const out: ApiError[] = [];
  for (const [value, field] of [
    [req.first_name, "first_name"],
    [req.last_name, "last_name"],
  ] as const) {
    if (value.trim() === "") out.push(e("required", field));
    else if (/[<>@\d]/.test(value) || value.trim().length > 100) out.push(e("invalid_format", field));
  }
  const email = req.email.trim().toLowerCase();
  if (email === "") out.push(e("required", "email"));
  else if (!/^[^\s@]+@[^\s@]+\.[a-z]{2,}$/.test(email)) out.push(e("invalid_format", "email"));
  else {
    const domain = email.split("@")[1];
    if (settings.forbidden_email_domains.some((d) => domain === d || domain.endsWith(`.${d}`))) out.push(e("domain_forbidden", "email"));
  }
  const phone = req.phone.trim();
  const m = /^(\+\d{1,3})\s+(.*)$/.exec(phone);
  if (phone.replace(/^\+\d*/, "").trim() === "") out.push(e("required", "phone"));
  else if (!m || !/^\d{6,14}$/.test(m[2].replace(/[\s.()-]/g, ""))) out.push(e("invalid_format", "phone"));
  else if (settings.forbidden_country_codes.includes(m[1])) out.push(e("country_code_forbidden", "phone"));
  if (!req.by_sms && !req.by_email) out.push(e("mode_required", "mode"));
  else if ((req.by_sms && !settings.sms_invitations_enabled) || (req.by_email && !settings.email_invitations_enabled))
    out.push(e("mode_disabled", "mode"));
  if (Array.from(req.details.trim()).length > 200) out.push(e("too_long", "details"));
  return out;
}

function buildDirectory(n: number): Contact[] {
  const out: Contact[] = [];
  for (let i = 0; i < n; i++) {
    const guest = i % 17 === 5;
    const d = i % DEPTS.length;
    out.push({
      id: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
      first_name: FIRST[i % FIRST.length],
      last_name: LAST[Math.floor(i / FIRST.length) % LAST.length],
      phone: `+1555${String(1_000_000 + i).slice(-7)}`,
      phone_display: `+1 555-${String(1_000_000 + i).slice(-7, -4)}-${String(1_000_000 + i).slice(-4)}`,
      email: `user${i}@example.com`,
      kind: guest ? "guest" : "member",
      role: guest ? "guest" : "member",
      status: guest && i % 2 === 0 ? "pending" : "active",
      department_id: `dept-${d}`,
      department_name: DEPTS[d],
      access: guest && i % 5 === 1 ? "suspended" : "open",
      access_ends_at: guest && i % 7 === 3 ? Date.now() + 20 * 86_400_000 : null,
      you_sponsor: guest,
    });
  }
  return out;
}

/** A canned "Preview as guest": the inviter (the signed-in user) and the group, if any; the real
 *  answer is the server's (core::visibility). */
function mockPreview(me: Me, conversation: Conversation | null): GuestPreview {
  const inviter: PreviewPerson = {
    person: {
      id: me.id,
      name: `${me.first_name} ${me.last_name}`,
      phone_display: me.phone,
      kind: "member",
      status: "active",
      department_name: me.department_name,
      may_sponsor: true,
    },
    reason: "target_invited_viewer",
    why: "Invited the guest",
  };
  return {
    guest_name: "The guest",
    before_activation: true,
    contacts: [inviter],
    contacts_total: 1,
    in_conversations_only: [],
    in_conversations_only_total: 0,
    conversations: [
      ...(conversation ? [{ title: conversation.title, member_count: conversation.member_count + 1 }] : []),
      { title: "Parley", member_count: 1 },
    ],
    other_conversations: 0,
  };
}

export function installMockBackend(params: URLSearchParams): void {
  const startScreen = (params.get("screen") ?? "login") as AppState["screen"];
  const size = Number(params.get("contacts") ?? "240");
  const syncMode = params.get("sync") ?? "ok";
  const goodCode = params.get("code") ?? "123456";
  const asGuest = params.get("as") === "guest";
  const inviteMode = params.get("invite") ?? "ok";
  const profile = params.get("profile") ?? "";
  const fullDirectory = buildDirectory(Number.isFinite(size) ? size : 240);
  // A guest sees only its inviter (SPEC §5).
  const directory = asGuest ? fullDirectory.slice(0, 1) : fullDirectory;

  const settings: OrganisationSettings = {
    guest_invitations_enabled: inviteMode !== "off",
    sms_invitations_enabled: !["sms-off", "nomode"].includes(inviteMode),
    email_invitations_enabled: !["email-off", "nomode"].includes(inviteMode),
    forbidden_email_domains: ["rival.example"],
    forbidden_country_codes: ["+33"],
    guest_profile: { desktop_access: true, direct_messages: profile !== "no-direct", group_conversations: profile !== "no-group" },
    activation_code_validity_hours: 48,
    reminders_enabled: true,
    reminders_max: 7,
    activity_report_enabled: false,
    display_group_all: false,
    confirm_guest_activation: false,
    guest_access_days_default: 0,
    guest_access_days_max: 0,
    guest_access_reminder_days: 7,
  };
  const mayInvite = !asGuest && inviteMode !== "revoked";

  // `?confirm=1`: one guest's activation waits for the signed-in member's answer.
  let guestQuestions: GuestConfirmation[] =
    params.get("confirm") === "1"
      ? [{ guest_id: "guest-q1", first_name: "Gina", last_name: "Green", phone_display: "+44 20 7946 0811", email: "gina@partner.example", activated_at: Date.now() - 3 * 60_000 }]
      : [];

  let me: Me = {
    id: "me",
    organisation_id: "org",
    organisation_name: "Acme Corporation",
    first_name: "Jordan",
    last_name: "Rivera",
    phone: "+15550100",
    email: "jordan@example.com",
    kind: "member",
    role: (["company_admin", "department_admin", "member"] as const).find((r) => r === params.get("role")) ?? "department_admin",
    status: startScreen === "first_login" ? "pending" : "active",
    department_id: "dept-0",
    department_name: "Engineering",
    first_login_required: startScreen === "first_login",
    may_sponsor: mayInvite,
    awaiting_confirmation: false,
    access_ends_at: null,
  };
  if (asGuest) me = { ...me, first_name: "Gina", last_name: "Guest", kind: "guest", role: "guest", email: "gina@partner.example" };

  // ---- administration ----
  const admin = mockAdmin(
    params,
    () => me,
    (next) => (me = next),
    settings,
    fullDirectory,
  );

  // ---- notices ----
  const minutes = (n: number) => Date.now() - n * 60_000;
  let notices: Notice[] =
    params.get("notices") === "0" || asGuest
      ? []
      : [
          { id: "n3", kind: "guest_invited", body: "Grace Hopper invited Lin Partner (external user) to Acme Corporation.", created_at: minutes(4), read: false },
          { id: "n2", kind: "guest_activated", body: "Sam Vendor, whom you invited, activated their account.", created_at: minutes(90), read: false },
          { id: "n1", kind: "guest_invited", body: "Alan Turing invited Ola Contractor (external user) to Acme Corporation.", created_at: minutes(60 * 30), read: true },
        ];
  const addNotice = (body: string, kind = "guest_invited") => {
    const n: Notice = { id: `n${Date.now()}`, kind, body, created_at: Date.now(), read: false };
    notices = [n, ...notices];
    void emit("notice", n);
  };

  // ---- conversations ----
  const asContact = (c: Contact) => member(c);
  const chat = mockChat(params, me);
  let conversations: Conversation[] = [];
  if (params.get("conversations") !== "0" && directory.length > 0) {
    const guest = fullDirectory.find((c) => c.kind === "guest");
    conversations = asGuest
      ? [conversation({ id: "c-direct-1", kind: "direct", title: `${directory[0].first_name} ${directory[0].last_name}`, members: [asContact(directory[0])], viewer_is_admin: false, created_at: minutes(300) })]
      : [
          conversation({ id: "c-direct-1", kind: "direct", title: `${directory[1].first_name} ${directory[1].last_name}`, members: [asContact(directory[1])], viewer_is_admin: false, created_at: minutes(10) }),
          conversation({
            id: "c-group-1",
            kind: "group",
            title: "Project Atlas",
            members: [asContact(directory[2]), asContact(directory[3]), ...(guest ? [asContact(guest)] : []), member(directory[4], true)],
            viewer_is_admin: true,
            created_at: minutes(60),
          }),
          ...(params.get("all") === "on"
            ? [{ ...conversation({ id: "c-all", kind: "group" as const, title: "All", members: directory.filter((c) => c.kind === "member").slice(0, 100).map((c) => asContact(c)), viewer_is_admin: false, created_at: minutes(400) }), org_wide: true, viewer_is_owner: false, member_count: 2500 }]
            : []),
          conversation({
            id: "c-group-2",
            kind: "group",
            title: "Sales weekly",
            members: [member(directory[8], true), asContact(directory[9]), asContact(directory[15])],
            viewer_is_admin: false,
            created_at: minutes(200),
          }),
          ...(guest
            ? [conversation({ id: "c-direct-2", kind: "direct" as const, title: `${guest.first_name} ${guest.last_name}`, members: [asContact(guest)], viewer_is_admin: false, created_at: minutes(500) })]
            : []),
          conversation({ id: "c-system", kind: "system", title: "Parley", members: [], viewer_is_admin: false, created_at: minutes(3000) }),
        ];
    chat.seed(conversations);
  }
  const contactById = (id: string) => directory.find((c) => c.id === id) ?? null;

  const createConversation = (req: CreateConversationRequest): Conversation => {
    const ids = [...new Set(req.member_ids.filter((id) => id !== me.id))];
    const members = ids.map((id) => {
      const c = contactById(id);
      if (!c) throw err("not_found", "No such contact.");
      return c;
    });
    if (req.kind === "direct" && members.length !== 1) throw err("invalid_request", "A one-to-one conversation has exactly one other member.");
    if (req.kind === "group" && members.length === 0) throw err("invalid_request", "Choose at least one member.");
    const guestInvolved = asGuest || members.some((c) => c.kind === "guest");
    if (guestInvolved && !(req.kind === "direct" ? settings.guest_profile.direct_messages : settings.guest_profile.group_conversations))
      throw e("feature_not_for_guests");
    if (req.kind === "direct") {
      const existing = conversations.find((c) => c.kind === "direct" && c.members[0]?.contact.id === members[0].id);
      if (existing) return existing;
    }
    const name = req.name?.trim() || null;
    if (name && Array.from(name).length > 100) throw e("too_long", "name");
    const c: Conversation = conversation({
      id: `c-${Date.now()}`,
      kind: req.kind,
      title: name ?? (req.kind === "direct" ? `${members[0].first_name} ${members[0].last_name}` : [me.first_name, ...members.map((m) => m.first_name)].join(", ")),
      members: members.map(asContact),
      viewer_is_admin: req.kind === "group",
      created_at: Date.now(),
    });
    conversations = [c, ...conversations];
    return c;
  };

  const previewOf = (conversationId: string | null): GuestPreview =>
    mockPreview(me, conversationId ? (conversations.find((c) => c.id === conversationId) ?? null) : null);

  const sendInvitation = (req: InvitationRequest): InvitationCreated => {
    if (inviteMode === "revoke-on-send") throw e("not_authorized_to_invite");
    const errors = checkInvitation(req, settings, mayInvite);
    if (errors.length > 0) throw errors[0];
    const email = req.email.trim().toLowerCase();
    const phone = req.phone.replace(/[^\d+]/g, "");
    if (fullDirectory.some((c) => c.email === email)) throw e("contact_exists", "email");
    if (fullDirectory.some((c) => c.phone === phone)) throw e("contact_exists", "phone");
    let group: Conversation | null = null;
    if (req.conversation_id) {
      group = conversations.find((c) => c.id === req.conversation_id) ?? null;
      if (!group) throw err("not_found", "No such conversation.");
      if (group.kind !== "group") throw err("invalid_request", "Guests join group conversations only.");
      if (!group.viewer_is_admin) throw err("forbidden", "Only the admins of this conversation can invite guests into it.");
      if (!settings.guest_profile.group_conversations) throw e("feature_not_for_guests");
    }
    const guest: Contact = {
      id: `guest-${Date.now()}`,
      first_name: req.first_name.trim(),
      last_name: req.last_name.trim(),
      phone,
      phone_display: req.phone.trim(),
      email,
      kind: "guest",
      role: "guest",
      status: "pending",
      department_id: me.department_id,
      department_name: me.department_name,
      access: "open",      access_ends_at: null,      you_sponsor: false,
    };
    fullDirectory.unshift(guest);
    if (directory !== fullDirectory) directory.unshift(guest);
    cached = directory.length;
    if (group) {
      const joined = { ...group, members: [...group.members, asContact(guest)] };
      conversations = conversations.map((c) => (c.id === joined.id ? joined : c));
    }
    // The contact delta reaches the UI a moment later, like the real sync.
    setTimeout(() => {
      setStatus({ contact_count: cached });
      void emit("contacts-changed", null);
    }, 700);
    setTimeout(() => addNotice(`You invited ${guest.first_name} ${guest.last_name} (external user). The invitation is on its way.`), 1500);
    return { invitation_id: `inv-${Date.now()}`, guest, code_expires_at: Date.now() + 48 * 3_600_000 };
  };
  let cached = startScreen === "contacts" && params.get("cache") !== "0" ? directory.length : 0;
  let status: SyncStatus = {
    connection: syncMode === "error" ? "offline" : "connecting",
    last_synced_at: null,
    syncing: false,
    contact_count: cached,
    error: syncMode === "error" ? err("network", "Cannot reach the server. Check the address and your connection.") : null,
    revision: 0,
    progress: null,
  };

  const setStatus = (next: Partial<SyncStatus>) => {
    status = { ...status, ...next, revision: status.revision + 1 };
    void emit("sync-status", status);
  };

  const runSync = () => {
    if (syncMode === "error") {
      setStatus({ syncing: false, connection: "offline" });
      return;
    }
    setStatus({ syncing: true, connection: "connecting" });
    if (syncMode === "slow" && cached === 0) {
      // A first sync of a large directory: the answer arrives, then is saved.
      const total = 2_400_000;
      for (let step = 1; step <= 8; step++) {
        setTimeout(() => setStatus({ progress: { stage: "downloading", received: (total * step) / 10, total } }), step * 250);
      }
      setTimeout(() => setStatus({ progress: { stage: "saving", contacts: directory.length } }), 2500);
    }
    setTimeout(
      () => {
        cached = directory.length;
        setStatus({
          syncing: false,
          connection: "online",
          contact_count: cached,
          error: null,
          last_synced_at: Date.now(),
          progress: null,
        });
        void emit("contacts-changed", null);
      },
      syncMode === "slow" ? 3000 : 400,
    );
  };

  const matches = (q: ContactsQuery) => {
    const s = q.search.trim().toLowerCase();
    return directory.slice(0, cached).filter(
      (c) =>
        (q.department_id === null || c.department_id === q.department_id) &&
        (s === "" ||
          `${c.first_name} ${c.last_name}`.toLowerCase().includes(s) ||
          c.phone.includes(s) ||
          (c.email ?? "").includes(s)),
    );
  };

  const checkPhone = (code: string, national: string) => {
    const digits = national.replace(/[\s.()-]/g, "");
    if (!/^\d{6,14}$/.test(digits)) return { e164: null, error: err("invalid_format", "Invalid format") };
    return { e164: `${code}${digits}`, error: null };
  };

  mockIPC(
    async (cmd, payload) => {
      const args = (payload ?? {}) as Record<string, unknown>;
      const quick = ["contacts_page", "check_phone", "check_invitation"].includes(cmd);
      const adminQuick = ["admin_guests", "admin_members", "activity_report", "set_may_invite"].includes(cmd);
      await new Promise((r) => setTimeout(r, quick ? 5 : adminQuick ? 120 : cmd === "send_invitation" ? 700 : 300));
      if (admin.handles(cmd)) return admin.handle(cmd, args);
      switch (cmd) {
        case "app_state":
          if (startScreen !== "login") setTimeout(runSync, 100);
          return { server_url: "http://127.0.0.1:8080", me: startScreen === "login" ? null : me, screen: startScreen } satisfies AppState;
        case "calling_codes":
          return CODES;
        case "check_phone":
          return checkPhone(String(args.callingCode), String(args.national));
        case "request_code":
          return { message: "If this number belongs to an account, a new activation code is on its way by SMS or e-mail. It is valid for 15 minutes." };
        case "login":
          if (args.code !== goodCode) throw err("invalid_code", "This activation code is not valid. Check it, or ask for a new one with New User.");
          setTimeout(runSync, 100);
          return me;
        case "complete_first_login":
          if (!args.acceptTerms) throw err("terms_not_accepted", "Please accept the terms of use to continue.");
          if (String(args.lastName).length < 2) throw err("invalid_format", "Invalid format", "last_name");
          me = { ...me, first_name: String(args.firstName), last_name: String(args.lastName), status: "active", first_login_required: false };
          return me;
        case "logout":
          return null;
        case "contacts_page": {
          const q = args.query as ContactsQuery;
          const all = matches(q);
          return { total: all.length, offset: q.offset, items: all.slice(q.offset, q.offset + q.limit) } satisfies ContactsPage;
        }
        case "departments": {
          const counts = new Map<string, DepartmentFilter>();
          for (const c of directory.slice(0, cached)) {
            const d = counts.get(c.department_id) ?? { id: c.department_id, name: c.department_name, count: 0 };
            d.count++;
            counts.set(c.department_id, d);
          }
          return [...counts.values()].sort((a, b) => a.name.localeCompare(b.name));
        }
        case "sync_status":
          return status;
        case "sync_now":
          runSync();
          return status;
        case "invitation_options":
          return { may_invite: mayInvite, settings, details_max_chars: 200 } satisfies InvitationOptions;
        case "check_invitation":
          return checkInvitation(args.request as InvitationRequest, settings, mayInvite);
        case "send_invitation":
          return sendInvitation(args.request as InvitationRequest);
        case "invitation_preview":
        case "guest_preview":
          return previewOf(cmd === "invitation_preview" ? ((args.conversationId as string | null) ?? null) : null);
        case "notices":
          return notices;
        case "guest_confirmations":
          return guestQuestions;
        case "answer_guest_confirmation":
          guestQuestions = guestQuestions.filter((q) => q.guest_id !== args.guestId);
          return null;
        case "refresh_me":
          return me;
        case "mark_notices_read":
          notices = notices.map((n) => ({ ...n, read: true }));
          return null;
        case "conversations":
          return conversations.map((c) => seenBy(c, me));
        case "conversation": {
          const c = conversations.find((x) => x.id === args.id);
          if (!c) throw err("not_found", "Not found.");
          return seenBy(c, me);
        }
        case "create_conversation":
          return createConversation(args.request as CreateConversationRequest);
        case "unread_total":
          return conversations.reduce((n, c) => n + c.unread_count, 0);
        case "timeline":
          return chat.timeline(conversations, args.query as TimelineQuery);
        case "send_message":
          return chat.send(conversations, args.conversationId as string, args.body as string);
        case "mark_read":
          chat.markRead(conversations, args.conversationId as string);
          return null;
        case "retry_message":
        case "discard_message":
        case "copy_to_clipboard":
          return null;
        case "incoming_invitations":
        case "sent_invitations":
        case "keys":
          return [];
        case "pending_key_link":
          return null;
        default:
          throw err("internal", `mock backend: unknown command ${cmd}`);
      }
    },
    { shouldMockEvents: true },
  );
}
