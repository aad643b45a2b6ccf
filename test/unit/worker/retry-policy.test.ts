import { describe, expect, it } from "vitest";
import { retryDelay } from "../../../src/worker/retry-policy.js";

const policy = { attempts: 10, baseDelay: 1000, maxDelay: 60_000, jitter: 0 };

describe("retry delays", () => {
  it("double from the base delay with each attempt", () => {
    expect([2, 3, 4, 5].map((next) => retryDelay(policy, next))).toEqual([1000, 2000, 4000, 8000]);
  });

  it("stop growing at maxDelay", () => {
    expect(retryDelay(policy, 20)).toBe(60_000);
  });

  it("spread by ± jitter around the exponential value", () => {
    const jittery = { ...policy, jitter: 0.2 };
    expect(retryDelay(jittery, 3, undefined, () => 0)).toBe(1600);
    expect(retryDelay(jittery, 3, undefined, () => 1)).toBe(2400);
  });

  it("wait at least as long as the target's Retry-After, capped at maxDelay", () => {
    expect(retryDelay(policy, 2, 30_000)).toBe(30_000);
    expect(retryDelay(policy, 2, 3_600_000)).toBe(60_000);
    expect(retryDelay(policy, 5, 10)).toBe(8000);
  });
});
