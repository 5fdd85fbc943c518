// Which of two sync statuses to show: an answer to `sync_status` / `sync_now` can reach the page
// after the event of a later change (the app came back online meanwhile), and must not undo it.

import type { SyncProgress } from "./bindings/SyncProgress";
import type { SyncStatus } from "./bindings/SyncStatus";
import { contactCountLabel } from "./format";

export function isNewerStatus(current: Pick<SyncStatus, "revision"> | null, next: Pick<SyncStatus, "revision">): boolean {
  return current === null || next.revision >= current.revision;
}

/** What the Contacts list says while a first sync runs: the stage, and how far (0–100) when
 *  known. */
export function firstSyncProgress(p: SyncProgress | null): { label: string; percent: number | null } {
  if (p === null) return { label: "Asking the server for your contacts…", percent: null };
  if (p.stage === "saving") return { label: `Saving ${contactCountLabel(p.contacts)}…`, percent: 100 };
  if (p.total === null || p.total === 0) return { label: "Downloading contacts…", percent: null };
  const percent = Math.min(100, Math.floor((p.received * 100) / p.total));
  return { label: `Downloading contacts… ${percent}%`, percent };
}
