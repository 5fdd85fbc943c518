import { describe, expect, it } from "vitest";
import type { Contact } from "./bindings/Contact";
import type { Conversation } from "./bindings/Conversation";
import type { GroupActions } from "./bindings/GroupActions";
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
  access: "open",  access_ends_at: null,  you_sponsor: false,
});
const conv = (id: string, kind: Conversation["kind"], names: string[], viewer_is_admin = false): Conversation => ({
  id,
  kind,
  title: names.join(", "),
  members: names.map((n, i) => ({ contact: contact(`${id}-${i}`, n), is_admin: false, delivered_seq: 0, read_seq: 0, actions: { make_admin: false, make_owner: false, remove: false } })),
  viewer_is_admin,
  viewer_is_owner: viewer_is_admin,
  actions: {
    add_members: false, remove_members: false, make_admins: false, rename: false, leave: false, invite_guests: false,
    invite_members: false, invite_queues: false, external_keys: false, see_invitations: false, hand_over: false, close: false,
  },
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
    expect(conversationActions(conv("g", "group", ["Ada"]), member)).toEqual({ groupMenu: false, inviteFromMenu: false, inviteIntoGroup: false });
    // Guests never invite.
    expect(conversationActions(conv("d", "direct", ["Ada"]), guest)).toEqual({ groupMenu: true, inviteFromMenu: false, inviteIntoGroup: false });
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
  const none: GroupActions = {
    add_members: false, remove_members: false, make_admins: false, rename: false, leave: false, invite_guests: false,
    invite_members: false, invite_queues: false, external_keys: false, see_invitations: false, hand_over: false, close: false,
  };
  const admin: GroupActions = { ...none, add_members: true, remove_members: true, make_admins: true, rename: true, leave: true, invite_guests: true, see_invitations: true };
  const owner: GroupActions = { ...admin, invite_members: true, invite_queues: true, external_keys: true, hand_over: true, close: true };

  it("shows the manage menu the server granted, and none when it granted nothing", () => {
    expect(manageActions({ actions: none })).toBeNull();
    expect(manageActions({ actions: { ...none, leave: true } })).toEqual({
      addMembers: false, invite: false, externalKey: false, rename: false, leave: true, close: false,
    });
    expect(manageActions({ actions: admin })).toMatchObject({ addMembers: true, rename: true, invite: false, close: false });
    expect(manageActions({ actions: owner })).toMatchObject({ invite: true, externalKey: true, close: true });
  });

  it("shows the member actions the server granted", () => {
    expect(memberActions({ actions: { make_admin: false, make_owner: false, remove: false } })).toBeNull();
    expect(memberActions({ actions: { make_admin: true, make_owner: false, remove: true } })).toEqual({ promote: true, makeOwner: false, remove: true });
  });

  it("offers Invite Guest into a group on the server's flag", () => {
    const me = { kind: "member" as const };
    expect(conversationActions({ kind: "group", actions: admin }, me).inviteIntoGroup).toBe(true);
    expect(conversationActions({ kind: "group", actions: { ...admin, invite_guests: false } }, me).inviteIntoGroup).toBe(false);
  });
});
