// The notices bell (SPEC §7.4 step 4): unread count, new notices on top. Pure functions.

import type { Notice } from "./bindings/Notice";

export function unreadCount(list: readonly Notice[]): number {
  return list.reduce((n, x) => (x.read ? n : n + 1), 0);
}

/** A `notice` event: on top of the list (once, should the same notice arrive twice). */
export function addNotice(list: readonly Notice[], notice: Notice): Notice[] {
  return [notice, ...list.filter((n) => n.id !== notice.id)];
}

/** Opening the list marks every notice read. Returns the same array when nothing changes. */
export function markAllRead(list: Notice[]): Notice[] {
  return list.some((n) => !n.read) ? list.map((n) => (n.read ? n : { ...n, read: true })) : list;
}

/** The badge text: the count, capped at "99+". */
export function badgeLabel(count: number): string {
  return count > 99 ? "99+" : String(count);
}

/** "Just now", "5 min ago", "14:05" (earlier today), "3 Mar, 14:05" (before). */
export function noticeTime(createdAt: number, now: Date = new Date()): string {
  const d = new Date(createdAt);
  const ago = now.getTime() - createdAt;
  if (ago >= 0 && ago < 60_000) return "Just now";
  if (ago >= 0 && ago < 3_600_000) return `${Math.floor(ago / 60_000)} min ago`;
  const time = d.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });
  const sameDay =
    d.getFullYear() === now.getFullYear() && d.getMonth() === now.getMonth() && d.getDate() === now.getDate();
  if (sameDay) return time;
  return `${d.toLocaleDateString(undefined, { day: "numeric", month: "short" })}, ${time}`;
}
