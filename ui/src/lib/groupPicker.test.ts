import { describe, expect, it } from "vitest";
import type { Contact } from "./bindings/Contact";
import { canCreateGroup, groupOptions, groupRequest, selectedLabel, toggleSelected } from "./groupPicker";

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
