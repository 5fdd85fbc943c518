// The pure rules of the administration screens (SPEC §3, §7.6, §8, §9): the queries sent to the
// server, sorting and paging, the selection of guests, the report's months and dates, and the
// settings form. No I/O; tested in admin.test.ts.

import type { AccountStatus } from "./bindings/AccountStatus";
import type { CallingCode } from "./bindings/CallingCode";
import type { ActivityAction } from "./bindings/ActivityAction";
import type { GuestRow } from "./bindings/GuestRow";
import type { GuestSort } from "./bindings/GuestSort";
import type { GuestsQuery } from "./bindings/GuestsQuery";
import type { GuestStatusFilter } from "./bindings/GuestStatusFilter";
import type { MembersQuery } from "./bindings/MembersQuery";
import type { OrganisationSettings } from "./bindings/OrganisationSettings";
import type { Role } from "./bindings/Role";
import type { SortDirection } from "./bindings/SortDirection";

/** Rows per page of the guests and users lists. */
export const ADMIN_PAGE_SIZE = 50;
/** A search applies from this many typed characters on (SPEC §8; the core's `SEARCH_MIN_CHARS`). */
export const SEARCH_MIN_CHARS = 2;
/** Wait after the last keystroke before searching. */
export const ADMIN_SEARCH_DEBOUNCE_MS = 150;

// ---- who sees what -----------------------------------------------------------------------------

export type AdminTab = "guests" | "users" | "activity" | "visibility" | "settings";

export function isAdmin(role: Role): boolean {
  return role === "company_admin" || role === "department_admin";
}

/** Every admin manages guests and reads the report; only company admins grant rights and
 *  change the organisation's settings. */
export function adminTabs(role: Role): AdminTab[] {
  if (role === "company_admin") return ["guests", "users", "activity", "visibility", "settings"];
  if (role === "department_admin") return ["guests", "activity", "visibility"];
  return [];
}

export function tabLabel(tab: AdminTab): string {
  switch (tab) {
    case "guests":
      return "Guests";
    case "users":
      return "Users";
    case "activity":
      return "Activity report";
    case "visibility":
      return "Who sees whom";
    case "settings":
      return "Settings";
  }
}

// ---- search ------------------------------------------------------------------------------------

function charCount(s: string): number {
  return Array.from(s).length;
}

/** The search sent to the server: the trimmed text from two characters on, else none. */
export function effectiveSearch(typed: string): string {
  const t = typed.trim();
  return charCount(t) >= SEARCH_MIN_CHARS ? t : "";
}

/** The hint under the search box while exactly one character is typed. */
export function searchHint(typed: string): string | null {
  return charCount(typed.trim()) === 1 ? `Type at least ${SEARCH_MIN_CHARS} characters` : null;
}

// ---- the guests query --------------------------------------------------------------------------

export interface SortState {
  sort: GuestSort;
  direction: SortDirection;
}

/** Newest invitations first. */
export const DEFAULT_GUEST_SORT: SortState = { sort: "invited_at", direction: "desc" };

export interface GuestsView {
  search: string;
  status: GuestStatusFilter;
  /** Only guests without a sponsor (suspended). */
  withoutSponsor: boolean;
  sort: SortState;
  offset: number;
}

export function initialGuestsView(): GuestsView {
  return { search: "", status: "all", withoutSponsor: false, sort: { ...DEFAULT_GUEST_SORT }, offset: 0 };
}

export function guestsQuery(view: GuestsView): GuestsQuery {
  return {
    search: effectiveSearch(view.search),
    status: view.status,
    without_sponsor: view.withoutSponsor,
    sort: view.sort.sort,
    direction: view.sort.direction,
    offset: Math.max(0, view.offset),
    limit: ADMIN_PAGE_SIZE,
  };
}

/** Whether two queries ask the server the same thing. */
export function sameGuestsQuery(a: GuestsQuery, b: GuestsQuery): boolean {
  return (
    a.search === b.search &&
    a.status === b.status &&
    a.without_sponsor === b.without_sponsor &&
    a.sort === b.sort &&
    a.direction === b.direction &&
    a.offset === b.offset &&
    a.limit === b.limit
  );
}

/** A header click: the same column flips its direction; another column starts with dates
 *  newest first and text A→Z. */
export function toggleSort(current: SortState, column: GuestSort): SortState {
  if (current.sort === column) return { sort: column, direction: current.direction === "asc" ? "desc" : "asc" };
  return { sort: column, direction: column === "invited_at" ? "desc" : "asc" };
}

export function ariaSort(current: SortState, column: GuestSort): "ascending" | "descending" | "none" {
  if (current.sort !== column) return "none";
  return current.direction === "asc" ? "ascending" : "descending";
}

export interface GuestColumn {
  label: string;
  /** The server's sort for this column; none for a column one cannot sort on. */
  sort: GuestSort | null;
}

/** The columns of the guests list (SPEC §8), in order. */
export const GUEST_COLUMNS: readonly GuestColumn[] = [
  { label: "First Name", sort: "first_name" },
  { label: "Last Name", sort: "last_name" },
  { label: "User ID", sort: "user_id" },
  { label: "Invited By", sort: "invited_by" },
  { label: "Sponsor", sort: null },
  { label: "Invitation Date", sort: "invited_at" },
  { label: "Group / Department", sort: "group" },
  { label: "Status", sort: "status" },
];

// ---- paging ------------------------------------------------------------------------------------

const number = new Intl.NumberFormat("en-US");

/** "1–50 of 120", "101–120 of 120", "0 of 0"; with `atLeast` (a broad search, counted up to a
 *  cap) "1–50 of 1,000+". */
export function pageRangeLabel(offset: number, shown: number, total: number, atLeast = false): string {
  if (total <= 0 || shown <= 0) return `0 of ${number.format(Math.max(0, total))}`;
  const of = atLeast ? `${number.format(Math.max(total, offset + shown))}+` : number.format(total);
  return `${number.format(offset + 1)}–${number.format(offset + shown)} of ${of}`;
}

export function hasPreviousPage(offset: number): boolean {
  return offset > 0;
}

/** With `atLeast` the total is a lower bound: a full page means there may be more. */
export function hasNextPage(offset: number, shown: number, total: number, atLeast = false, pageSize: number = ADMIN_PAGE_SIZE): boolean {
  return offset + shown < total || (atLeast && shown >= pageSize);
}

export function previousOffset(offset: number, pageSize: number = ADMIN_PAGE_SIZE): number {
  return Math.max(0, offset - pageSize);
}

export function nextOffset(offset: number, pageSize: number = ADMIN_PAGE_SIZE): number {
  return offset + pageSize;
}

/** After rows left the list (incorporated, deleted, cancelled), the page to ask for: the same
 *  one, or the one before if it would now be past the end. */
export function offsetAfterRemoval(offset: number, total: number, removed: number, pageSize: number = ADMIN_PAGE_SIZE): number {
  const left = Math.max(0, total - removed);
  return offset < left ? offset : lastPageOffset(left, pageSize);
}

/** The offset of the last page of `total` rows (0 when there are none). */
export function lastPageOffset(total: number, pageSize: number = ADMIN_PAGE_SIZE): number {
  return total <= 0 ? 0 : Math.floor((total - 1) / pageSize) * pageSize;
}

// ---- selection ---------------------------------------------------------------------------------
//
// The selection is a set of guest ids, and only ever holds ids of rows on screen: whenever a new
// page answers (search, filter, sort, page change, reload), it keeps the ids still listed and
// drops the others. So "N selected" always counts checked rows the admin can see, and an
// Incorporate or Delete never acts on a guest out of sight.

export type PageSelection = "none" | "some" | "all";

export function toggleSelected(selected: ReadonlySet<string>, id: string): Set<string> {
  const next = new Set(selected);
  if (next.has(id)) next.delete(id);
  else next.add(id);
  return next;
}

export function pageSelection(selected: ReadonlySet<string>, pageIds: readonly string[]): PageSelection {
  if (pageIds.length === 0) return "none";
  const n = pageIds.filter((id) => selected.has(id)).length;
  if (n === 0) return "none";
  return n === pageIds.length ? "all" : "some";
}

/** The header checkbox: selects every row of the page, or clears them when all were. */
export function togglePageSelection(selected: ReadonlySet<string>, pageIds: readonly string[]): Set<string> {
  const next = new Set(selected);
  if (pageSelection(selected, pageIds) === "all") for (const id of pageIds) next.delete(id);
  else for (const id of pageIds) next.add(id);
  return next;
}

/** Keeps the selected ids still on screen. */
export function keepVisible(selected: ReadonlySet<string>, visibleIds: readonly string[]): Set<string> {
  const visible = new Set(visibleIds);
  return new Set([...selected].filter((id) => visible.has(id)));
}

/** The selected ids in the order of the page. */
export function selectedIds(selected: ReadonlySet<string>, pageIds: readonly string[]): string[] {
  return pageIds.filter((id) => selected.has(id));
}

// ---- wording -----------------------------------------------------------------------------------

/** "1 guest", "2 guests", "1,200 guests". */
export function plural(n: number, one: string, many: string = `${one}s`): string {
  return `${number.format(n)} ${n === 1 ? one : many}`;
}

export function guestStatusLabel(status: AccountStatus): string {
  switch (status) {
    case "pending":
      return "Pending";
    case "active":
      return "Active";
    case "deleted":
      return "Deleted";
  }
}

/** The Status pill: *Suspended* for a guest without a sponsor, whatever the activation;
 *  *Awaiting confirmation* while its inviter has not confirmed the activation. */
export function guestPill(row: Pick<GuestRow, "status" | "access">): { label: string; kind: string; title?: string } {
  if (row.access === "suspended") {
    return { label: "Suspended", kind: "suspended", title: "No sponsor: this guest cannot log in until someone takes them over" };
  }
  if (row.access === "ended") {
    return { label: "Access ended", kind: "suspended", title: "This guest's access reached its end; their sponsor can extend it" };
  }
  if (row.access === "awaiting_confirmation") {
    return { label: "Unconfirmed", kind: "pending", title: "Activated; the sponsor has not yet confirmed that this is their guest" };
  }
  return { label: guestStatusLabel(row.status), kind: row.status };
}

/** The Sponsor cell. */
export function sponsorLabel(row: Pick<GuestRow, "sponsor_name">): string {
  return row.sponsor_name ?? "No sponsor";
}

/** The toast after guests were given a sponsor. */
export function sponsorToast(count: number, sponsor: string): string {
  return count === 1 ? `${sponsor} now sponsors this guest` : `${sponsor} now sponsors ${count} guests`;
}

/** The Group / Department cell: "Atlas · Sales" when the guest joined a group, else "Sales". */
export function groupDepartmentLabel(row: Pick<GuestRow, "group_name" | "department_name">): string {
  const group = row.group_name?.trim() ?? "";
  const dept = row.department_name.trim();
  if (group !== "" && dept !== "") return `${group} · ${dept}`;
  return group !== "" ? group : dept;
}

export function incorporateConfirmText(n: number): string {
  const as = n === 1 ? "a member" : "members";
  return `Incorporate ${plural(n, "guest")} as ${as} of their department? They will see every member and keep their conversations.`;
}

export function deleteConfirmText(n: number): string {
  return `Delete ${plural(n, "guest")}? They can no longer log in and disappear from contacts. Their messages stay, shown as from a former guest.`;
}

export function incorporatedToast(n: number): string {
  return `${plural(n, "guest")} incorporated`;
}

export function deletedToast(n: number): string {
  return `${plural(n, "guest")} deleted`;
}

export function actionLabel(action: ActivityAction): string {
  switch (action) {
    case "invitation":
      return "Invitation";
    case "incorporation":
      return "Incorporation";
    case "deletion":
      return "Deletion";
    case "suspension":
      return "Suspension";
    case "take_over":
      return "Take-over";
    case "confirmation":
      return "Activation confirmed";
    case "rejection":
      return "Not my guest";
    case "expiry":
      return "Access ended";
    case "extension":
      return "Access extended";
  }
}

/** The Action cell of a report row: the action, and the sponsor concerned where there is one
 *  (as `ActivityRow::action_text` writes it into the CSV and the e-mail). */
export function actionText(row: { action: ActivityAction; sponsor?: string | null }): string {
  if (row.sponsor && row.action === "suspension") return `Suspension (sponsor ${row.sponsor} left)`;
  if (row.sponsor && row.action === "take_over") return `Take-over (new sponsor ${row.sponsor})`;
  return actionLabel(row.action);
}

// ---- dates -------------------------------------------------------------------------------------

const pad = (n: number) => String(n).padStart(2, "0");

function localDate(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** The Invitation Date column: "2026-11-23 14:05" (local time). */
export function formatDateTime(ms: number): string {
  const d = new Date(ms);
  return `${localDate(d)} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A day, local time: "2026-11-23" (the guests list's Invitation Date; the time in its title). */
export function formatDate(ms: number): string {
  return localDate(new Date(ms));
}

/** The report's Date column (SPEC §9: year, month, day, hour, minute, second), local time:
 *  "2026-11-23 14:05:09". */
export function formatDateTimeSeconds(ms: number): string {
  const d = new Date(ms);
  return `${localDate(d)} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

// ---- report months -----------------------------------------------------------------------------

const MONTH_NAMES = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];

/** `YYYY-MM` → year and month (1–12); null when it is not one (as the core's `ReportMonth`). */
export function parseMonth(month: string): { year: number; month: number } | null {
  const m = /^(\d{4})-(\d{2})$/.exec(month.trim());
  if (!m) return null;
  const year = Number(m[1]);
  const mo = Number(m[2]);
  if (year < 2000 || mo < 1 || mo > 12) return null;
  return { year, month: mo };
}

function formatMonth(year: number, month: number): string {
  return `${String(year).padStart(4, "0")}-${pad(month)}`;
}

/** The month `now` falls in, local time. */
export function currentMonth(now: Date = new Date()): string {
  return formatMonth(now.getFullYear(), now.getMonth() + 1);
}

/** The month `delta` months after (or before) `month`, across years. */
export function stepMonth(month: string, delta: number): string {
  const p = parseMonth(month);
  if (!p) return month;
  const index = p.year * 12 + (p.month - 1) + delta;
  return formatMonth(Math.floor(index / 12), (index % 12) + 1);
}

/** "November 2026". */
export function monthLabel(month: string): string {
  const p = parseMonth(month);
  return p ? `${MONTH_NAMES[p.month - 1]} ${p.year}` : month;
}

// ---- the users list ----------------------------------------------------------------------------

export function membersQuery(view: { search: string; authorisedOnly: boolean; offset: number }): MembersQuery {
  return {
    search: effectiveSearch(view.search),
    authorised_only: view.authorisedOnly,
    offset: Math.max(0, view.offset),
    limit: ADMIN_PAGE_SIZE,
  };
}

// ---- settings ----------------------------------------------------------------------------------

export const VALIDITY_MIN_HOURS = 1;
export const VALIDITY_MAX_HOURS = 2160;
export const VALIDITY_DEFAULT_HOURS = 48;
export const REMINDERS_MAX = 30;
export const REMINDERS_DEFAULT = 7;

export type ListKind = "domains" | "country_codes";

/** One forbidden e-mail domain or calling code as typed, tidied: a domain lower-cased without
 *  a leading `@`; a calling code without spaces and with its `+`. The server checks and
 *  normalises again; this only keeps the list readable while editing. */
export function normaliseListItem(item: string, kind: ListKind): string {
  const t = item.trim();
  if (kind === "domains") return t.replace(/^@+/, "").toLowerCase();
  const compact = t.replace(/[\s()-]/g, "");
  return /^\d+$/.test(compact) ? `+${compact}` : compact;
}

/** A pasted or typed list (one a line, or separated by commas, semicolons or spaces) → its
 *  items, tidied, without blanks or repeats. */
export function parseList(text: string, kind: ListKind): string[] {
  const out: string[] = [];
  for (const raw of text.split(/[\s,;]+/)) {
    const item = normaliseListItem(raw, kind);
    if (item !== "" && !out.includes(item)) out.push(item);
  }
  return out;
}

/** Adds what was typed to a list, keeping its order and skipping repeats. */
export function addToList(list: readonly string[], text: string, kind: ListKind): string[] {
  const out = [...list];
  for (const item of parseList(text, kind)) if (!out.includes(item)) out.push(item);
  return out;
}

export function removeFromList(list: readonly string[], item: string): string[] {
  return list.filter((x) => x !== item);
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

export function sameSettings(a: OrganisationSettings, b: OrganisationSettings): boolean {
  return (
    a.guest_invitations_enabled === b.guest_invitations_enabled &&
    a.sms_invitations_enabled === b.sms_invitations_enabled &&
    a.email_invitations_enabled === b.email_invitations_enabled &&
    sameList(a.forbidden_email_domains, b.forbidden_email_domains) &&
    sameList(a.forbidden_country_codes, b.forbidden_country_codes) &&
    a.guest_profile.desktop_access === b.guest_profile.desktop_access &&
    a.guest_profile.direct_messages === b.guest_profile.direct_messages &&
    a.guest_profile.group_conversations === b.guest_profile.group_conversations &&
    a.activation_code_validity_hours === b.activation_code_validity_hours &&
    a.reminders_enabled === b.reminders_enabled &&
    a.reminders_max === b.reminders_max &&
    a.activity_report_enabled === b.activity_report_enabled &&
    a.display_group_all === b.display_group_all &&
    a.confirm_guest_activation === b.confirm_guest_activation &&
    a.guest_access_days_default === b.guest_access_days_default &&
    a.guest_access_days_max === b.guest_access_days_max &&
    a.guest_access_reminder_days === b.guest_access_reminder_days
  );
}

/** The form differs from what is stored. */
export function settingsDirty(saved: OrganisationSettings | null, draft: OrganisationSettings | null): boolean {
  if (!saved || !draft) return false;
  return !sameSettings(saved, draft);
}

export function cloneSettings(s: OrganisationSettings): OrganisationSettings {
  return {
    ...s,
    forbidden_email_domains: [...s.forbidden_email_domains],
    forbidden_country_codes: [...s.forbidden_country_codes],
    guest_profile: { ...s.guest_profile },
  };
}

/** A number field's text → a whole number, or null when it is not one. */
export function parseWholeNumber(text: string | number): number | null {
  const t = String(text).trim();
  if (!/^\d+$/.test(t)) return null;
  const n = Number(t);
  return Number.isSafeInteger(n) ? n : null;
}

/** The validity in days when it is a whole number of days: 48 → "2 days"; 36 → null. */
export function daysHint(hours: number): string | null {
  return hours >= 24 && hours % 24 === 0 ? plural(hours / 24, "day") : null;
}

// ---- amending a pending guest ------------------------------------------------------------------

/** A guest's E.164 number → the picker's region and the national part, for the phone field:
 *  the longest listed calling code that starts it (for a shared code such as +1, the preferred
 *  region if it has that code, else the United States, else the first listed). */
export function splitPhone(
  e164: string,
  codes: readonly CallingCode[],
  preferredRegion: string | null = null,
): { region: string | null; national: string } {
  const phone = e164.replace(/[^\d+]/g, "");
  let best: string | null = null;
  for (const c of codes) if (phone.startsWith(c.code) && (best === null || c.code.length > best.length)) best = c.code;
  if (best === null) return { region: null, national: phone.replace(/^\+/, "") };
  const code = best;
  const withCode = codes.filter((c) => c.code === code);
  const region =
    withCode.find((c) => c.region === preferredRegion)?.region ?? withCode.find((c) => c.region === "US")?.region ?? withCode[0].region;
  return { region, national: phone.slice(code.length) };
}

/** The phone sent to `amend_guest`: international form, e.g. `+44 2079460958`. */
export function amendPhone(callingCode: string | null, national: string): string {
  const n = national.trim();
  return callingCode ? `${callingCode} ${n}` : n;
}

/** The fields of the amend form; a server error names one of them, or none. */
export type AmendField = "first_name" | "last_name" | "email" | "phone";

export function asAmendField(field: string | null | undefined): AmendField | null {
  return field === "first_name" || field === "last_name" || field === "email" || field === "phone" ? field : null;
}
