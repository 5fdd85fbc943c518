import { describe, expect, it } from "vitest";
import { contentHeight, maxScrollTop, pagesForRange, visibleRange } from "./virtual";

describe("visibleRange", () => {
  it("covers the viewport plus overscan at the top of the list", () => {
    // 800 px / 56 px = 14.3 rows on screen → rows 0..14, plus 8 below.
    expect(visibleRange(0, 800, 100_000, 56, 8)).toEqual({ start: 0, end: 23 });
  });

  it("adds overscan on both sides in the middle of the list", () => {
    // scrollTop 5600 = row 100 at the top; 560 px = 10 rows.
    expect(visibleRange(5600, 560, 100_000, 56, 5)).toEqual({ start: 95, end: 115 });
  });

  it("counts a partly visible last row", () => {
    // Rows 100..110 fully, row 110 partly (5600+580 = 6180 → 110.36).
    expect(visibleRange(5600, 580, 100_000, 56, 0)).toEqual({ start: 100, end: 111 });
  });

  it("never goes past the total", () => {
    expect(visibleRange(0, 800, 5, 56, 8)).toEqual({ start: 0, end: 5 });
    // Scrolled to the bottom of 100,000 rows.
    const bottom = 100_000 * 56 - 800;
    const r = visibleRange(bottom, 800, 100_000, 56, 8);
    expect(r.end).toBe(100_000);
    expect(r.start).toBe(Math.floor(bottom / 56) - 8);
  });

  it("clamps a scrollTop beyond the content (the total just shrank)", () => {
    const r = visibleRange(1_000_000, 800, 10, 56, 3);
    expect(r).toEqual({ start: 6, end: 10 });
  });

  it("is empty without rows, and sane for a zero or negative viewport", () => {
    expect(visibleRange(0, 800, 0)).toEqual({ start: 0, end: 0 });
    expect(visibleRange(-40, 0, 50, 56, 2)).toEqual({ start: 0, end: 3 });
    expect(visibleRange(Number.NaN, 300, 50, 56, 0)).toEqual({ start: 0, end: 6 });
  });

  it("keeps the DOM small however long the list is", () => {
    for (const top of [0, 123_456, 2_800_000, 5_599_000]) {
      const r = visibleRange(top, 800, 100_000, 56, 8);
      expect(r.end - r.start).toBeLessThanOrEqual(Math.ceil(800 / 56) + 1 + 16);
    }
  });
});

describe("pagesForRange", () => {
  it("maps a range inside one page to that page", () => {
    expect(pagesForRange({ start: 0, end: 23 }, 100)).toEqual([0]);
    expect(pagesForRange({ start: 120, end: 140 }, 100)).toEqual([1]);
  });

  it("maps a range straddling a page boundary to both pages", () => {
    expect(pagesForRange({ start: 92, end: 115 }, 100)).toEqual([0, 1]);
  });

  it("treats the end as exclusive", () => {
    expect(pagesForRange({ start: 80, end: 100 }, 100)).toEqual([0]);
    expect(pagesForRange({ start: 80, end: 101 }, 100)).toEqual([0, 1]);
  });

  it("covers every page of a long range", () => {
    expect(pagesForRange({ start: 150, end: 420 }, 100)).toEqual([1, 2, 3, 4]);
  });

  it("is empty for an empty range", () => {
    expect(pagesForRange({ start: 0, end: 0 }, 100)).toEqual([]);
    expect(pagesForRange({ start: 10, end: 5 }, 100)).toEqual([]);
  });

  it("works with the scroll position end to end", () => {
    // scrollTop in the middle of 100,000 contacts: row 50,000 → page 500.
    const r = visibleRange(50_000 * 56, 800, 100_000, 56, 8);
    expect(pagesForRange(r, 100)).toEqual([499, 500]);
  });
});

describe("content height", () => {
  it("is total × row height, so the scrollbar matches the whole list", () => {
    expect(contentHeight(100_000, 56)).toBe(5_600_000);
    expect(contentHeight(0, 56)).toBe(0);
    expect(contentHeight(-3, 56)).toBe(0);
  });

  it("gives the last scroll position", () => {
    expect(maxScrollTop(100, 800, 56)).toBe(4800);
    expect(maxScrollTop(5, 800, 56)).toBe(0);
  });
});
