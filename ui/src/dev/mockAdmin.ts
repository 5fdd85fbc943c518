// DEV ONLY: the administration part of the mock backend (see mockBackend.ts): ~120 guests of two
// departments (Engineering, Sales) with a few inviters, the users list with *may invite guests*,
// the organisation's settings and the activity report.
// URL parameters: ?role=company_admin|department_admin|member (who is signed in; department
//                 admin by default, administering Engineering)
//                 ?guests=0 (none) or a number (120 by default)  ?admin=error (the first guests page fails) | slow
//                 ?report=on (Receive activity report on; the guest feature must be on too)
//                 ?export=cancel (the save dialog is cancelled)  ?rights=error (set_may_invite fails)
//                 ?mechange=member|company_admin (the account changes role after 6 s)

import { emit } from "@tauri-apps/api/event";
import type { AccountPick } from "../lib/bindings/AccountPick";
import type { ActivityReport } from "../lib/bindings/ActivityReport";
import type { ActivityRow } from "../lib/bindings/ActivityRow";
import type { AdminMember } from "../lib/bindings/AdminMember";
import type { AmendGuestRequest } from "../lib/bindings/AmendGuestRequest";
import type { ApiError } from "../lib/bindings/ApiError";
import type { Contact } from "../lib/bindings/Contact";
import type { ExportedReport } from "../lib/bindings/ExportedReport";
import type { GuestRow } from "../lib/bindings/GuestRow";
import type { GuestsPage } from "../lib/bindings/GuestsPage";
import type { GuestsQuery } from "../lib/bindings/GuestsQuery";
import type { Me } from "../lib/bindings/Me";
import type { MembersPage } from "../lib/bindings/MembersPage";
import type { MembersQuery } from "../lib/bindings/MembersQuery";
import type { OrganisationSettings } from "../lib/bindings/OrganisationSettings";
import type { VisibilityAnswer } from "../lib/bindings/VisibilityAnswer";

const err = (code: ApiError["code"], message: string, field?: string): ApiError => (field ? { code, message, field } : { code, message });
const FORBIDDEN = () => err("forbidden", "You are not allowed to do this.");

const GUEST_FIRST = ["Lin", "Sam", "Ola", "Nadia", "Tomás", "Priya", "Kenji", "Amara", "Lucas", "Freya", "Omar", "Ines", "Yuki", "Bruno", "Chloé"];
const GUEST_LAST = ["Partner", "Vendor", "Contractor", "Okafor", "García", "Patel", "Sato", "Mensah", "Silva", "Nilsen", "Haddad", "Costa", "Kowalski", "Dubois"];
const DOMAINS = ["partner.example", "vendor.example", "agency.example", "consult.example"];
const PHONES = [
  { code: "+44", display: (n: string) => `+44 20 7946 ${n}` },
  { code: "+1", display: (n: string) => `+1 415-555-${n}` },
  { code: "+49", display: (n: string) => `+49 30 901820${n.slice(-2)}${n.slice(0, 2)}` },
  { code: "+61", display: (n: string) => `+61 2 9876 ${n}` },
];
const DEPARTMENTS = [
  { id: "dept-0", name: "Engineering" },
  { id: "dept-1", name: "Sales" },
];
const INVITERS = [
  { id: "inv-1", name: "Grace Hopper", dept: 0 },
  { id: "inv-2", name: "Alan Turing", dept: 0 },
  { id: "me", name: "Jordan Rivera", dept: 0 },
  { id: "inv-3", name: "Margaret Hamilton", dept: 1 },
  { id: "inv-4", name: "Tim Berners-Lee", dept: 1 },
  // Not activated yet: shown by phone number.
  { id: "inv-5", name: "+1 555-010-0999", dept: 1 },
];
const GROUPS = ["Project Atlas", "Sales weekly", "Launch war room"];

const DAY = 24 * 3600 * 1000;

function buildGuests(n: number): GuestRow[] {
  const out: GuestRow[] = [];
  const now = Date.now();
  for (let i = 0; i < n; i++) {
    const first = GUEST_FIRST[i % GUEST_FIRST.length];
    const last = GUEST_LAST[(i * 5 + Math.floor(i / GUEST_FIRST.length)) % GUEST_LAST.length];
    const inviter = INVITERS[(i * 5) % INVITERS.length];
    const phone = PHONES[i % PHONES.length];
    const local = String(1000 + ((i * 37) % 9000)).padStart(4, "0");
    const display = phone.display(local);
    // Spread over the last ~110 days, a few each day; the newest first in `i`.
    const at = now - Math.floor(i * 0.92 * DAY) - ((i * 7919) % (8 * 3600 * 1000)) - 25 * 60 * 1000;
    const dept = DEPARTMENTS[inviter.dept];
    out.push({
      id: `guest-${String(i + 1).padStart(4, "0")}`,
      first_name: first,
      last_name: last,
      phone: display.replace(/[^\d+]/g, ""),
      phone_display: display,
      email: `${first.toLowerCase().normalize("NFD").replace(/[^a-z]/g, "")}.${last.toLowerCase().normalize("NFD").replace(/[^a-z]/g, "")}${i}@${DOMAINS[i % DOMAINS.length]}`,
      invited_by_id: inviter.id,
      invited_by_name: inviter.name,
      invited_at: at,
      department_id: dept.id,
      department_name: dept.name,
      group_name: i % 9 === 2 ? GROUPS[i % GROUPS.length] : null,
      status: i % 5 === 0 || i % 7 === 1 || i < 6 ? "pending" : "active",
      reminders_sent: i % 5 === 0 ? Math.min(7, Math.floor(i / 10)) : 0,
      // A few guests whose sponsor left: suspended.
      sponsor_id: i % 23 === 4 ? null : inviter.id,
      sponsor_name: i % 23 === 4 ? null : inviter.name,
      access: i % 23 === 4 ? "suspended" : "open",
      access_ends_at: i % 11 === 3 ? at + 90 * DAY : null,
    });
  }
  return out;
}

function buildMembers(directory: readonly Contact[], me: Me): AdminMember[] {
  const rows: AdminMember[] = [
    {
      id: me.id,
      first_name: me.first_name,
      last_name: me.last_name,
      phone_display: "+1 555-010-0000",
      department_name: me.department_name,
      role: me.role,
      status: "active",
      may_invite: true,
    },
  ];
  directory
    .filter((c) => c.kind === "member")
    .forEach((c, i) =>
      rows.push({
        id: c.id,
        first_name: c.first_name,
        last_name: c.last_name,
        phone_display: c.phone_display,
        department_name: c.department_name,
        role: i === 3 ? "company_admin" : i % 23 === 7 ? "department_admin" : "member",
        status: i % 31 === 30 ? "pending" : "active",
        may_invite: i % 4 === 1,
      }),
    );
  return rows;
}

const digitsOf = (s: string) => s.replace(/\D/g, "");

function matchesSearch(g: GuestRow, raw: string): boolean {
  const t = raw.trim().toLowerCase();
  if (Array.from(t).length < 2) return true;
  const looksLikePhone = /^[\d\s+().-]+$/.test(t) && digitsOf(t).length >= 2;
  if (looksLikePhone && digitsOf(g.phone).includes(digitsOf(t))) return true;
  return (
    `${g.first_name} ${g.last_name}`.toLowerCase().includes(t) ||
    `${g.last_name} ${g.first_name}`.toLowerCase().includes(t) ||
    g.invited_by_name.toLowerCase().includes(t)
  );
}

function sortKey(g: GuestRow, sort: GuestsQuery["sort"]): string | number {
  switch (sort) {
    case "first_name":
      return g.first_name.toLowerCase();
    case "last_name":
      return g.last_name.toLowerCase();
    case "user_id":
      return g.phone;
    case "invited_by":
      return g.invited_by_name.toLowerCase();
    case "invited_at":
      return g.invited_at;
    case "group":
      return (g.group_name ?? g.department_name).toLowerCase();
    case "status":
      return g.status;
  }
}

/** Validity of a month `YYYY-MM` and its UTC bounds. */
function monthBounds(month: string): [number, number] | null {
  const m = /^(\d{4})-(\d{2})$/.exec(month);
  if (!m) return null;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  if (mo < 1 || mo > 12) return null;
  return [Date.UTC(y, mo - 1, 1), Date.UTC(y, mo, 1)];
}

export function mockAdmin(params: URLSearchParams, getMe: () => Me, setMe: (me: Me) => void, settings: OrganisationSettings, directory: Contact[]) {
  const adminMode = params.get("admin") ?? "";
  let failNext = adminMode === "error";
  let guests = buildGuests(Number(params.get("guests") ?? 120) || 0);
  if (params.get("report") === "on") settings.activity_report_enabled = true;
  let members = buildMembers(directory, getMe());

  // The report's events: one invitation per guest, plus incorporations and deletions of guests
  // that have left the list since.
  type Event = ActivityRow & { dept: string };
  const guestLabel = (g: Pick<GuestRow, "first_name" | "last_name" | "phone_display">) => `${g.first_name} ${g.last_name} (${g.phone_display})`;
  const events: Event[] = guests.map((g) => ({ at: g.invited_at, actor: g.invited_by_name, action: "invitation", guest: guestLabel(g), sponsor: null, dept: g.department_id }));
  for (const g of guests.filter((x) => x.access === "suspended")) {
    events.push({ at: g.invited_at + 2 * DAY, actor: "Ada Lovelace", action: "suspension", guest: guestLabel(g), sponsor: g.invited_by_name, dept: g.department_id });
  }
  for (let i = 0; i < 14; i++) {
    const at = Date.now() - Math.floor((i * 6.5 + 1) * DAY) - i * 3_700_000;
    const first = GUEST_FIRST[(i * 4) % GUEST_FIRST.length];
    const last = GUEST_LAST[(i * 3 + 5) % GUEST_LAST.length];
    const g = { first_name: first, last_name: last, phone_display: `+44 20 7946 ${String(8000 + i * 13)}` };
    events.push({ at: at - 9 * DAY, actor: INVITERS[i % INVITERS.length].name, action: "invitation", guest: guestLabel(g), sponsor: null, dept: DEPARTMENTS[i % 2].id });
    events.push({ at, actor: i % 3 === 0 ? "Ada Lovelace" : "Jordan Rivera", action: i % 2 === 0 ? "incorporation" : "deletion", guest: guestLabel(g), sponsor: null, dept: DEPARTMENTS[i % 2].id });
  }

  const isCompany = () => getMe().role === "company_admin";
  const isAdmin = () => getMe().role === "company_admin" || getMe().role === "department_admin";
  /** A department admin administers Engineering (and its sub-departments: none here). */
  const managed = (deptId: string) => isCompany() || deptId === "dept-0";
  const scoped = () => guests.filter((g) => managed(g.department_id));
  const actorName = () => `${getMe().first_name} ${getMe().last_name}`;

  function findPending(id: string): GuestRow {
    const g = scoped().find((x) => x.id === id);
    if (!g) throw err("not_found", "This guest no longer exists.");
    if (g.status !== "pending") throw err("invalid_request", "This guest has already activated their account.");
    return g;
  }

  function page(q: GuestsQuery): GuestsPage {
    const all = scoped();
    const rows = all
      .filter((g) => (q.status === "all" || g.status === q.status) && (!q.without_sponsor || g.sponsor_id === null) && matchesSearch(g, q.search))
      .sort((a, b) => {
        const ka = sortKey(a, q.sort);
        const kb = sortKey(b, q.sort);
        const c = ka < kb ? -1 : ka > kb ? 1 : 0;
        return (q.direction === "asc" ? c : -c) || b.invited_at - a.invited_at || a.id.localeCompare(b.id);
      });
    const limit = q.limit === 0 ? 50 : Math.min(q.limit, 200);
    // The server counts a search's matches up to 1,000 (core::admin::MATCHES_COUNT_MAX).
    const capped = q.search.trim().length >= 2 && rows.length > 1000;
    return {
      created: all.length,
      total: capped ? 1000 : rows.length,
      total_is_lower_bound: capped,
      offset: q.offset,
      rows: rows.slice(q.offset, q.offset + limit),
    };
  }

  function remove(ids: string[], action: "incorporation" | "deletion"): number {
    const chosen = scoped().filter((g) => ids.includes(g.id));
    if (chosen.length !== ids.length) throw err("not_found", "Some of these guests no longer exist. Reload the list.");
    guests = guests.filter((g) => !ids.includes(g.id));
    for (const g of chosen) events.push({ at: Date.now(), actor: actorName(), action, guest: guestLabel(g), sponsor: null, dept: g.department_id });
    if (action === "incorporation") {
      for (const g of chosen)
        members.push({
          id: g.id,
          first_name: g.first_name,
          last_name: g.last_name,
          phone_display: g.phone_display,
          department_name: g.department_name,
          role: "member",
          status: g.status,
          may_invite: false,
        });
    }
    return chosen.length;
  }

  function amend(id: string, req: AmendGuestRequest): GuestRow {
    const g = findPending(id);
    const name = (value: string, field: string) => {
      if (value.trim() === "") throw err("required", "This field is required", field);
      if (/[<>@\d]/.test(value) || value.trim().length > 100) throw err("invalid_format", "Invalid format", field);
    };
    name(req.first_name, "first_name");
    name(req.last_name, "last_name");
    const email = req.email.trim().toLowerCase();
    if (email === "") throw err("required", "This field is required", "email");
    if (!/^[^\s@]+@[^\s@]+\.[a-z]{2,}$/.test(email)) throw err("invalid_format", "Invalid format", "email");
    const domain = email.split("@")[1];
    if (settings.forbidden_email_domains.some((d) => domain === d || domain.endsWith(`.${d}`))) throw err("domain_forbidden", "The domain is forbidden", "email");
    const m = /^(\+\d{1,3})\s+(.*)$/.exec(req.phone.trim());
    if (!m || !/^\d{6,14}$/.test(m[2].replace(/[\s.()-]/g, ""))) throw err("invalid_format", "Invalid format", "phone");
    if (settings.forbidden_country_codes.includes(m[1])) throw err("country_code_forbidden", "The country code is forbidden", "phone");
    const phone = `${m[1]}${m[2].replace(/\D/g, "")}`;
    const taken = (c: { email?: string | null; phone: string; id: string }) => c.id !== id && (c.email === email || c.phone === phone);
    if (directory.some((c) => c.email === email) || guests.some((c) => c.id !== id && c.email === email))
      throw err("contact_exists", "This contact already exists in your organization", "email");
    if (directory.some((c) => c.phone === phone) || guests.some(taken)) throw err("contact_exists", "This contact already exists in your organization", "phone");
    const updated: GuestRow = { ...g, first_name: req.first_name.trim(), last_name: req.last_name.trim(), email, phone, phone_display: req.phone.trim() };
    guests = guests.map((x) => (x.id === id ? updated : x));
    return updated;
  }

  function members_(q: MembersQuery): MembersPage {
    const t = q.search.trim().toLowerCase();
    const rows = members.filter(
      (m) =>
        (!q.authorised_only || m.may_invite) &&
        (Array.from(t).length < 2 ||
          `${m.first_name} ${m.last_name}`.toLowerCase().includes(t) ||
          (digitsOf(t).length >= 2 && /^[\d\s+().-]+$/.test(t) && digitsOf(m.phone_display).includes(digitsOf(t)))),
    );
    const limit = q.limit === 0 ? 50 : Math.min(q.limit, 200);
    return { total: rows.length, offset: q.offset, rows: rows.slice(q.offset, q.offset + limit) };
  }

  function save(next: OrganisationSettings): OrganisationSettings {
    const domains = [...new Set(next.forbidden_email_domains.map((d) => d.trim().replace(/^@/, "").toLowerCase()).filter((d) => d !== ""))];
    const bad = domains.find((d) => !/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(d));
    if (bad) throw err("invalid_format", `“${bad}” is not a domain name`, "forbidden_email_domains");
    const codes = [...new Set(next.forbidden_country_codes.map((c) => c.trim()).filter((c) => c !== ""))];
    const badCode = codes.find((c) => !/^\+[1-9]\d{0,2}$/.test(c));
    if (badCode) throw err("invalid_format", `“${badCode}” is not a country calling code (e.g. +44)`, "forbidden_country_codes");
    if (next.activation_code_validity_hours < 1 || next.activation_code_validity_hours > 2160)
      throw err("invalid_format", "Between 1 and 2,160 hours", "activation_code_validity_hours");
    if (next.reminders_max > 30) throw err("invalid_format", "At most 30 reminders", "reminders_max");
    Object.assign(settings, { ...next, forbidden_email_domains: domains, forbidden_country_codes: codes, guest_profile: { ...next.guest_profile } });
    setTimeout(() => void emit("settings-changed", null), 50);
    return { ...settings, forbidden_email_domains: [...domains], forbidden_country_codes: [...codes], guest_profile: { ...settings.guest_profile } };
  }

  function report(month: string): ActivityReport {
    const bounds = monthBounds(month);
    if (!bounds) throw err("invalid_request", "Choose a month (YYYY-MM).");
    const enabled = settings.activity_report_enabled && settings.guest_invitations_enabled;
    const rows = enabled
      ? events
          .filter((e) => e.at >= bounds[0] && e.at < bounds[1] && managed(e.dept))
          .sort((a, b) => a.at - b.at)
          .map(({ at, actor, action, guest, sponsor }) => ({ at, actor, action, guest, sponsor }))
      : [];
    return { month, enabled, rows };
  }

  const change = params.get("mechange");
  if (change === "member" || change === "company_admin") {
    setTimeout(() => {
      const next: Me = { ...getMe(), role: change };
      setMe(next);
      void emit("me-changed", next);
    }, 6000);
  }

  /** Members and guests whose name starts with the search, or whose number holds it. */
  function everyone(): AccountPick[] {
    const ms: AccountPick[] = members.map((m) => ({
      id: m.id,
      name: `${m.first_name} ${m.last_name}`,
      phone_display: m.phone_display,
      kind: "member",
      status: m.status,
      department_name: m.department_name,
      may_sponsor: m.may_invite || m.role !== "member",
    }));
    const gs: AccountPick[] = guests.map((g) => ({
      id: g.id,
      name: `${g.first_name} ${g.last_name}`,
      phone_display: g.phone_display,
      kind: "guest",
      status: g.status,
      department_name: g.department_name,
      may_sponsor: false,
    }));
    return [...ms, ...gs];
  }

  function picks(search: string): AccountPick[] {
    const q = search.trim().toLowerCase();
    if (q.length < 2) return [];
    return everyone()
      .filter((p) => p.name.toLowerCase().split(" ").some((w) => w.startsWith(q)) || p.phone_display.replace(/\D/g, "").includes(q))
      .slice(0, 20);
  }

  /** A canned answer: the dev mock has no conversations, so only the kinds decide here; the real
   *  answer is the server's (core::visibility). */
  function explain(viewerId: string, targetId: string): VisibilityAnswer {
    const all = everyone();
    const viewer = all.find((p) => p.id === viewerId);
    const target = all.find((p) => p.id === targetId);
    if (!viewer || !target) throw err("not_found", "No such person.", viewer ? "target" : "viewer");
    if (viewer.id === target.id) throw err("invalid_request", "Choose two different people.", "target");
    const both = viewer.kind === "member" && target.kind === "member";
    const [v, t] = [viewer.name, target.name];
    return {
      viewer,
      target,
      sees_in_contacts: both,
      sees_in_conversation: false,
      reason: both ? "both_members" : target.kind === "guest" ? (viewer.kind === "guest" ? "guests_never_in_contacts" : "guest_not_tied_to_member") : "member_not_tied_to_guest",
      sentence: both
        ? `${v} sees ${t}: both are members of the organisation, and every member sees every member.`
        : `${v} does not see ${t}: (dev mock) no invitation or shared conversation ties them.`,
      shared_conversations: [],
      shared_conversation_count: 0,
    };
  }

  /** Answers an admin command, or `undefined` when `cmd` is not one. */
  async function handle(cmd: string, args: Record<string, unknown>): Promise<unknown> {
    switch (cmd) {
      case "admin_guests": {
        if (!isAdmin()) throw FORBIDDEN();
        if (adminMode === "slow") await new Promise((r) => setTimeout(r, 1500));
        if (failNext) {
          failNext = false;
          throw err("network", "Cannot reach the server. Check the address and your connection.");
        }
        return page(args.query as GuestsQuery);
      }
      case "incorporate_guests":
        if (!isAdmin()) throw FORBIDDEN();
        return remove(args.guestIds as string[], "incorporation");
      case "delete_guests":
        if (!isAdmin()) throw FORBIDDEN();
        return remove(args.guestIds as string[], "deletion");
      case "resend_guest_invitation": {
        if (!isAdmin()) throw FORBIDDEN();
        const g = findPending(String(args.id));
        return { ...g };
      }
      case "amend_guest":
        if (!isAdmin()) throw FORBIDDEN();
        return amend(String(args.id), args.request as AmendGuestRequest);
      case "cancel_guest_invitation": {
        if (!isAdmin()) throw FORBIDDEN();
        const g = findPending(String(args.id));
        guests = guests.filter((x) => x.id !== g.id);
        return null;
      }
      case "change_guest_sponsor": {
        if (!isAdmin()) throw FORBIDDEN();
        const sponsor = everyone().find((p) => p.id === args.sponsorId);
        if (!sponsor?.may_sponsor) throw err("sponsor_not_allowed", "This person cannot sponsor guests. Choose a member who may invite external users.");
        const ids = new Set(args.guestIds as string[]);
        guests = guests.map((g) => (ids.has(g.id) ? { ...g, sponsor_id: sponsor.id, sponsor_name: sponsor.name, access: "open" } : g));
        return ids.size;
      }
      case "take_over_guest": {
        if (!isAdmin()) throw FORBIDDEN();
        const me = getMe();
        const name = `${me.first_name} ${me.last_name}`;
        guests = guests.map((g) => (g.id === args.guestId ? { ...g, sponsor_id: me.id, sponsor_name: name, access: "open" } : g));
        return null;
      }
      case "admin_members":
        if (!isCompany()) throw FORBIDDEN();
        return members_(args.query as MembersQuery);
      case "set_may_invite": {
        if (!isCompany() || params.get("rights") === "error") throw FORBIDDEN();
        const m = members.find((x) => x.id === args.id);
        if (!m) throw err("not_found", "This user no longer exists.");
        if (m.status === "pending") throw err("invalid_request", "This user has not activated their account yet.");
        m.may_invite = Boolean(args.mayInvite);
        return null;
      }
      case "remove_from_organisation": {
        if (!isCompany()) throw FORBIDDEN();
        if (args.id === getMe().id) throw err("forbidden", "You cannot remove yourself.");
        const gone = members.find((x) => x.id === args.id);
        if (!gone) throw err("not_found", "Not found.");
        members = members.filter((x) => x.id !== args.id);
        let suspended = 0;
        guests = guests.map((g) => {
          if (g.sponsor_id !== gone.id) return g;
          suspended++;
          return { ...g, sponsor_id: null, sponsor_name: null, access: "suspended" };
        });
        return suspended;
      }
      case "admin_account_picks":
        if (!isAdmin()) throw FORBIDDEN();
        return picks(String(args.search));
      case "explain_visibility":
        if (!isAdmin()) throw FORBIDDEN();
        return explain(String(args.viewer), String(args.target));
      case "organisation_settings":
        if (!isCompany()) throw FORBIDDEN();
        return { ...settings, forbidden_email_domains: [...settings.forbidden_email_domains], forbidden_country_codes: [...settings.forbidden_country_codes], guest_profile: { ...settings.guest_profile } };
      case "save_organisation_settings":
        if (!isCompany()) throw FORBIDDEN();
        return save(args.settings as OrganisationSettings);
      case "activity_report":
        if (!isAdmin()) throw FORBIDDEN();
        return report(String(args.month));
      case "export_activity_report": {
        if (!isAdmin()) throw FORBIDDEN();
        if (params.get("export") === "cancel") return null;
        const r = report(String(args.month));
        return { path: `/home/jordan/Documents/parley-activity-${r.month}.csv`, rows: r.rows.length } satisfies ExportedReport;
      }
      default:
        return undefined;
    }
  }

  const COMMANDS = new Set([
    "admin_guests",
    "incorporate_guests",
    "delete_guests",
    "resend_guest_invitation",
    "amend_guest",
    "cancel_guest_invitation",
    "admin_members",
    "change_guest_sponsor",
    "take_over_guest",
    "remove_from_organisation",
    "admin_account_picks",
    "explain_visibility",
    "set_may_invite",
    "organisation_settings",
    "save_organisation_settings",
    "activity_report",
    "export_activity_report",
  ]);

  return { handles: (cmd: string) => COMMANDS.has(cmd), handle };
}
