import { describe, expect, it } from "vitest";
import { expiryLabel, invitationText, inviteeLabel } from "./keys";

describe("keys and invitations", () => {
  it("words an expiry", () => {
    expect(expiryLabel(new Date(2026, 10, 30, 14, 5).getTime())).toBe("valid until 30 Nov 2026, 14:05");
  });

  it("words invitations for a person and for a department queue", () => {
    const base = { inviter_name: "Ivy Inviter", conversation_title: "Atlas" };
    expect(invitationText({ ...base, department: null })).toBe("Ivy Inviter invites you to “Atlas”");
    expect(invitationText({ ...base, department: { id: "d", name: "Logistics", parent_id: null } })).toBe(
      "Ivy Inviter invites Logistics to “Atlas” — the first to accept joins",
    );
    expect(inviteeLabel({ invitee: null, department: { id: "d", name: "Logistics", parent_id: null } })).toBe("Logistics (queue)");
  });
});
