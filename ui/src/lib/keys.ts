// External keys and conversation invitations as the UI words them. Pure functions.

import type { ConversationInvitation } from "./bindings/ConversationInvitation";
import { fullName } from "./format";

/** The core's limits (`parley_core::sharing`). */
export const KEY_DESCRIPTION_MAX = 200;
export const KEY_VALIDITY_CHOICES = [1, 3, 7, 14, 30] as const;

/** "valid until 30 Nov 2026, 14:05". */
export function expiryLabel(ms: number): string {
  const d = new Date(ms);
  const day = d.toLocaleDateString("en-GB", { day: "numeric", month: "short", year: "numeric" });
  const time = d.toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit" });
  return `valid until ${day}, ${time}`;
}

/** What an incoming invitation says: "Ivy Inviter invites you to “Atlas”" or, for a department
 *  queue, "… invites Logistics to “Atlas” — the first to accept joins". */
export function invitationText(i: Pick<ConversationInvitation, "inviter_name" | "conversation_title" | "department">): string {
  if (i.department) return `${i.inviter_name} invites ${i.department.name} to “${i.conversation_title}” — the first to accept joins`;
  return `${i.inviter_name} invites you to “${i.conversation_title}”`;
}

/** Whom an open invitation of a group is for, as its owner reads it. */
export function inviteeLabel(i: Pick<ConversationInvitation, "invitee" | "department">): string {
  if (i.invitee) return fullName(i.invitee.first_name, i.invitee.last_name);
  if (i.department) return `${i.department.name} (queue)`;
  return "";
}
