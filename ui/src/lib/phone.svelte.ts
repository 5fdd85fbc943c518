// The phone number being typed on Login / New User (kept when switching between the two):
// country calling code + national number, checked by the Rust rule (`check_phone`) as the user
// types.

import type { ApiError } from "./bindings/ApiError";
import type { CallingCode } from "./bindings/CallingCode";
import { debounce } from "./debounce";
import { callingCodeOf, defaultCallingRegion, isBlank, showPhoneError } from "./forms";
import { checkPhone, toApiError } from "./ipc";

/** Wait after the last keystroke before asking the Rust rule. */
export const PHONE_CHECK_DEBOUNCE_MS = 150;
/** Wait after the last keystroke before an error may show (the user "paused"). */
export const PHONE_SETTLE_MS = 500;

export class PhoneInput {
  codes = $state.raw<CallingCode[]>([]);
  /** The picker's region (unique, unlike calling codes: +1 is shared). */
  region = $state<string | null>(null);
  national = $state("");
  /** The number in E.164 form once the Rust rule accepted the current input; null otherwise. */
  e164 = $state<string | null>(null);
  error = $state<ApiError | null>(null);
  /** The user paused typing or left the field since the last keystroke. */
  settled = $state(false);

  callingCode = $derived(callingCodeOf(this.codes, this.region));
  showError = $derived(showPhoneError({ national: this.national, hasError: this.error !== null, settled: this.settled }));

  #seq = 0;
  #check = debounce(() => void this.#run(), PHONE_CHECK_DEBOUNCE_MS);
  #settle = debounce(() => {
    this.settled = true;
  }, PHONE_SETTLE_MS);

  setCodes(codes: CallingCode[]): void {
    this.codes = codes;
    if (this.region === null || !codes.some((c) => c.region === this.region)) {
      this.region = defaultCallingRegion(codes);
    }
    if (!isBlank(this.national)) void this.#run();
  }

  input(value: string): void {
    this.national = value;
    this.e164 = null;
    this.settled = false;
    this.#check();
    this.#settle();
  }

  selectRegion(region: string | null): void {
    if (region === null || region === this.region) return;
    this.region = region;
    this.e164 = null;
    this.#check.cancel();
    void this.#run();
  }

  blur(): void {
    this.#check.flush();
    this.#settle.cancel();
    this.settled = true;
  }

  dispose(): void {
    this.#check.cancel();
    this.#settle.cancel();
  }

  async #run(): Promise<void> {
    const seq = ++this.#seq;
    const code = this.callingCode;
    const national = this.national;
    if (code === null || isBlank(national)) {
      this.e164 = null;
      this.error = null;
      return;
    }
    try {
      const answer = await checkPhone(code, national);
      if (seq !== this.#seq) return;
      this.e164 = answer.e164;
      this.error = answer.e164 === null ? (answer.error ?? { code: "invalid_format", message: "Invalid format" }) : null;
    } catch (e) {
      if (seq !== this.#seq) return;
      this.e164 = null;
      this.error = toApiError(e);
    }
  }
}
