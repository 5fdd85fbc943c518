import { describe, expect, it, vi } from "vitest";
import type { ContactsPage } from "./bindings/ContactsPage";
import type { ContactsQuery } from "./bindings/ContactsQuery";
import { askFirstPageEarly, FIRST_PAGE, forgetFirstPageEarly, withEarlyFirstPage } from "./firstContacts";

const page = (total: number): ContactsPage => ({ total, offset: 0, items: [] });

describe("the first contacts page asked early", () => {
  it("answers the first fetch of the first page, once", async () => {
    const early = vi.fn(async () => page(1));
    askFirstPageEarly(early);
    const later = vi.fn(async () => page(2));
    const fetch = withEarlyFirstPage(later);
    expect((await fetch(FIRST_PAGE)).total).toBe(1);
    expect((await fetch(FIRST_PAGE)).total).toBe(2);
    expect(early).toHaveBeenCalledTimes(1);
    expect(later).toHaveBeenCalledTimes(1);
  });

  it("never answers another query, and is dropped by it", async () => {
    askFirstPageEarly(async () => page(1));
    const later = vi.fn(async (q: ContactsQuery) => page(q.offset));
    const fetch = withEarlyFirstPage(later);
    expect((await fetch({ ...FIRST_PAGE, search: "ann" })).total).toBe(0);
    expect((await fetch(FIRST_PAGE)).total).toBe(0);
    expect(later).toHaveBeenCalledTimes(2);
  });

  it("asks again when the early request failed", async () => {
    askFirstPageEarly(async () => {
      throw new Error("not yet");
    });
    const fetch = withEarlyFirstPage(async () => page(3));
    expect((await fetch(FIRST_PAGE)).total).toBe(3);
  });

  it("is forgotten when the start-up screen is not Contacts", async () => {
    askFirstPageEarly(async () => page(1));
    forgetFirstPageEarly();
    const fetch = withEarlyFirstPage(async () => page(4));
    expect((await fetch(FIRST_PAGE)).total).toBe(4);
  });
});
