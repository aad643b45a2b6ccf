import { describe, expect, it } from "vitest";
import { canonicalJson, fingerprint } from "../../../src/mapping/fingerprint.js";

describe("the fingerprint of a record's field values", () => {
  it("is the same whatever order an object's keys come in", () => {
    const written = [{ line1: "100 Main St", city: "Springfield", country: "US" }];
    const reported = [{ country: "US", city: "Springfield", line1: "100 Main St" }];
    expect(fingerprint(reported)).toBe(fingerprint(written));
  });

  it("is the same however a number was written in the JSON it was parsed from", () => {
    const parsed = (text: string) => JSON.parse(text) as unknown[];
    expect(fingerprint(parsed("[12.50, 100, -0]"))).toBe(fingerprint(parsed("[12.5, 1e2, 0]")));
    expect(fingerprint(parsed('[{"price": 1.25e1}]'))).toBe(fingerprint(parsed('[{"price": 12.5000}]')));
  });

  it("treats a member that is null like one that is absent, and a field with no value as null", () => {
    expect(fingerprint([{ name: "Acme", phone: null }])).toBe(fingerprint([{ name: "Acme" }]));
    expect(fingerprint([undefined, "x"])).toBe(fingerprint([null, "x"]));
  });

  it("differs when any value differs, or the same values come in another field order", () => {
    const base = fingerprint(["Acme Foods", "ap@acme.example", "+1 555 0100"]);
    expect(fingerprint(["Acme Foods", "ap@acme.example", "+1 555 0199"])).not.toBe(base);
    expect(fingerprint(["ap@acme.example", "Acme Foods", "+1 555 0100"])).not.toBe(base);
  });

  it("keeps a number and the text of its digits apart, and false apart from null", () => {
    expect(fingerprint([12.5])).not.toBe(fingerprint(["12.5"]));
    expect(fingerprint([false])).not.toBe(fingerprint([null]));
  });

  it("is a hex SHA-256 of JSON with sorted keys", () => {
    expect(canonicalJson([{ b: 1, a: [true, null, "é"] }])).toBe('[{"a":[true,null,"é"],"b":1}]');
    expect(fingerprint([])).toMatch(/^[0-9a-f]{64}$/);
  });
});
