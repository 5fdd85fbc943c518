// Labels and small display helpers. Pure functions.

import type { AccountKind } from "./bindings/AccountKind";
import type { AccountStatus } from "./bindings/AccountStatus";
import type { Connection } from "./bindings/Connection";
import type { Role } from "./bindings/Role";

function firstGrapheme(s: string): string {
  const [first] = Array.from(s.trim());
  return first ?? "";
}

/** Up to two letters for the avatar circle: first name + last name initials. */
export function initials(firstName: string, lastName: string): string {
  const f = firstGrapheme(firstName);
  const l = firstGrapheme(lastName);
  const out = (f + l).toLocaleUpperCase();
  return out === "" ? "?" : out;
}

export function fullName(firstName: string, lastName: string): string {
  return [firstName.trim(), lastName.trim()].filter((s) => s !== "").join(" ");
}

/** SPEC §5: guests show their authentication status; members show none. */
export function statusLabel(kind: AccountKind, status: AccountStatus): string | null {
  if (kind !== "guest") return null;
  switch (status) {
    case "pending":
      return "Pending activation";
    case "active":
      return "Active";
    case "deleted":
      return "Deleted";
  }
}

export function roleLabel(role: Role): string {
  switch (role) {
    case "company_admin":
      return "Company admin";
    case "department_admin":
      return "Department admin";
    case "member":
      return "Member";
    case "guest":
      return "Guest";
  }
}

export function connectionLabel(connection: Connection): string {
  switch (connection) {
    case "online":
      return "Online";
    case "connecting":
      return "Connecting…";
    case "offline":
      return "Offline";
  }
}

const countFormat = new Intl.NumberFormat("en-US");

/** "1 contact", "52 contacts", "100,000 contacts". */
export function contactCountLabel(n: number): string {
  return `${countFormat.format(n)} ${n === 1 ? "contact" : "contacts"}`;
}

/** A stable hue (0–359) for a contact's avatar, from its id. */
export function avatarHue(id: string): number {
  let h = 2166136261;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  // Final avalanche (murmur3 fmix32): ids that differ only in their last characters still get
  // far-apart hues.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) % 360;
}

/** `last_synced_at` is Unix ms (typed `number`; accepts a `bigint` too, should ts-rs' default
 *  i64 mapping come back). */
export function toMillis(value: bigint | number | null | undefined): number | null {
  if (value === null || value === undefined) return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

/** "Last synced 14:05" (today) or "Last synced 3 Mar, 14:05"; "Not synced yet" when never. */
export function lastSyncedLabel(value: bigint | number | null | undefined, now: Date = new Date()): string {
  const ms = toMillis(value);
  if (ms === null) return "Not synced yet";
  const d = new Date(ms);
  const time = d.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });
  const sameDay =
    d.getFullYear() === now.getFullYear() && d.getMonth() === now.getMonth() && d.getDate() === now.getDate();
  if (sameDay) return `Last synced ${time}`;
  const day = d.toLocaleDateString(undefined, { day: "numeric", month: "short" });
  return `Last synced ${day}, ${time}`;
}
