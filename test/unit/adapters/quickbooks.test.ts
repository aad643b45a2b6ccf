import { describe, expect, it } from "vitest";
import { describeFault, isExpiredToken, kindForFault, readFault } from "../../../src/adapters/quickbooks/fault.js";
import { requestIdFor } from "../../../src/adapters/quickbooks/request-id.js";
import { Scrubber } from "../../../src/adapters/scrub.js";

describe("requestIdFor", () => {
  it("is readable when route and event ids fit in 50 characters", () => {
    expect(requestIdFor("orders-to-qbo", "evt-123")).toBe("orders-to-qbo:evt-123");
  });
  it("hashes to 40 hex characters when they do not, deterministically", () => {
    const id = requestIdFor("orders-to-qbo", "f47ac10b-58cc-4372-a567-0e02b2c3d479-and-more");
    expect(id).toMatch(/^[0-9a-f]{40}$/);
    expect(requestIdFor("orders-to-qbo", "f47ac10b-58cc-4372-a567-0e02b2c3d479-and-more")).toBe(id);
  });
  it("differs per route for the same event", () => {
    expect(requestIdFor("a", "evt-1")).not.toBe(requestIdFor("b", "evt-1"));
  });
  it("hashes ids with characters QuickBooks might not accept", () => {
    expect(requestIdFor("r", "evt/1 2")).toMatch(/^[0-9a-f]{40}$/);
  });
});

describe("QuickBooks Fault", () => {
  it("reads Fault/Error in any casing", () => {
    expect(readFault({ fault: { error: [{ message: "m", detail: "d", code: "3200" }], type: "AUTHENTICATION" } })).toEqual({
      type: "AUTHENTICATION",
      errors: [{ message: "m", detail: "d", code: "3200", element: "" }],
    });
    expect(readFault({ Fault: { Error: [{ Message: "m", code: 6000 }], type: "ValidationFault" } })?.errors[0]?.code).toBe("6000");
    expect(readFault({ Invoice: { Id: "1" } })).toBeUndefined();
  });

  it.each([
    ["ValidationFault", "permanent"],
    ["SystemFault", "transient"],
    ["AuthenticationFault", "credentials"],
    ["AuthorizationFault", "credentials"],
    ["AUTHENTICATION", "credentials"],
    ["SomethingNew", undefined],
  ])("%s is %s", (type, kind) => {
    expect(kindForFault({ type, errors: [] })).toBe(kind);
  });

  it("recognizes an expired token by code 3200", () => {
    expect(isExpiredToken({ type: "AUTHENTICATION", errors: [{ message: "", detail: "", code: "3200", element: "" }] })).toBe(true);
    expect(
      isExpiredToken({
        type: "x",
        errors: [{ message: "message=AuthenticationFailed; errorCode=003200; statusCode=401", detail: "", code: "", element: "" }],
      }),
    ).toBe(true);
    expect(isExpiredToken({ type: "ValidationFault", errors: [{ message: "", detail: "", code: "6000", element: "" }] })).toBe(false);
  });

  it("describes the first error with its element", () => {
    const fault = {
      type: "ValidationFault",
      errors: [{ message: "Invalid Reference Id", detail: "Item 27 inactive", code: "2500", element: "Line.ItemRef" }],
    };
    expect(describeFault(fault, new Scrubber())).toBe("ValidationFault 2500: Invalid Reference Id: Item 27 inactive: element Line.ItemRef");
  });
});
