// Form rules of the auth screens. Pure functions.

import type { CallingCode } from "./bindings/CallingCode";

export const CODE_LENGTH = 6;
export const DEFAULT_CALLING_CODE = "+1";

/** What the activation code field keeps of what was typed or pasted: digits only, at most 6. */
export function normaliseCode(input: string): string {
  return input.replace(/\D+/g, "").slice(0, CODE_LENGTH);
}

export function isCompleteCode(code: string): boolean {
  return new RegExp(`^\\d{${CODE_LENGTH}}$`).test(code);
}

export function isBlank(s: string | null | undefined): boolean {
  return s === null || s === undefined || s.trim() === "";
}

/** Log in: a server, a phone the Rust rule accepted (E.164 known) and a 6-digit code. */
export function canLogin(f: { serverUrl: string; e164: string | null; code: string; busy: boolean }): boolean {
  return !f.busy && !isBlank(f.serverUrl) && !isBlank(f.e164) && isCompleteCode(f.code);
}

/** New User: a server and a valid phone. */
export function canRequestCode(f: { serverUrl: string; e164: string | null; busy: boolean }): boolean {
  return !f.busy && !isBlank(f.serverUrl) && !isBlank(f.e164);
}

/** First login: both names non-blank and the terms accepted. */
export function canCompleteFirstLogin(f: {
  firstName: string;
  lastName: string;
  acceptTerms: boolean;
  busy: boolean;
}): boolean {
  return !f.busy && !isBlank(f.firstName) && !isBlank(f.lastName) && f.acceptTerms;
}

/** The phone error shows only for a non-empty number, once the user paused or left the field. */
export function showPhoneError(f: { national: string; hasError: boolean; settled: boolean }): boolean {
  return f.hasError && f.settled && !isBlank(f.national);
}

/** The picker's start value: the region for `+1` (the United States when listed), else the
 *  first entry; null for an empty list. */
export function defaultCallingRegion(codes: readonly CallingCode[], code: string = DEFAULT_CALLING_CODE): string | null {
  const withCode = codes.filter((c) => c.code === code);
  const pick = withCode.find((c) => c.region === "US") ?? withCode[0] ?? codes[0];
  return pick ? pick.region : null;
}

/** The calling code of a region of the picker, e.g. "GB" → "+44". */
export function callingCodeOf(codes: readonly CallingCode[], region: string | null): string | null {
  if (region === null) return null;
  return codes.find((c) => c.region === region)?.code ?? null;
}
