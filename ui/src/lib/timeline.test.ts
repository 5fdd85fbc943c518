import { describe, expect, it } from "vitest";
import type { TimelineItem } from "./bindings/TimelineItem";
import { dayLabel, listTime, lowestSeq, mergeFrom, prependOlder, preview, stateLabel, timelineRows, unreadBadge } from "./timeline";

const base = new Date(2026, 10, 23, 15, 0).getTime();
const min = 60 * 1000;

function item(seq: number | null, sender: string, at: number, patch: Partial<TimelineItem> = {}): TimelineItem {
  return {
    key: `k${seq ?? at}`,
    conversation_id: "c",
    seq,
    sender_id: sender,
    sender_name: `${sender} Doe`,
    mine: sender === "me",
    kind: "text",
    body: `message ${seq}`,
    created_at: at,
    state: sender === "me" ? "sent" : null,
    error: null,
    ...patch,
  };
}

describe("timelineRows", () => {
  it("separates days and starts a run on a new sender, a gap or a notice", () => {
    const now = new Date(base);
    const rows = timelineRows(
      [
        item(1, "ann", base - 24 * 60 * min),
        item(2, "ann", base - 10 * min),
        item(3, "ann", base - 9 * min),
        item(4, "me", base - 8 * min),
        item(5, "me", base),
        item(6, "ann", base + min, { kind: "joined" }),
        item(7, "ann", base + 2 * min),
      ],
      now,
    );
    expect(rows.map((r) => (r.type === "day" ? r.label : `${r.item.seq}${r.runStart ? "*" : ""}`))).toEqual([
      "Yesterday",
      "1*",
      "Today",
      "2*",
      "3",
      "4*",
      "5*",
      "6*",
      "7*",
    ]);
  });
});

describe("labels", () => {
  it("names days relative to today", () => {
    const now = new Date(2026, 10, 23, 9, 0);
    expect(dayLabel(new Date(2026, 10, 23, 0, 1).getTime(), now)).toBe("Today");
    expect(dayLabel(new Date(2026, 10, 22, 23, 59).getTime(), now)).toBe("Yesterday");
    expect(dayLabel(new Date(2026, 10, 16, 12, 0).getTime(), now)).toBe("Monday 16 November 2026");
  });

  it("times list entries compactly", () => {
    const now = new Date(2026, 10, 23, 9, 0);
    expect(listTime(new Date(2026, 10, 23, 8, 5).getTime(), now)).toBe("08:05");
    expect(listTime(new Date(2026, 10, 22, 8, 5).getTime(), now)).toBe("Yesterday");
    expect(listTime(new Date(2026, 10, 19, 8, 5).getTime(), now)).toBe("Thu");
    expect(listTime(new Date(2026, 9, 2, 8, 5).getTime(), now)).toBe("2 Oct");
  });

  it("says each state of one's own message", () => {
    expect(["pending", "failed", "sent", "delivered", "read"].map((s) => stateLabel(s as never))).toEqual([
      "Sending…",
      "Not sent",
      "Sent",
      "Delivered",
      "Read",
    ]);
    expect(stateLabel(null)).toBe("");
  });

  it("caps unread badges", () => {
    expect([0, 1, 99, 100].map(unreadBadge)).toEqual(["", "1", "99", "99+"]);
  });

  it("previews the newest message by who wrote it", () => {
    const m = { id: "m", conversation_id: "c", seq: 1, client_id: null, sender_id: "ann", sender_name: "Ann Lee", kind: "text" as const, body: "Hi\nthere", created_at: 1 };
    expect(preview({ kind: "group", last_message: m }, "me", "3 members")).toBe("Ann: Hi there");
    expect(preview({ kind: "direct", last_message: m }, "me", "One-to-one")).toBe("Hi there");
    expect(preview({ kind: "direct", last_message: { ...m, sender_id: "me" } }, "me", "x")).toBe("You: Hi there");
    expect(preview({ kind: "group", last_message: { ...m, kind: "joined", body: "Ann Lee joined the conversation." } }, "me", "x")).toBe(
      "Ann Lee joined the conversation.",
    );
    expect(preview({ kind: "group", last_message: null }, "me", "3 members")).toBe("3 members");
  });
});

describe("merging pages", () => {
  it("keeps what is older than a refresh and replaces the rest, pending items included", () => {
    const shown = [item(1, "ann", 1), item(2, "me", 2), item(null, "me", 3, { key: "q1", state: "pending" })];
    const fresh = [item(2, "me", 2, { state: "read" }), item(3, "me", 3, { key: "q1" })];
    const merged = mergeFrom(shown, 2, fresh);
    expect(merged.map((i) => [i.key, i.state])).toEqual([
      ["k1", null],
      ["k2", "read"],
      ["q1", "sent"],
    ]);
    expect(lowestSeq(merged)).toBe(1);
    expect(lowestSeq([item(null, "me", 1)])).toBeNull();
  });

  it("puts older pages in front without repeating", () => {
    const merged = prependOlder([item(3, "ann", 3), item(4, "ann", 4)], [item(1, "ann", 1), item(2, "ann", 2), item(3, "ann", 3)]);
    expect(merged.map((i) => i.seq)).toEqual([1, 2, 3, 4]);
  });
});
