import { describe, expect, it } from "vitest";
import { lag } from "../../../console/src/lag.js";

describe("a polling source's lag on the console", () => {
  it("reads in the largest unit that fits, hours with their minutes", () => {
    expect([0, 59, 60, 594, 3599, 3600, 11_100, 86_399, 86_400, 40_000_000].map(lag)).toEqual([
      "0 s",
      "59 s",
      "1 min",
      "9 min",
      "59 min",
      "1 h 0 min",
      "3 h 5 min",
      "23 h 59 min",
      "1 d",
      "462 d",
    ]);
  });

  it("is a dash when no item has been seen yet", () => {
    expect(lag(null)).toBe("—");
  });
});
