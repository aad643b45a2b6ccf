import { describe, expect, it } from "vitest";
import { jsonDiff } from "../../../src/mapping/json-diff.js";

describe("the diff `check` prints for a failing example", () => {
  it("is empty for equal documents", () => {
    expect(jsonDiff({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toEqual([]);
  });

  it("names each differing path with both values", () => {
    expect(jsonDiff({ Line: [{ Amount: 62.5 }], Doc: "PO-1" }, { Line: [{ Amount: 60 }], Doc: "PO-1", Extra: true })).toEqual([
      "Line[0].Amount: expected 62.5, got 60",
      "Extra: unexpected true",
    ]);
  });

  it("reports missing array items and keys", () => {
    expect(jsonDiff({ a: [1, 2], b: 1 }, { a: [1] })).toEqual(["a[1]: missing (expected 2)", "b: missing (expected 1)"]);
  });
});
