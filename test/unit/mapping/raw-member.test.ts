import { describe, expect, it } from "vitest";
import { rawMemberText } from "../../../src/mapping/raw-member.js";

const data = (json: string) => rawMemberText(json, "data");

describe("finding a top-level member's JSON text", () => {
  it("return the value's exact text, numbers as written", () => {
    expect(data('{"id":"e","data":{"n":18446744073709551617,"x":1e400,"k":1.50}}')).toBe('{"n":18446744073709551617,"x":1e400,"k":1.50}');
    expect(data('{"data":-0.0e-0}')).toBe("-0.0e-0");
    expect(data('{"data":"text"}')).toBe('"text"');
    expect(data('{"data":null,"b":1}')).toBe("null");
  });

  it("keep the value's inner whitespace and drop the whitespace around it", () => {
    expect(data('{ "id" : 1 ,\n "data" :\t[ 1 , { "a" : 2 } ] \n}')).toBe('[ 1 , { "a" : 2 } ]');
  });

  it("skip strings whose escapes or content look like structure", () => {
    const json = String.raw`{"s":"\"data\":1,}{[","t":"\\","data":{"q":"a\"}]\\","u":"\u00e9"}}`;
    expect(data(json)).toBe(String.raw`{"q":"a\"}]\\","u":"\u00e9"}`);
  });

  it("ignore members named data inside other members", () => {
    expect(data('{"meta":{"data":1},"list":[{"data":2}],"data":3}')).toBe("3");
    expect(data('{"meta":{"data":1}}')).toBeUndefined();
  });

  it("match a key written with escapes, and take the last of repeated keys as JSON.parse does", () => {
    expect(data('{"d\\u0061ta":[1]}')).toBe("[1]");
    expect(data('{"data":1,"data":2}')).toBe("2");
  });

  it("give up (undefined) on anything that is not an object", () => {
    expect(data("[1]")).toBeUndefined();
    expect(data('"data"')).toBeUndefined();
    expect(data('{"data":')).toBeUndefined();
    expect(data('{"data" 1}')).toBeUndefined();
  });

  it("scan deeply nested values without recursion", () => {
    const nested = `${"[".repeat(100_000)}${"]".repeat(100_000)}`;
    expect(data(`{"data":${nested},"z":1}`)).toBe(nested);
  });
});
