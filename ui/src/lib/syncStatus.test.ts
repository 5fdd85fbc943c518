import { describe, expect, it } from "vitest";
import { isNewerStatus } from "./syncStatus";

describe("sync status order", () => {
  it("keeps the newest of an event and an answer that crossed", () => {
    expect(isNewerStatus(null, { revision: 3 })).toBe(true);
    // "Online" (revision 7) arrived by event before the answer to Retry (revision 5, offline).
    expect(isNewerStatus({ revision: 7 }, { revision: 5 })).toBe(false);
    expect(isNewerStatus({ revision: 7 }, { revision: 7 })).toBe(true);
    expect(isNewerStatus({ revision: 7 }, { revision: 8 })).toBe(true);
  });
});
