import { describe, expect, it } from "vitest";
import type { Contact } from "./bindings/Contact";
import type { Conversation } from "./bindings/Conversation";
import {
  conversationActions,
  manageActions,
  unlistedMembers,
  memberActions,
  conversationSubtitle,
  interlocutor,
  memberCount,
  pickSelection,
  sortMembers,
  upsertConversation,
} from "./conversations";

const contact = (id: string, first: string, kind: Contact["kind"] = "member"): Contact => ({
  id,
  first_name: first,
  last_name: "X",
  phone: "+15550100",
  phone_display: "+1 555-0100",
  email: null,
  kind,
  role: kind === "guest" ? "guest" : "member",
  status: "active",
  department_id: "d",
  department_name: "D",
});
const conv = (id: string, kind: Conversation["kind"], names: string[], viewer_is_admin = false): Conversation => ({
  id,
  kind,
  title: names.join(", "),
  members: names.map((n, i) => ({ contact: contact(`${id}-${i}`, n), is_admin: false, delivered_seq: 0, read_seq: 0 })),
  viewer_is_admin,
  viewer_is_owner: viewer_is_admin,
  org_wide: false,
  member_count: 0,
  created_at: 0,
  last_seq: 0,
  read_seq: 0,
  unread_count: 0,
  last_message: null,
});

describe("conversations", () => {
  it("counts the viewer among the members", () => {
    expect(memberCount(conv("g", "group", ["Ada", "Alan"]))).toBe(3);
    expect(conversationSubtitle(conv("g", "group", ["Ada", "Alan"]))).toBe("3 members");
    expect(conversationSubtitle(conv("d", "direct", ["Ada"]))).toBe("One-to-one");
    expect(conversationSubtitle({ ...conv("all", "group", ["Ada", "Alan"]), org_wide: true })).toBe(
      "Everyone in the organization · 3 members",
    );
    // The ALL group lists its first members; the count says how many there are.
    const big = { ...conv("all", "group", ["Ada", "Alan"]), org_wide: true, member_count: 10_000 };
    expect(conversationSubtitle(big)).toBe("Everyone in the organization · 10000 members");
    expect(unlistedMembers(big)).toBe(9_997);
    expect(unlistedMembers(conv("g", "group", ["Ada", "Alan"]))).toBe(0);
    expect(conversationSubtitle(conv("s", "system", []))).toBe("Messages from Parley");
    expect(conversationActions(conv("s", "system", []), { kind: "member" })).toEqual({
      groupMenu: false,
      inviteFromMenu: false,
      inviteIntoGroup: false,
    });
  });

  it("names the other person of a one-to-one conversation", () => {
    expect(interlocutor(conv("d", "direct", ["Ada"]))?.first_name).toBe("Ada");
    expect(interlocutor(conv("g", "group", ["Ada", "Alan"]))).toBeNull();
  });

  it("offers the group menu in one-to-one, Invite Guest in groups the viewer administers", () => {
    const member = { kind: "member" as const };
    const guest = { kind: "guest" as const };
    expect(conversationActions(conv("d", "direct", ["Ada"]), member)).toEqual({ groupMenu: true, inviteFromMenu: true, inviteIntoGroup: false });
    expect(conversationActions(conv("g", "group", ["Ada"], true), member)).toEqual({ groupMenu: false, inviteFromMenu: false, inviteIntoGroup: true });
    expect(conversationActions({ ...conv("g", "group", ["Ada"], true), org_wide: true }, member).inviteIntoGroup).toBe(false);
    expect(conversationActions(conv("g", "group", ["Ada"], false), member).inviteIntoGroup).toBe(false);
    // Guests never invite.
    expect(conversationActions(conv("d", "direct", ["Ada"]), guest)).toEqual({ groupMenu: true, inviteFromMenu: false, inviteIntoGroup: false });
    expect(conversationActions(conv("g", "group", ["Ada"], true), guest).inviteIntoGroup).toBe(false);
  });

  it("lists admins first, then by name", () => {
    const c = conv("g", "group", ["Zoë", "Ada", "Mia"]);
    c.members[2].is_admin = true;
    expect(sortMembers(c.members).map((m) => m.contact.first_name)).toEqual(["Mia", "Ada", "Zoë"]);
  });

  it("replaces a conversation in place or puts a new one on top", () => {
    const list = [conv("a", "direct", ["Ada"]), conv("b", "direct", ["Alan"])];
    const renamed = { ...list[1], title: "Renamed" };
    expect(upsertConversation(list, renamed).map((c) => c.title)).toEqual(["Ada", "Renamed"]);
    expect(upsertConversation(list, conv("c", "group", ["Mia"])).map((c) => c.id)).toEqual(["c", "a", "b"]);
  });

  it("keeps or picks the selection", () => {
    const list = [conv("a", "direct", ["Ada"]), conv("b", "direct", ["Alan"])];
    expect(pickSelection(list, "b", "a")).toBe("b");
    expect(pickSelection(list, "gone", "b")).toBe("b");
    expect(pickSelection(list, null, "gone")).toBe("a");
    expect(pickSelection([], null, "a")).toBeNull();
  });
});

describe("managing a group", () => {
  const group = (admin: boolean, owner: boolean) => ({ kind: "group" as const, viewer_is_admin: admin, viewer_is_owner: owner, org_wide: false });

  it("offers the manage menu by role, and nothing for one-to-one conversations", () => {
    expect(manageActions({ kind: "direct", viewer_is_admin: false, viewer_is_owner: false, org_wide: false }, { kind: "member" })).toBeNull();
    expect(manageActions(group(false, false), { kind: "member" })).toEqual({
      addMembers: false, invite: false, externalKey: false, rename: false, leave: true, close: false,
    });
    expect(manageActions(group(true, false), { kind: "member" })).toMatchObject({ addMembers: true, rename: true, invite: false });
    expect(manageActions(group(true, true), { kind: "member" })).toMatchObject({ invite: true, externalKey: true, close: true });
    expect(manageActions(group(true, true), { kind: "guest" })).toMatchObject({ invite: false, addMembers: false, leave: true });
  });

  it("offers no manage menu and no member actions in the ALL group (the organisation runs it)", () => {
    const all = { ...group(true, true), org_wide: true };
    expect(manageActions(all, { kind: "member" })).toBeNull();
    expect(memberActions(all, { is_admin: false, contact: { kind: "member" } })).toBeNull();
  });

  it("lets admins promote and remove, and the owner hand over to a member", () => {
    const ann = { is_admin: false, contact: { kind: "member" as const } };
    const gus = { is_admin: false, contact: { kind: "guest" as const } };
    expect(memberActions(group(false, false), ann)).toBeNull();
    expect(memberActions(group(true, false), ann)).toEqual({ promote: true, makeOwner: false, remove: true });
    expect(memberActions(group(true, true), gus)).toEqual({ promote: false, makeOwner: false, remove: true });
    expect(memberActions(group(true, true), { ...ann, is_admin: true })).toEqual({ promote: false, makeOwner: true, remove: true });
  });
});
