import { describe, expect, it } from "vitest";
import { backoffDelay } from "../../../src/contracts/backoff.js";
import { retryDelay as relayDelay } from "../../../src/spool/retry-delay.js";

const middle = () => 0.5;

describe("capped exponential backoff", () => {
  const backoff = { baseMs: 100, maxMs: 1000, jitter: 0.2 };

  it("doubles from the base and stops at the cap", () => {
    expect([0, 1, 2, 3, 4, 5].map((step) => backoffDelay(backoff, step, middle))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it("spreads each delay by the jitter either way", () => {
    expect(backoffDelay(backoff, 1, () => 0)).toBe(160);
    expect(backoffDelay(backoff, 1, () => 0.999999)).toBe(240);
  });

  it("the spool relay waits 250 ms after its first failure, up to 10 s", () => {
    expect(relayDelay(1, middle)).toBe(250);
    expect(relayDelay(2, middle)).toBe(500);
    expect(relayDelay(20, middle)).toBe(10_000);
  });
});
