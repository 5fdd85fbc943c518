import { describe, expect, it } from "vitest";
import type { ApiError } from "./bindings/ApiError";
import { listState, showErrorBanner, type ListInputs } from "./listState";

const network: ApiError = { code: "network", message: "Cannot reach the server. Check the address and your connection." };
const base: ListInputs = { syncing: false, syncError: null, cachedCount: 52, total: 52, filtered: false };

describe("listState", () => {
  it("shows the list when the query matched something", () => {
    expect(listState(base)).toBe("list");
    expect(listState({ ...base, syncing: true })).toBe("list");
    expect(listState({ ...base, syncError: network })).toBe("list");
  });

  it("shows loading while the first sync runs with nothing cached", () => {
    expect(listState({ ...base, syncing: true, cachedCount: 0, total: 0 })).toBe("loading");
    expect(listState({ ...base, syncing: true, cachedCount: 0, total: null })).toBe("loading");
    // A retry after a failed first sync: the error stays in the status until it succeeds.
    expect(listState({ ...base, syncError: network, progressing: true, cachedCount: 0, total: 0 })).toBe("loading");
  });

  it("shows the blocking error when the sync failed with nothing cached", () => {
    expect(listState({ ...base, syncError: network, cachedCount: 0, total: 0 })).toBe("error");
  });

  it("shows empty when the directory has no contacts", () => {
    expect(listState({ ...base, cachedCount: 0, total: 0 })).toBe("empty");
  });

  it("shows no results when a search or filter matched nothing", () => {
    expect(listState({ ...base, total: 0, filtered: true })).toBe("no_results");
  });

  it("waits quietly for the first page when no sync runs", () => {
    expect(listState({ ...base, total: null })).toBe("pending");
  });

  it("shows saved contacts with a banner when a later sync failed", () => {
    const inputs = { ...base, syncError: network };
    expect(listState(inputs)).toBe("list");
    expect(showErrorBanner(inputs)).toBe(true);
  });

  it("has no banner without an error, or when the blocking error shows", () => {
    expect(showErrorBanner(base)).toBe(false);
    expect(showErrorBanner({ ...base, syncError: network, cachedCount: 0, total: 0 })).toBe(false);
  });
});
