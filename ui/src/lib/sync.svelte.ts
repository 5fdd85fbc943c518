// The contact sync status of the signed-in session: shown by the header's connection indicator
// and by the Contacts list (loading / error states, Retry). One instance per signed-in shell.

import type { ApiError } from "./bindings/ApiError";
import type { SyncStatus } from "./bindings/SyncStatus";
import { onSyncStatus, syncNow, syncStatus, toApiError } from "./ipc";
import { isNewerStatus } from "./syncStatus";

export class SyncModel {
  status = $state<SyncStatus | null>(null);
  retrying = $state(false);
  /** A failed Retry when no status is known yet (shown by Contacts). */
  retryError = $state<ApiError | null>(null);

  #unlisten: (() => void) | null = null;
  #disposed = false;
  #onUnauthorized: (error: ApiError) => void;

  constructor(onUnauthorized: (error: ApiError) => void) {
    this.#onUnauthorized = onUnauthorized;
  }

  /** Keeps `s` unless a newer status already arrived: an answer to `sync_status`/`sync_now`
   *  can reach the page after the event of a later change (the app came back online). */
  #accept(s: SyncStatus): void {
    if (isNewerStatus(this.status, s)) this.status = s;
  }

  start(): void {
    onSyncStatus((s) => this.#accept(s))
      .then((u) => (this.#disposed ? u() : (this.#unlisten = u)))
      .catch(() => {});
    syncStatus()
      .then((s) => {
        if (!this.#disposed) this.#accept(s);
      })
      .catch((e) => {
        const error = toApiError(e);
        if (error.code === "unauthorized") this.#onUnauthorized(error);
      });
  }

  async retry(): Promise<void> {
    if (this.retrying) return;
    this.retrying = true;
    this.retryError = null;
    try {
      this.#accept(await syncNow());
    } catch (e) {
      const error = toApiError(e);
      if (error.code === "unauthorized") {
        this.#onUnauthorized(error);
        return;
      }
      if (this.status) this.status = { ...this.status, error };
      else this.retryError = error;
    } finally {
      this.retrying = false;
    }
  }

  dispose(): void {
    this.#disposed = true;
    this.#unlisten?.();
    this.#unlisten = null;
  }
}
