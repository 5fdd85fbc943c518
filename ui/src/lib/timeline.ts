// What a conversation's timeline shows: day separators, runs of messages by one sender, the
// state of one's own messages, previews and unread badges in the list. Pure functions.

import type { Conversation } from "./bindings/Conversation";
import type { MessageState } from "./bindings/MessageState";
import type { TimelineItem } from "./bindings/TimelineItem";

/** The longest message, in characters (the core's `MESSAGE_MAX_CHARS`). */
export const MESSAGE_MAX_CHARS = 10_000;
/** From how many characters the composer shows its counter. */
export const COUNTER_FROM = 9_000;

/** A line of the rendered timeline: a day separator or a message, with whether it starts a
 *  new run (shows its sender's name and avatar). */
export type TimelineRow =
  | { type: "day"; key: string; label: string }
  | { type: "message"; key: string; item: TimelineItem; runStart: boolean };

/** Messages by one sender less than this apart form one run. */
const RUN_GAP_MS = 5 * 60 * 1000;

function sameDay(a: Date, b: Date): boolean {
  return a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
}

/** "Today", "Yesterday", or e.g. "Monday 16 November 2026". */
export function dayLabel(ms: number, now: Date = new Date()): string {
  const d = new Date(ms);
  if (sameDay(d, now)) return "Today";
  const yesterday = new Date(now);
  yesterday.setDate(now.getDate() - 1);
  if (sameDay(d, yesterday)) return "Yesterday";
  const weekday = d.toLocaleDateString("en-GB", { weekday: "long" });
  return `${weekday} ${d.toLocaleDateString("en-GB", { day: "numeric", month: "long", year: "numeric" })}`;
}

/** "14:05". */
export function timeLabel(ms: number): string {
  return new Date(ms).toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit" });
}

/** The list's time of the newest message: "14:05" today, "Yesterday", a weekday within the
 *  week, else "16 Nov". */
export function listTime(ms: number, now: Date = new Date()): string {
  const d = new Date(ms);
  if (sameDay(d, now)) return timeLabel(ms);
  const label = dayLabel(ms, now);
  if (label === "Yesterday") return label;
  if (now.getTime() - ms < 6 * 24 * 3600 * 1000) return d.toLocaleDateString("en-GB", { weekday: "short" });
  return d.toLocaleDateString("en-GB", { day: "numeric", month: "short" });
}

/** Day separators and runs, in timeline order. */
export function timelineRows(items: readonly TimelineItem[], now: Date = new Date()): TimelineRow[] {
  const rows: TimelineRow[] = [];
  let previous: TimelineItem | null = null;
  for (const item of items) {
    const newDay = !previous || !sameDay(new Date(previous.created_at), new Date(item.created_at));
    if (newDay) rows.push({ type: "day", key: `day-${item.created_at}`, label: dayLabel(item.created_at, now) });
    const runStart =
      newDay ||
      previous === null ||
      item.kind !== "text" ||
      previous.kind !== "text" ||
      previous.sender_id !== item.sender_id ||
      item.created_at - previous.created_at > RUN_GAP_MS;
    rows.push({ type: "message", key: item.key, item, runStart });
    previous = item;
  }
  return rows;
}

/** What the little state mark under one's own message says. */
export function stateLabel(state: MessageState | null): string {
  switch (state) {
    case "pending":
      return "Sending…";
    case "failed":
      return "Not sent";
    case "sent":
      return "Sent";
    case "delivered":
      return "Delivered";
    case "read":
      return "Read";
    default:
      return "";
  }
}

/** The list's second line: the newest message ("You: …", "Ann: …") or the kind of conversation. */
export function preview(c: Pick<Conversation, "kind" | "last_message">, meId: string, fallback: string): string {
  const m = c.last_message;
  if (!m) return fallback;
  const text = m.body.replace(/\s+/g, " ").trim();
  if (m.kind !== "text" || c.kind === "system") return text;
  if (m.sender_id === meId) return `You: ${text}`;
  if (c.kind === "direct") return text;
  return `${m.sender_name.split(" ")[0]}: ${text}`;
}

/** "3", or "99+" past 99; empty when nothing is unread. */
export function unreadBadge(n: number): string {
  if (n <= 0) return "";
  return n > 99 ? "99+" : String(n);
}

/** Items after a refresh of everything from `from` on: the older part kept, the rest replaced. */
export function mergeFrom(current: readonly TimelineItem[], from: number, fresh: readonly TimelineItem[]): TimelineItem[] {
  const kept = current.filter((i) => i.seq !== null && i.seq < from);
  return [...kept, ...fresh];
}

/** Older items in front of what is shown (a page loaded by scrolling up), without repeats. */
export function prependOlder(current: readonly TimelineItem[], older: readonly TimelineItem[]): TimelineItem[] {
  const shown = new Set(current.map((i) => i.key));
  return [...older.filter((i) => !shown.has(i.key)), ...current];
}

/** The lowest message number shown (where a refresh starts), if any message is stored. */
export function lowestSeq(items: readonly TimelineItem[]): number | null {
  for (const i of items) if (i.seq !== null) return i.seq;
  return null;
}
