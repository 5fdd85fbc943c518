// The group dialog's multi-selection (SPEC §7.3 b: interlocutor and new guest pre-selected).
// Pure functions.

import type { Contact } from "./bindings/Contact";
import type { CreateConversationRequest } from "./bindings/CreateConversationRequest";
import { fullName } from "./format";

/** How many search results the dialog asks `contacts_page` for. */
export const GROUP_SEARCH_LIMIT = 50;
/** The server refuses longer names (`too_long` on `name`). */
export const GROUP_NAME_MAX = 100;

function matches(c: Contact, search: string): boolean {
  const s = search.trim().toLowerCase();
  if (s === "") return true;
  return (
    fullName(c.first_name, c.last_name).toLowerCase().includes(s) ||
    c.phone.includes(s) ||
    (c.email ?? "").toLowerCase().includes(s)
  );
}

/** The rows of the list: the contacts the dialog opened with (pre-selected; kept on top and in
 *  a stable order, even before a new guest reached the contact cache) that match the search,
 *  then the search results, each contact once. */
export function groupOptions(pinned: readonly Contact[], results: readonly Contact[], search: string): Contact[] {
  const out: Contact[] = [];
  const seen = new Set<string>();
  for (const c of pinned) {
    if (!seen.has(c.id) && matches(c, search)) {
      out.push(c);
      seen.add(c.id);
    }
  }
  for (const c of results) {
    if (!seen.has(c.id)) {
      out.push(c);
      seen.add(c.id);
    }
  }
  return out;
}

export function toggleSelected(selected: readonly string[], id: string): string[] {
  return selected.includes(id) ? selected.filter((x) => x !== id) : [...selected, id];
}

export function canCreateGroup(selected: readonly string[], busy: boolean): boolean {
  return !busy && selected.length > 0;
}

/** The request: the picked members (the creator is added by the server) and the name, or
 *  null to let the server name it after the members. */
export function groupRequest(selected: readonly string[], name: string): CreateConversationRequest {
  const trimmed = name.trim();
  return { kind: "group", member_ids: [...selected], name: trimmed === "" ? null : trimmed };
}

/** "2 selected". */
export function selectedLabel(n: number): string {
  return `${n} selected`;
}

/** What the member picker is for: a new group, people added to one (admins), or people and
 *  department queues invited into one (its owner, SPEC §10.1). */
export type PickerMode = "create" | "add" | "share";

export interface PickerCopy {
  title: string;
  submit: string;
  /** Whether guests may be picked (a conversation invitation is for members). */
  guests: boolean;
}

export function pickerCopy(mode: PickerMode, conversationTitle = ""): PickerCopy {
  switch (mode) {
    case "add":
      return { title: `Add members to “${conversationTitle}”`, submit: "Add members", guests: true };
    case "share":
      return { title: `Invite to “${conversationTitle}”`, submit: "Send invitations", guests: false };
    default:
      return { title: "Create Group Conversation", submit: "Create group conversation", guests: true };
  }
}

/** The contacts the picker offers: not the viewer, not those already in, no guests when the
 *  mode does not take them. */
export function pickable(items: readonly Contact[], meId: string, exclude: ReadonlySet<string>, guests: boolean): Contact[] {
  return items.filter((c) => c.id !== meId && !exclude.has(c.id) && (guests || c.kind !== "guest"));
}
