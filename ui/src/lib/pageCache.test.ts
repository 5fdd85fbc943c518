import { describe, expect, it, vi } from "vitest";
import type { Contact } from "./bindings/Contact";
import type { ContactsPage } from "./bindings/ContactsPage";
import type { ContactsQuery } from "./bindings/ContactsQuery";
import { ContactPages, isFiltered, normaliseFilter, sameFilter } from "./pageCache";

function contact(i: number): Contact {
  return {
    id: `c${i}`,
    first_name: `First${i}`,
    last_name: `Last${i}`,
    phone: `+1555000${String(i).padStart(4, "0")}`,
    phone_display: `+1 555-000-${String(i).padStart(4, "0")}`,
    email: null,
    kind: "member",
    role: "member",
    status: "active",
    department_id: "d1",
    department_name: "Sales",
    access: "open",    access_ends_at: null,    you_sponsor: false,
  };
}

/** A fake `contacts_page` over `n` contacts, answering when told to. */
function fakeDirectory(n: number) {
  let size = n;
  const calls: ContactsQuery[] = [];
  const waiting: Array<() => void> = [];
  let manual = false;
  const fetcher = vi.fn((q: ContactsQuery): Promise<ContactsPage> => {
    calls.push(q);
    const answer = (): ContactsPage => {
      const items: Contact[] = [];
      for (let i = q.offset; i < Math.min(size, q.offset + q.limit); i++) items.push(contact(i));
      return { total: size, offset: q.offset, items };
    };
    if (!manual) return Promise.resolve(answer());
    return new Promise((resolve) => waiting.push(() => resolve(answer())));
  });
  return {
    fetcher,
    calls,
    setSize: (s: number) => (size = s),
    hold: () => (manual = true),
    release: async () => {
      manual = false;
      for (const w of waiting.splice(0)) w();
      await Promise.resolve();
    },
  };
}

const all = normaliseFilter("", null);

describe("filters", () => {
  it("trims the search and treats an empty department as none", () => {
    expect(normaliseFilter("  ada ", "")).toEqual({ search: "ada", departmentId: null });
    expect(normaliseFilter("", "d1")).toEqual({ search: "", departmentId: "d1" });
  });

  it("compares and detects filtering", () => {
    expect(sameFilter(normaliseFilter("a ", null), normaliseFilter(" a", ""))).toBe(true);
    expect(sameFilter(normaliseFilter("a", null), normaliseFilter("a", "d1"))).toBe(false);
    expect(isFiltered(all)).toBe(false);
    expect(isFiltered(normaliseFilter("x", null))).toBe(true);
    expect(isFiltered(normaliseFilter("", "d1"))).toBe(true);
  });
});

describe("ContactPages", () => {
  it("fetches a page by offset and limit with the query", async () => {
    const dir = fakeDirectory(250);
    const pages = new ContactPages(normaliseFilter(" ada ", "d1"), dir.fetcher, undefined, 100);
    await pages.ensure([1]);
    expect(dir.calls).toEqual([{ search: "ada", department_id: "d1", offset: 100, limit: 100 }]);
    expect(pages.total).toBe(250);
    expect(pages.get(100)?.id).toBe("c100");
    expect(pages.get(199)?.id).toBe("c199");
    expect(pages.get(99)).toBeUndefined();
  });

  it("does not fetch a loaded page again", async () => {
    const dir = fakeDirectory(250);
    const pages = new ContactPages(all, dir.fetcher, undefined, 100);
    await pages.ensure([0]);
    await pages.ensure([0]);
    expect(dir.fetcher).toHaveBeenCalledTimes(1);
  });

  it("shares one request between callers while it is in flight", async () => {
    const dir = fakeDirectory(250);
    dir.hold();
    const pages = new ContactPages(all, dir.fetcher, undefined, 100);
    const a = pages.ensure([0]);
    const b = pages.ensure([0]);
    expect(pages.isInflight(0)).toBe(true);
    await dir.release();
    await Promise.all([a, b]);
    expect(dir.fetcher).toHaveBeenCalledTimes(1);
    expect(pages.hasPage(0)).toBe(true);
  });

  it("skips pages past the known total", async () => {
    const dir = fakeDirectory(150);
    const pages = new ContactPages(all, dir.fetcher, undefined, 100);
    await pages.ensure([0]);
    await pages.ensure([1, 2, 3]);
    expect(dir.calls.map((q) => q.offset)).toEqual([0, 100]);
    expect(pages.get(149)?.id).toBe("c149");
    expect(pages.get(150)).toBeUndefined();
  });

  it("returns slots for a window, loaded or not", async () => {
    const dir = fakeDirectory(300);
    const pages = new ContactPages(all, dir.fetcher, undefined, 100);
    await pages.ensure([0]);
    const slots = pages.slots(98, 102);
    expect(slots.map((s) => s.index)).toEqual([98, 99, 100, 101]);
    expect(slots.map((s) => s.contact?.id)).toEqual(["c98", "c99", undefined, undefined]);
  });

  it("notifies on each answer", async () => {
    const dir = fakeDirectory(300);
    const onChange = vi.fn();
    const pages = new ContactPages(all, dir.fetcher, onChange, 100);
    await pages.ensure([0, 1]);
    expect(onChange).toHaveBeenCalledTimes(2);
  });

  it("evicts the least recently used pages beyond its budget, never the ones asked for", async () => {
    const dir = fakeDirectory(100_000);
    const pages = new ContactPages(all, dir.fetcher, undefined, 100, 3);
    await pages.ensure([0]);
    await pages.ensure([1]);
    await pages.ensure([2]);
    await pages.ensure([0]); // touch page 0: page 1 is now the oldest
    await pages.ensure([500, 501]);
    expect(pages.loadedPages).toEqual([0, 500, 501]);
  });

  it("keeps an error and retries on the next ensure", async () => {
    let fail = true;
    const fetcher = vi.fn(async (q: ContactsQuery): Promise<ContactsPage> => {
      if (fail) throw { code: "local_store", message: "The local cache could not be read or written." };
      return { total: 1, offset: q.offset, items: [contact(0)] };
    });
    const pages = new ContactPages(all, fetcher, undefined, 100);
    await pages.ensure([0]);
    expect(pages.error?.code).toBe("local_store");
    expect(pages.hasPage(0)).toBe(false);
    fail = false;
    await pages.ensure([0]);
    expect(pages.error).toBeNull();
    expect(pages.get(0)?.id).toBe("c0");
  });

  describe("refresh (contacts-changed)", () => {
    it("re-fetches the visible pages and drops the others", async () => {
      const dir = fakeDirectory(1000);
      const pages = new ContactPages(all, dir.fetcher, undefined, 100);
      await pages.ensure([0, 1, 5]);
      dir.calls.length = 0;
      await pages.refresh([5]);
      expect(dir.calls.map((q) => q.offset)).toEqual([500]);
      expect(pages.loadedPages).toEqual([5]);
    });

    it("keeps showing the old rows until the fresh page arrives", async () => {
      const dir = fakeDirectory(300);
      const pages = new ContactPages(all, dir.fetcher, undefined, 100);
      await pages.ensure([0]);
      dir.hold();
      const done = pages.refresh([0]);
      expect(pages.get(0)?.id).toBe("c0");
      await dir.release();
      await done;
      expect(pages.get(0)?.id).toBe("c0");
    });

    it("picks up a new total and drops pages past it", async () => {
      const dir = fakeDirectory(300);
      const pages = new ContactPages(all, dir.fetcher, undefined, 100);
      await pages.ensure([0, 2]);
      dir.setSize(120);
      await pages.refresh([0, 2]);
      expect(pages.total).toBe(120);
      expect(pages.loadedPages).toEqual([0]);
    });

    it("ignores answers to requests sent before it", async () => {
      const dir = fakeDirectory(300);
      dir.hold();
      const onChange = vi.fn();
      const pages = new ContactPages(all, dir.fetcher, onChange, 100);
      const old = pages.ensure([0]);
      dir.setSize(50); // the data changed: the old answer must not win
      const fresh = pages.refresh([0]);
      await dir.release();
      await Promise.all([old, fresh]);
      expect(pages.total).toBe(50);
      expect(onChange).toHaveBeenCalledTimes(1);
    });

    it("fetches the first page when nothing is visible", async () => {
      const dir = fakeDirectory(10);
      const pages = new ContactPages(all, dir.fetcher, undefined, 100);
      await pages.refresh([]);
      expect(dir.calls.map((q) => q.offset)).toEqual([0]);
      expect(pages.total).toBe(10);
    });
  });
});
