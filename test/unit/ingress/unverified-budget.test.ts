import { describe, expect, it } from "vitest";
import { createUnverifiedBudget, SMALL_BODY } from "../../../src/ingress/unverified-budget.js";

const KIB = 1024;

describe("the unverified-bytes budget", () => {
  it("refuses what would pass the cap, and holds nothing for a refusal", () => {
    const budget = createUnverifiedBudget(100 * KIB);
    const a = budget.open();
    expect(a.take(60 * KIB, 60 * KIB)).toBe(true);
    expect(budget.open().take(50 * KIB, 50 * KIB)).toBe(false);
    expect(budget.held).toBe(60 * KIB);
  });

  it("keeps a quarter for small bodies: large ones stop at three quarters", () => {
    const budget = createUnverifiedBudget(400 * KIB);
    expect(budget.open().take(200 * KIB, 200 * KIB)).toBe(true);
    expect(budget.open().take(150 * KIB, 150 * KIB)).toBe(false); // 350 > 300
    expect(budget.open().take(SMALL_BODY, SMALL_BODY)).toBe(true); // small: the whole 400
  });

  it("counts a chunked body as large once it has grown past 64 KiB", () => {
    const budget = createUnverifiedBudget(100 * KIB);
    const chunked = budget.open();
    expect(chunked.take(60 * KIB, 60 * KIB)).toBe(true);
    expect(chunked.take(16 * KIB, 76 * KIB)).toBe(false); // 76 > 75, the large share
    expect(chunked.take(4 * KIB, 64 * KIB)).toBe(true);
  });

  it("gives everything back on release, once, however often it is called", () => {
    const budget = createUnverifiedBudget(100 * KIB);
    const a = budget.open();
    a.take(10 * KIB, 30 * KIB);
    a.take(20 * KIB, 30 * KIB);
    budget.open().take(5 * KIB, 5 * KIB);
    a.release();
    a.release();
    expect(budget.held).toBe(5 * KIB);
  });
});
