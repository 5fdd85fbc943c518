import { describe, expect, it } from "vitest";
import { firstSyncProgress, isNewerStatus } from "./syncStatus";

describe("sync status order", () => {
  it("keeps the newest of an event and an answer that crossed", () => {
    expect(isNewerStatus(null, { revision: 3 })).toBe(true);
    // "Online" (revision 7) arrived by event before the answer to Retry (revision 5, offline).
    expect(isNewerStatus({ revision: 7 }, { revision: 5 })).toBe(false);
    expect(isNewerStatus({ revision: 7 }, { revision: 7 })).toBe(true);
    expect(isNewerStatus({ revision: 7 }, { revision: 8 })).toBe(true);
  });
});

describe("first sync progress", () => {
  it("names the stage and the share downloaded", () => {
    expect(firstSyncProgress(null)).toEqual({ label: "Asking the server for your contacts…", percent: null });
    expect(firstSyncProgress({ stage: "downloading", received: 250, total: 1000 })).toEqual({
      label: "Downloading contacts… 25%",
      percent: 25,
    });
    expect(firstSyncProgress({ stage: "downloading", received: 10, total: null }).percent).toBeNull();
    expect(firstSyncProgress({ stage: "saving", contacts: 100000 }).label).toBe("Saving 100,000 contacts…");
  });
});
