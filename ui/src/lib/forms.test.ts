import { describe, expect, it } from "vitest";
import type { CallingCode } from "./bindings/CallingCode";
import {
  callingCodeOf,
  canCompleteFirstLogin,
  canLogin,
  canRequestCode,
  defaultCallingRegion,
  isCompleteCode,
  normaliseCode,
  showPhoneError,
} from "./forms";

const ok = { serverUrl: "https://parley.example.com", e164: "+447700900123", code: "123456", busy: false };

describe("activation code", () => {
  it("keeps digits only, at most six", () => {
    expect(normaliseCode("12 34-56")).toBe("123456");
    expect(normaliseCode("1234567")).toBe("123456");
    expect(normaliseCode("abc")).toBe("");
    expect(normaliseCode(" 0042 ")).toBe("0042");
  });

  it("is complete with exactly six digits", () => {
    expect(isCompleteCode("123456")).toBe(true);
    expect(isCompleteCode("000000")).toBe(true);
    expect(isCompleteCode("12345")).toBe(false);
    expect(isCompleteCode("1234567")).toBe(false);
    expect(isCompleteCode("12345a")).toBe(false);
  });
});

describe("canLogin", () => {
  it("is enabled with a server, a checked phone and six digits", () => {
    expect(canLogin(ok)).toBe(true);
  });

  it("waits for the phone check (no E.164 yet, or invalid)", () => {
    expect(canLogin({ ...ok, e164: null })).toBe(false);
    expect(canLogin({ ...ok, e164: "" })).toBe(false);
  });

  it("needs six digits", () => {
    expect(canLogin({ ...ok, code: "12345" })).toBe(false);
    expect(canLogin({ ...ok, code: "" })).toBe(false);
  });

  it("needs a server URL", () => {
    expect(canLogin({ ...ok, serverUrl: "   " })).toBe(false);
  });

  it("is disabled while a login is in flight", () => {
    expect(canLogin({ ...ok, busy: true })).toBe(false);
  });
});

describe("canRequestCode", () => {
  it("needs a server and a valid phone, not a code", () => {
    expect(canRequestCode({ serverUrl: ok.serverUrl, e164: ok.e164, busy: false })).toBe(true);
    expect(canRequestCode({ serverUrl: ok.serverUrl, e164: null, busy: false })).toBe(false);
    expect(canRequestCode({ serverUrl: "", e164: ok.e164, busy: false })).toBe(false);
    expect(canRequestCode({ serverUrl: ok.serverUrl, e164: ok.e164, busy: true })).toBe(false);
  });
});

describe("canCompleteFirstLogin", () => {
  const names = { firstName: "Ada", lastName: "Lovelace", acceptTerms: true, busy: false };

  it("needs both names and the terms", () => {
    expect(canCompleteFirstLogin(names)).toBe(true);
    expect(canCompleteFirstLogin({ ...names, acceptTerms: false })).toBe(false);
    expect(canCompleteFirstLogin({ ...names, firstName: "" })).toBe(false);
    expect(canCompleteFirstLogin({ ...names, lastName: "" })).toBe(false);
  });

  it("treats whitespace-only names as blank", () => {
    expect(canCompleteFirstLogin({ ...names, firstName: "   " })).toBe(false);
    expect(canCompleteFirstLogin({ ...names, lastName: "\t" })).toBe(false);
  });

  it("is disabled while saving", () => {
    expect(canCompleteFirstLogin({ ...names, busy: true })).toBe(false);
  });
});

describe("showPhoneError", () => {
  it("never shows for an empty field", () => {
    expect(showPhoneError({ national: "", hasError: true, settled: true })).toBe(false);
    expect(showPhoneError({ national: "  ", hasError: true, settled: true })).toBe(false);
  });

  it("waits until the user paused or left the field", () => {
    expect(showPhoneError({ national: "12", hasError: true, settled: false })).toBe(false);
    expect(showPhoneError({ national: "12", hasError: true, settled: true })).toBe(true);
  });

  it("shows nothing for a valid number", () => {
    expect(showPhoneError({ national: "7700900123", hasError: false, settled: true })).toBe(false);
  });
});

describe("calling code picker", () => {
  const codes: CallingCode[] = [
    { region: "CA", name: "Canada", code: "+1" },
    { region: "FR", name: "France", code: "+33" },
    { region: "GB", name: "United Kingdom", code: "+44" },
    { region: "US", name: "United States", code: "+1" },
  ];

  it("starts on +1, the United States when listed", () => {
    expect(defaultCallingRegion(codes)).toBe("US");
  });

  it("falls back to the first +1 region, then to the first entry", () => {
    expect(defaultCallingRegion(codes.filter((c) => c.region !== "US"))).toBe("CA");
    expect(defaultCallingRegion(codes.filter((c) => c.code !== "+1"))).toBe("FR");
    expect(defaultCallingRegion([])).toBeNull();
  });

  it("maps a region to its code", () => {
    expect(callingCodeOf(codes, "GB")).toBe("+44");
    expect(callingCodeOf(codes, "CA")).toBe("+1");
    expect(callingCodeOf(codes, "ZZ")).toBeNull();
    expect(callingCodeOf(codes, null)).toBeNull();
  });
});
