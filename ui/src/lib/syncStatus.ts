// Which of two sync statuses to show: an answer to `sync_status` / `sync_now` can reach the page
// after the event of a later change (the app came back online meanwhile), and must not undo it.

import type { SyncStatus } from "./bindings/SyncStatus";

export function isNewerStatus(current: Pick<SyncStatus, "revision"> | null, next: Pick<SyncStatus, "revision">): boolean {
  return current === null || next.revision >= current.revision;
}
