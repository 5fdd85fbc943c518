// DEV ONLY: the chat part of the mock backend (see mockBackend.ts): conversations get a short
// history; sending queues a message that becomes sent, delivered and read over a few seconds.
// URL parameters: ?messages=0 (no history)  ?timeline=error|slow  ?as=guest

import { emit } from "@tauri-apps/api/event";
import type { Contact } from "../lib/bindings/Contact";
import type { Conversation } from "../lib/bindings/Conversation";
import type { ConversationMember } from "../lib/bindings/ConversationMember";
import type { GroupActions } from "../lib/bindings/GroupActions";
import type { MemberActions } from "../lib/bindings/MemberActions";
import type { Me } from "../lib/bindings/Me";
import type { Message } from "../lib/bindings/Message";
import type { TimelineItem } from "../lib/bindings/TimelineItem";
import type { TimelinePage } from "../lib/bindings/TimelinePage";
import type { TimelineQuery } from "../lib/bindings/TimelineQuery";

const NO_MEMBER_ACTIONS: MemberActions = { make_admin: false, make_owner: false, remove: false };

export const member = (contact: Contact, is_admin = false): ConversationMember => ({ contact, is_admin, delivered_seq: 0, read_seq: 0, actions: NO_MEMBER_ACTIONS });

/** What the server's `core::group_rights` grants, mocked: the viewer (a member unless the
 *  mock runs ?as=guest) in a group it administers or owns. */
export function mockActions(c: Pick<Conversation, "kind" | "org_wide" | "viewer_is_admin" | "viewer_is_owner">, viewer: Pick<Me, "kind">): GroupActions {
  const group = c.kind === "group" && !c.org_wide;
  const member = group && viewer.kind === "member";
  const admin = member && c.viewer_is_admin;
  const owner = member && c.viewer_is_owner;
  return {
    add_members: admin, remove_members: admin, make_admins: admin, rename: admin, leave: group, invite_guests: admin,
    invite_members: owner, invite_queues: owner, external_keys: owner, see_invitations: member, hand_over: owner, close: owner,
  };
}

/** The same conversation with the actions `viewer` may take in it, on it and on its members. */
export function seenBy(c: Conversation, viewer: Pick<Me, "kind">): Conversation {
  const actions = mockActions(c, viewer);
  const members = c.members.map((m) => ({
    ...m,
    actions: { make_admin: actions.make_admins && !m.is_admin && m.contact.kind === "member", make_owner: actions.hand_over && m.contact.kind === "member", remove: actions.remove_members },
  }));
  return { ...c, actions, members };
}

/** A conversation with no messages yet. */
export function conversation(c: Pick<Conversation, "id" | "kind" | "title" | "members" | "viewer_is_admin" | "created_at">): Conversation {
  const base: Conversation = { viewer_is_owner: c.kind === "group" && c.viewer_is_admin, org_wide: false, member_count: c.members.length + 1, ...c, last_seq: 0, read_seq: 0, unread_count: 0, last_message: null, actions: mockActions({ kind: "direct", org_wide: false, viewer_is_admin: false, viewer_is_owner: false }, { kind: "member" }) };
  return seenBy(base, { kind: "member" });
}

type Stored = Message & { state?: TimelineItem["state"] };

export function mockChat(params: URLSearchParams, me: Me) {
  const history = new Map<string, Stored[]>();
  const failOn = params.get("timeline");

  function write(c: Conversation, sender: Contact | Me | null, body: string, at: number, kind: Message["kind"] = "text") {
    const list = history.get(c.id) ?? [];
    const m: Stored = {
      id: `m-${c.id}-${list.length + 1}`,
      conversation_id: c.id,
      seq: list.length + 1,
      client_id: null,
      sender_id: sender?.id ?? null,
      sender_name: sender ? `${sender.first_name} ${sender.last_name}` : "Parley",
      kind,
      body,
      created_at: at,
    };
    list.push(m);
    history.set(c.id, list);
    c.last_seq = m.seq;
    c.last_message = m;
    if (sender?.id !== me.id && (kind === "text" || kind === "welcome")) c.unread_count++;
    return m;
  }

  /** A few days of talk in each conversation (none with ?messages=0). */
  function seed(all: Conversation[]) {
    if (params.get("messages") === "0") return;
    const day = 24 * 3600 * 1000;
    const t0 = Date.now() - 2 * day;
    for (const c of all) {
      const other = c.members[0]?.contact;
      if (c.kind === "system") {
        write(c, null, `Welcome to Parley, ${me.first_name}! Everyone at ${me.organisation_name} is in your Contacts.`, t0, "welcome");
        continue;
      }
      if (!other) continue;
      write(c, other, "Morning! Did you see the figures for Q3?", t0 + 9 * 3600e3);
      write(c, me, "Yes — better than expected.", t0 + 9 * 3600e3 + 120e3);
      write(c, me, "I'll send the summary before lunch.", t0 + 9 * 3600e3 + 150e3);
      if (c.kind === "group" && c.members[1]) write(c, c.members[1].contact, `${c.members[1].contact.first_name} ${c.members[1].contact.last_name} joined the conversation.`, t0 + day, "joined");
      write(c, other, "Great, thanks. Can we go through it tomorrow at 10?", Date.now() - 40 * 60e3);
      c.read_seq = c.last_seq - 1;
      for (const m of c.members) m.delivered_seq = m.read_seq = c.last_seq - 1;
    }
  }

  function item(c: Conversation, m: Stored): TimelineItem {
    const mine = m.sender_id === me.id && m.kind === "text";
    const others = c.members;
    const state = !mine
      ? null
      : (m.state ??
        (others.length && others.every((o) => o.read_seq >= m.seq)
          ? "read"
          : others.length && others.every((o) => o.delivered_seq >= m.seq)
            ? "delivered"
            : "sent"));
    return { key: m.client_id ?? m.id, conversation_id: c.id, seq: m.seq, sender_id: m.sender_id, sender_name: m.sender_name, mine, kind: m.kind, body: m.body, created_at: m.created_at, state, error: null };
  }

  async function timeline(all: Conversation[], q: TimelineQuery): Promise<TimelinePage> {
    if (failOn === "slow") await new Promise((r) => setTimeout(r, 3000));
    if (failOn === "error") throw { code: "network", message: "Cannot reach the server at http://127.0.0.1:8080." };
    const c = all.find((x) => x.id === q.conversation_id);
    if (!c) throw { code: "not_found", message: "Not found." };
    const list = history.get(c.id) ?? [];
    const page = q.from !== null ? list.filter((m) => m.seq >= (q.from ?? 0)) : list.filter((m) => m.seq < (q.before ?? Infinity)).slice(-50);
    return { items: page.map((m) => item(c, m)), has_more: (page[0]?.seq ?? 1) > 1 };
  }

  /** Queued, then sent, delivered and read a little later each. */
  function send(all: Conversation[], conversationId: string, body: string): TimelineItem {
    const c = all.find((x) => x.id === conversationId);
    if (!c) throw { code: "not_found", message: "Not found." };
    if (body.trim() === "") throw { code: "required", message: "Required", field: "body" };
    const m = write(c, me, body, Date.now());
    m.client_id = `q-${m.id}`;
    m.state = "pending";
    const changed = () => void emit("chat-changed", c.id);
    setTimeout(() => ((m.state = undefined), changed()), 700);
    setTimeout(() => (c.members.forEach((o) => (o.delivered_seq = m.seq)), changed()), 1800);
    setTimeout(() => (c.members.forEach((o) => (o.read_seq = m.seq)), changed()), 3500);
    changed();
    return item(c, m);
  }

  function markRead(all: Conversation[], id: string) {
    const c = all.find((x) => x.id === id);
    if (c && c.unread_count > 0) {
      c.unread_count = 0;
      c.read_seq = c.last_seq;
      void emit("chat-changed", id);
    }
  }

  return { seed, timeline, send, markRead };
}
