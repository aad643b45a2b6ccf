import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { plainCopy } from "../../../src/mapping/plain-copy.js";

const roundTrip = (value: unknown) => JSON.parse(JSON.stringify(value)) as unknown;

/** JSON values, plus what a JSONata result may hold: flagged arrays, undefined, -0, NaN, functions. */
const { value: loose } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    fc.jsonValue({ maxDepth: 2 }),
    fc.constantFrom(undefined, -0, Number.NaN, Number.POSITIVE_INFINITY, () => 1, Symbol("s")),
    fc.array(tie("value"), { maxLength: 4 }).map((items) => Object.assign(items, { sequence: true, keepSingleton: items.length === 1 })),
    fc.dictionary(fc.oneof(fc.string({ maxLength: 4 }), fc.constantFrom("__proto__", "1", "0", "toJSON")), tie("value"), { maxKeys: 4 }),
  ),
}));

describe("plainCopy", () => {
  it("returns what a JSON round trip returns, key order included", () => {
    fc.assert(
      fc.property(loose, (value) => {
        if (value === undefined || typeof value === "function" || typeof value === "symbol") return;
        const copied = plainCopy(value);
        expect(JSON.stringify(copied)).toBe(JSON.stringify(roundTrip(value)));
        expect(copied).toStrictEqual(roundTrip(value));
      }),
      { numRuns: 2000 },
    );
  });

  it("turns -0 into 0 and NaN into null, and drops JSONata's array flags", () => {
    const flagged = Object.assign([1, -0, Number.NaN, undefined], { sequence: true });
    const copied = plainCopy({ a: flagged, b: undefined }) as { a: unknown[] };
    expect(Object.is(copied.a[1], 0)).toBe(true);
    expect(copied).toStrictEqual({ a: [1, 0, null, null] });
    expect(Object.keys(copied.a)).toEqual(["0", "1", "2", "3"]);
  });

  it("copies, so the payload shares nothing with the event", () => {
    const data = { lines: [{ q: 1 }] };
    const copied = plainCopy(data) as typeof data;
    expect(copied).toEqual(data);
    expect(copied.lines).not.toBe(data.lines);
  });

  it("keeps a __proto__ key as data, as JSON.parse does", () => {
    const value = JSON.parse('{"__proto__": {"x": 1}, "y": 2}') as unknown;
    const copied = plainCopy(value) as Record<string, unknown>;
    expect(Object.getPrototypeOf(copied)).toBe(Object.prototype);
    expect(Object.keys(copied)).toEqual(["__proto__", "y"]);
    expect(copied).toStrictEqual(roundTrip(value));
  });

  it("leaves anything JSON treats specially to JSON itself", () => {
    const date = new Date(0);
    expect(plainCopy({ at: date })).toEqual({ at: "1970-01-01T00:00:00.000Z" });
    expect(plainCopy({ custom: { toJSON: () => "custom" } })).toEqual({ custom: "custom" });
    expect(() => plainCopy(10n)).toThrow(TypeError);
  });
});
