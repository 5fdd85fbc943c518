import { describe, expect, it } from "vitest";
import type { Contact } from "./bindings/Contact";
import { canCreateGroup, groupOptions, groupRequest, pickable, pickerCopy, selectedLabel, toggleSelected } from "./groupPicker";

const c = (id: string, first: string, last = "X"): Contact => ({
  id,
  first_name: first,
  last_name: last,
  phone: `+1555${id}`,
  phone_display: "",
  email: `${first.toLowerCase()}@example.com`,
  kind: "member",
  role: "member",
  status: "active",
  department_id: "d",
  department_name: "D",
  access: "open",  access_ends_at: null,  you_sponsor: false,
});

describe("group picker", () => {
  const ada = c("1", "Ada");
  const gina = { ...c("2", "Gina", "Guest"), kind: "guest" as const };
  const alan = c("3", "Alan");

  it("keeps the pre-selected contacts on top, then the results, each once", () => {
    expect(groupOptions([ada, gina], [alan, ada], "").map((x) => x.id)).toEqual(["1", "2", "3"]);
  });

  it("shows pre-selected contacts only when they match the search", () => {
    expect(groupOptions([ada, gina], [alan], "gin").map((x) => x.id)).toEqual(["2", "3"]);
    expect(groupOptions([ada, gina], [], "GUEST").map((x) => x.id)).toEqual(["2"]);
  });

  it("toggles a selection", () => {
    expect(toggleSelected(["1"], "2")).toEqual(["1", "2"]);
    expect(toggleSelected(["1", "2"], "1")).toEqual(["2"]);
    expect(selectedLabel(2)).toBe("2 selected");
  });

  it("needs one member at least, and no request running", () => {
    expect(canCreateGroup([], false)).toBe(false);
    expect(canCreateGroup(["1"], false)).toBe(true);
    expect(canCreateGroup(["1"], true)).toBe(false);
  });

  it("sends the picked members and the name, or no name", () => {
    expect(groupRequest(["1", "2"], "  Atlas  ")).toEqual({ kind: "group", member_ids: ["1", "2"], name: "Atlas" });
    expect(groupRequest(["1"], "   ").name).toBeNull();
  });
});

describe("picker modes", () => {
  it("names each mode and says whether guests may be picked", () => {
    expect(pickerCopy("create")).toEqual({ title: "Create Group Conversation", submit: "Create group conversation", guests: true });
    expect(pickerCopy("add", "Atlas").title).toBe("Add members to “Atlas”");
    expect(pickerCopy("share", "Atlas")).toEqual({ title: "Invite to “Atlas”", submit: "Send invitations", guests: false });
  });

  it("offers neither the viewer, nor members already in, nor guests when they are not taken", () => {
    const me = c("me", "Me");
    const ann = c("ann", "Ann");
    const gus = { ...c("gus", "Gus"), kind: "guest" as const };
    const bob = c("bob", "Bob");
    expect(pickable([me, ann, gus, bob], "me", new Set(["bob"]), true).map((c) => c.id)).toEqual(["ann", "gus"]);
    expect(pickable([me, ann, gus, bob], "me", new Set(), false).map((c) => c.id)).toEqual(["ann", "bob"]);
  });
});
