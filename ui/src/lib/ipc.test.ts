import { describe, expect, it } from "vitest";
import { isApiError, toApiError } from "./ipc";

describe("toApiError", () => {
  it("passes an ApiError from the Rust side through", () => {
    const e = { code: "invalid_code", message: "This activation code is not valid." };
    expect(toApiError(e)).toBe(e);
    const withField = { code: "invalid_format", message: "Invalid format", field: "first_name" };
    expect(toApiError(withField)).toEqual(withField);
  });

  it("wraps anything else as an internal error with a readable message", () => {
    expect(toApiError("command login not found")).toEqual({ code: "internal", message: "command login not found" });
    expect(toApiError(new Error("boom"))).toEqual({ code: "internal", message: "boom" });
    expect(toApiError(undefined).code).toBe("internal");
    expect(toApiError(undefined).message).not.toBe("");
  });

  it("recognises the ApiError shape", () => {
    expect(isApiError({ code: "network", message: "x" })).toBe(true);
    expect(isApiError({ code: "", message: "x" })).toBe(false);
    expect(isApiError({ message: "x" })).toBe(false);
    expect(isApiError(null)).toBe(false);
  });
});
