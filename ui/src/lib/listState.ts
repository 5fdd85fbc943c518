// Which state the contact list area shows. Pure function.

import type { ApiError } from "./bindings/ApiError";

export type ListState =
  /** The first page of the query has not answered yet, and no sync is running: show nothing. */
  | "pending"
  /** First sync running and nothing cached: spinner + "Syncing contacts…". */
  | "loading"
  /** Sync failed and nothing cached: the message + Retry. */
  | "error"
  /** No contacts at all. */
  | "empty"
  /** A search or filter matched nothing. */
  | "no_results"
  | "list";

export interface ListInputs {
  /** `SyncStatus.syncing`; null while the status is unknown. */
  syncing: boolean | null;
  syncError: ApiError | null;
  /** `SyncStatus.contact_count`: how many contacts are cached (all, unfiltered). */
  cachedCount: number;
  /** Total matching the current query; null before its first page answered. */
  total: number | null;
  /** A search text or department is set. */
  filtered: boolean;
  /** A first sync reports progress (`SyncStatus.progress`): it runs, even as a retry after an
   *  error. Optional: false when absent. */
  progressing?: boolean;
}

export function listState(i: ListInputs): ListState {
  if (i.total !== null && i.total > 0) return "list";
  const hasCache = i.cachedCount > 0;
  if (!hasCache) {
    if (i.syncing === true || i.progressing === true) return "loading";
    if (i.syncError !== null) return "error";
  }
  if (i.total === null) return i.syncing === true ? "loading" : "pending";
  return i.filtered ? "no_results" : "empty";
}

/** The non-blocking banner over a list of saved contacts when the last sync failed. */
export function showErrorBanner(i: ListInputs): boolean {
  return i.syncError !== null && listState(i) !== "error" && listState(i) !== "loading";
}
