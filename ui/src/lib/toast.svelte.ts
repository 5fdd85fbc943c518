// One short confirmation at a time ("Invitation sent to Gina Guest"), shown by the signed-in
// shell and gone after a few seconds. `error` shows a failure the same way, marked as one.

export const TOAST_MS = 5000;

export type ToastKind = "success" | "error";

export class Toaster {
  message = $state<string | null>(null);
  kind = $state<ToastKind>("success");
  #timer: ReturnType<typeof setTimeout> | undefined;

  show(message: string, ms: number = TOAST_MS, kind: ToastKind = "success"): void {
    clearTimeout(this.#timer);
    this.message = message;
    this.kind = kind;
    this.#timer = setTimeout(() => (this.message = null), ms);
  }

  /** A failure (e.g. an action refused by the server): its message, with an error mark. */
  error(message: string, ms: number = TOAST_MS): void {
    this.show(message, ms, "error");
  }

  dismiss(): void {
    clearTimeout(this.#timer);
    this.message = null;
  }

  dispose(): void {
    clearTimeout(this.#timer);
  }
}
