import { describe, expect, it } from "vitest";
import type { Notice } from "./bindings/Notice";
import { addNotice, badgeLabel, markAllRead, noticeTime, unreadCount } from "./notices";

const n = (id: string, read = false, created_at = 0): Notice => ({ id, kind: "guest_invited", body: `notice ${id}`, created_at, read });

describe("notices", () => {
  it("counts the unread ones", () => {
    expect(unreadCount([])).toBe(0);
    expect(unreadCount([n("a"), n("b", true), n("c")])).toBe(2);
  });

  it("puts a new notice on top, once", () => {
    const list = [n("a", true)];
    expect(addNotice(list, n("b")).map((x) => x.id)).toEqual(["b", "a"]);
    expect(addNotice([n("b"), n("a")], n("b")).map((x) => x.id)).toEqual(["b", "a"]);
  });

  it("marks every notice read, keeping the list when nothing changes", () => {
    const list = [n("a"), n("b", true)];
    const read = markAllRead(list);
    expect(unreadCount(read)).toBe(0);
    expect(read[1]).toBe(list[1]);
    expect(markAllRead(read)).toBe(read);
  });

  it("caps the badge", () => {
    expect(badgeLabel(3)).toBe("3");
    expect(badgeLabel(99)).toBe("99");
    expect(badgeLabel(100)).toBe("99+");
  });

  it("says how long ago", () => {
    const now = new Date(2026, 10, 23, 15, 0, 0);
    expect(noticeTime(now.getTime() - 10_000, now)).toBe("Just now");
    expect(noticeTime(now.getTime() - 5 * 60_000, now)).toBe("5 min ago");
    expect(noticeTime(new Date(2026, 10, 23, 9, 5).getTime(), now)).toMatch(/09:05|9:05/);
    expect(noticeTime(new Date(2026, 2, 3, 14, 5).getTime(), now)).toMatch(/3.*Mar.*14:05|Mar.*3.*(14:05|2:05)/);
  });
});
