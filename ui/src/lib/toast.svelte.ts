// One short confirmation at a time ("Invitation sent to Gina Guest"), shown by the signed-in
// shell and gone after a few seconds.

export const TOAST_MS = 5000;

export class Toaster {
  message = $state<string | null>(null);
  #timer: ReturnType<typeof setTimeout> | undefined;

  show(message: string, ms: number = TOAST_MS): void {
    clearTimeout(this.#timer);
    this.message = message;
    this.#timer = setTimeout(() => (this.message = null), ms);
  }

  dismiss(): void {
    clearTimeout(this.#timer);
    this.message = null;
  }

  dispose(): void {
    clearTimeout(this.#timer);
  }
}
