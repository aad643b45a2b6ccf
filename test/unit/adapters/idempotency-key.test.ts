import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { idempotencyKeyFor } from "../../../src/adapters/idempotency-key.js";

const sha256 = (text: string) => `sha256-${createHash("sha256").update(Buffer.from(text, "utf8")).digest("hex")}`;

describe("the idempotency header's value for an event id", () => {
  it.each(["evt_ord_7f3a91", "72d3162e-cc78-11e3-81ab-4c9367dc0958", "a b", '~!@#$%^&*()_+{}|:"<>?', "x"])(
    "is the id itself when it is visible ASCII: %j",
    (id) => {
      expect(idempotencyKeyFor(id)).toBe(id);
    },
  );

  it.each(["订单-1", "ord-🚚", "ctl-\u0007-1", "line\nbreak", "tab\there", "é", " leading", "trailing ", "del\u007f"])(
    "is sha256- and the hex digest of the UTF-8 bytes for %j",
    (id) => {
      expect(idempotencyKeyFor(id)).toBe(sha256(id));
      expect(idempotencyKeyFor(id)).toMatch(/^sha256-[0-9a-f]{64}$/);
    },
  );

  it("is the same on every retry and differs between ids", () => {
    expect(idempotencyKeyFor("订单-1")).toBe(idempotencyKeyFor("订单-1"));
    expect(idempotencyKeyFor("订单-1")).not.toBe(idempotencyKeyFor("订单-2"));
  });
});
