import { describe, expect, it } from "vitest";
import {
  avatarHue,
  connectionLabel,
  contactCountLabel,
  fullName,
  initials,
  lastSyncedLabel,
  roleLabel,
  statusLabel,
  toMillis,
} from "./format";

describe("initials", () => {
  it("takes the first letter of each name, upper-cased", () => {
    expect(initials("Ada", "Lovelace")).toBe("AL");
    expect(initials("émile", "zola")).toBe("ÉZ");
  });

  it("ignores surrounding spaces and copes with a missing name", () => {
    expect(initials("  grace ", " hopper")).toBe("GH");
    expect(initials("Cher", "")).toBe("C");
    expect(initials("", "")).toBe("?");
  });

  it("does not split a character outside the BMP", () => {
    expect(initials("𝒜lice", "Bob")).toBe("𝒜B");
  });
});

describe("fullName", () => {
  it("joins the trimmed names", () => {
    expect(fullName("Ada", "Lovelace")).toBe("Ada Lovelace");
    expect(fullName(" Ada ", "")).toBe("Ada");
  });
});

describe("statusLabel", () => {
  it("labels guests by authentication status (SPEC §5)", () => {
    expect(statusLabel("guest", "pending")).toBe("Pending activation");
    expect(statusLabel("guest", "active")).toBe("Active");
  });

  it("shows no status for members", () => {
    expect(statusLabel("member", "pending")).toBeNull();
    expect(statusLabel("member", "active")).toBeNull();
  });
});

describe("labels", () => {
  it("names roles", () => {
    expect(roleLabel("company_admin")).toBe("Company admin");
    expect(roleLabel("department_admin")).toBe("Department admin");
    expect(roleLabel("member")).toBe("Member");
    expect(roleLabel("guest")).toBe("Guest");
  });

  it("names connection states", () => {
    expect(connectionLabel("online")).toBe("Online");
    expect(connectionLabel("connecting")).toBe("Connecting…");
    expect(connectionLabel("offline")).toBe("Offline");
  });

  it("counts contacts", () => {
    expect(contactCountLabel(0)).toBe("0 contacts");
    expect(contactCountLabel(1)).toBe("1 contact");
    expect(contactCountLabel(52)).toBe("52 contacts");
    expect(contactCountLabel(100_000)).toBe("100,000 contacts");
  });
});

describe("avatarHue", () => {
  it("is stable for an id and within 0..359", () => {
    const id = "0190b5a2-4c1e-7d3a-9f00-1234567890ab";
    expect(avatarHue(id)).toBe(avatarHue(id));
    for (const s of ["", "a", "b", id]) {
      const h = avatarHue(s);
      expect(h).toBeGreaterThanOrEqual(0);
      expect(h).toBeLessThan(360);
    }
  });

  it("spreads different ids over several hues", () => {
    const ids = Array.from({ length: 50 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`);
    const hues = ids.map(avatarHue);
    // Sequential ids must not cluster: at least 6 of the 12 30°-wide sectors are used.
    expect(new Set(hues.map((h) => Math.floor(h / 30))).size).toBeGreaterThanOrEqual(6);
  });
});

describe("last synced", () => {
  it("accepts the i64 as bigint (ts-rs type) or number (JSON)", () => {
    expect(toMillis(1_700_000_000_000n)).toBe(1_700_000_000_000);
    expect(toMillis(1_700_000_000_000)).toBe(1_700_000_000_000);
    expect(toMillis(null)).toBeNull();
  });

  it("says when it never synced", () => {
    expect(lastSyncedLabel(null)).toBe("Not synced yet");
  });

  it("shows the time only for today", () => {
    const now = new Date(2025, 2, 3, 15, 0);
    const earlier = new Date(2025, 2, 3, 14, 5).getTime();
    const label = lastSyncedLabel(BigInt(earlier), now);
    expect(label.startsWith("Last synced ")).toBe(true);
    expect(label).not.toContain(",");
    const yesterday = new Date(2025, 2, 2, 14, 5).getTime();
    expect(lastSyncedLabel(yesterday, now)).toContain(",");
  });
});
