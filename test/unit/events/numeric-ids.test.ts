import { describe, expect, it } from "vitest";
import type { Source } from "../../../src/config/load-routes.js";
import { sourceSchema } from "../../../src/config/source-schema.js";
import { createNormalizer } from "../../../src/events/normalize.js";
import { rawNumberAt } from "../../../src/events/raw-number.js";

function normalizerFor(event: Record<string, unknown>) {
  const parsed = sourceSchema.parse({ verify: { preset: "header-token", secret: "x" }, event: { type: "url", ...event } });
  return createNormalizer({ ...parsed, id: "src", file: "test" } as Source);
}
const normalize = (selector: string, body: string) =>
  normalizerFor({ id: [selector, "hash"], subject: selector })({
    rawBody: Buffer.from(body),
    headers: {},
    urlEventName: "x.y",
    receivedAt: new Date(),
  });

describe("numeric ids are taken from the body's text, digit for digit", () => {
  it("tells 18446744073709551617 from 18446744073709551616", () => {
    expect(normalize("body:id", '{"id":18446744073709551617}').id).toBe("18446744073709551617");
    expect(normalize("body:id", '{"id":18446744073709551616}').id).toBe("18446744073709551616");
  });

  it.each([
    ["1.0", "1.0"],
    ["1e3", "1e3"],
    ["1E+3", "1E+3"],
    ["-0", "-0"],
    ["-12.50", "-12.50"],
    ["9007199254740993", "9007199254740993"],
    ["1e400", "1e400"],
  ])("the number %s becomes the id %j", (number, id) => {
    expect(normalize("body:id", `{ "id" : ${number} }`)).toMatchObject({ id, subject: id });
  });

  it("follows nested objects and array indexes", () => {
    const body = '{"data":{"items":[{"id":1},{"id":123456789012345678901}],"order":{"id":98765432109876543210}}}';
    expect(normalize("body:data.order.id", body).id).toBe("98765432109876543210");
    expect(normalize("body:data.items.1.id", body).id).toBe("123456789012345678901");
  });

  it("is not misled by look-alike keys inside strings, nested objects or escaped keys", () => {
    const body = '{"note":"\\"id\\":1, {[","inner":{"id":2},"\\u0069d":18446744073709551617}';
    expect(normalize("body:id", body).id).toBe("18446744073709551617");
  });

  it("takes the last of duplicate keys, as JSON.parse does", () => {
    expect(normalize("body:id", '{"id":1,"id":18446744073709551617}').id).toBe("18446744073709551617");
  });

  it("leaves string ids as they are", () => {
    expect(normalize("body:id", '{"id":"18446744073709551617"}').id).toBe("18446744073709551617");
  });
});

describe("rawNumberAt", () => {
  it.each([
    ['{"a":[1,2,{"b":3}]}', ["a", "2", "b"], "3"],
    ["[10, 20]", ["1"], "20"],
    ['{"a":"ends in a backslash \\\\","id":5}', ["id"], "5"],
    ['{"a":"\\"id\\":7","id":8}', ["id"], "8"],
    ['{"a":"1"}', ["a"], undefined],
    ['{"a":true}', ["a"], undefined],
    ['{"a":[1]}', ["a", "3"], undefined],
    ['{"a":[1]}', ["a", "01"], undefined],
    ['{"b":1}', ["a"], undefined],
  ])("in %s at %j finds %j", (text, path, expected) => {
    expect(rawNumberAt(text, path)).toBe(expected);
  });
});
