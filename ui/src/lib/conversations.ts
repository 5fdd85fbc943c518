// What the Conversations screen shows about a conversation. Pure functions.

import type { Contact } from "./bindings/Contact";
import type { Conversation } from "./bindings/Conversation";
import type { ConversationMember } from "./bindings/ConversationMember";
import type { Me } from "./bindings/Me";
import { fullName } from "./format";

/** Everyone in it, the viewer included (`members` lists the others). */
export function memberCount(c: Pick<Conversation, "members" | "member_count">): number {
  // A copy cached before the server said how many (member_count 0) lists everyone.
  return c.member_count || c.members.length + 1;
}

/** How many members the list leaves out (the ALL group lists only its first members). */
export function unlistedMembers(c: Pick<Conversation, "members" | "member_count">): number {
  return Math.max(0, memberCount(c) - c.members.length - 1);
}

/** "One-to-one", "3 members", for the ALL group "Everyone in the organization · 51 members", or
 *  for the system account's conversation "Messages from Parley". */
export function conversationSubtitle(c: Pick<Conversation, "kind" | "members" | "member_count" | "org_wide">): string {
  if (c.kind === "direct") return "One-to-one";
  if (c.kind === "system") return "Messages from Parley";
  const n = memberCount(c);
  const count = `${n} ${n === 1 ? "member" : "members"}`;
  return c.org_wide ? `Everyone in the organization · ${count}` : count;
}

/** The other person of a one-to-one conversation. */
export function interlocutor(c: Pick<Conversation, "kind" | "members">): Contact | null {
  return c.kind === "direct" ? (c.members[0]?.contact ?? null) : null;
}

export interface ConversationActions {
  /** One-to-one: the *Create Group Conversation* menu (Add contacts, Invite Guest). */
  groupMenu: boolean;
  /** The menu's *Invite Guest* item (members only; guests never invite). */
  inviteFromMenu: boolean;
  /** Group the viewer administers: *Invite Guest* into it (SPEC §7.3 c). */
  inviteIntoGroup: boolean;
}

export function conversationActions(c: Pick<Conversation, "kind" | "actions">, me: Pick<Me, "kind">): ConversationActions {
  return {
    groupMenu: c.kind === "direct",
    inviteFromMenu: c.kind === "direct" && me.kind === "member",
    // The server's flag (`core::group_rights`): the group's admins who are members.
    inviteIntoGroup: c.actions.invite_guests,
  };
}

/** Admins first, then by name. */
export function sortMembers(members: readonly ConversationMember[]): ConversationMember[] {
  const name = (m: ConversationMember) => fullName(m.contact.first_name, m.contact.last_name);
  return [...members].sort((a, b) => Number(b.is_admin) - Number(a.is_admin) || name(a).localeCompare(name(b)));
}

/** A created or refreshed conversation: replaces its old copy in place, or goes on top. */
export function upsertConversation(list: readonly Conversation[], c: Conversation): Conversation[] {
  const i = list.findIndex((x) => x.id === c.id);
  if (i < 0) return [c, ...list];
  const out = [...list];
  out[i] = c;
  return out;
}

/** Which conversation to show after the list (re)loaded: the wanted one if listed, else the
 *  one shown so far if still listed, else the first. */
export function pickSelection(list: readonly Conversation[], wanted: string | null, shown: string | null): string | null {
  if (wanted !== null && list.some((c) => c.id === wanted)) return wanted;
  if (shown !== null && list.some((c) => c.id === shown)) return shown;
  return list[0]?.id ?? null;
}

/** The group's *Manage* menu, from what the server says the viewer may do in it
 *  (`core::group_rights`: guests only leave; nobody runs the ALL group). Null when empty. */
export interface ManageActions {
  addMembers: boolean;
  invite: boolean;
  externalKey: boolean;
  rename: boolean;
  leave: boolean;
  close: boolean;
}

export function manageActions(c: Pick<Conversation, "actions">): ManageActions | null {
  const a = c.actions;
  const menu = {
    addMembers: a.add_members,
    invite: a.invite_members || a.invite_queues,
    externalKey: a.external_keys,
    rename: a.rename,
    leave: a.leave,
    close: a.close,
  };
  return Object.values(menu).some(Boolean) ? menu : null;
}

/** What the viewer may do to one member of a group, as the server computed it. Null when
 *  nothing. */
export interface MemberActions {
  promote: boolean;
  makeOwner: boolean;
  remove: boolean;
}

export function memberActions(m: Pick<ConversationMember, "actions">): MemberActions | null {
  const can = { promote: m.actions.make_admin, makeOwner: m.actions.make_owner, remove: m.actions.remove };
  return Object.values(can).some(Boolean) ? can : null;
}
