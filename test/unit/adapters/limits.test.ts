import { describe, expect, it } from "vitest";
import { destinationLimits } from "../../../src/adapters/limits.js";
import { destinationSchema } from "../../../src/adapters/schema.js";

const QBO = { kind: "quickbooks", realmId: "9130350000000001", clientId: "c", clientSecret: "s", refreshToken: "r" };
const SHIPBOB = { kind: "shipbob", token: "t", channelId: 1 };
const HTTP = { kind: "http", url: "https://example.com/hook" };
const parse = (input: object) => destinationSchema.parse(input);

describe("destination limits", () => {
  it("gives QuickBooks its published limits by default, shared by every destination on one company", () => {
    expect(destinationLimits("books", parse(QBO))).toEqual({
      key: "quickbooks:quickbooks.api.intuit.com:9130350000000001",
      windows: [
        { requests: 500, perMs: 60_000 },
        { requests: 10, perMs: 1000 },
      ],
      inFlight: 10,
    });
  });

  it("gives ShipBob 150 a minute, and http and odoo nothing unless declared", () => {
    expect(destinationLimits("wms", parse(SHIPBOB))).toEqual({
      key: "destination:wms",
      windows: [{ requests: 150, perMs: 60_000 }],
      inFlight: undefined,
    });
    expect(destinationLimits("hook", parse(HTTP))).toBeUndefined();
  });

  it("takes declared limits instead of the default, and `false` for none", () => {
    const declared = parse({ ...QBO, limits: { requests: 20, per: "2s", inFlight: 3, key: "sandbox" } });
    expect(destinationLimits("books", declared)).toEqual({ key: "sandbox", windows: [{ requests: 20, perMs: 2000 }], inFlight: 3 });
    expect(destinationLimits("books", parse({ ...QBO, limits: false }))).toBeUndefined();
    const http = parse({ ...HTTP, limits: { inFlight: 2, also: [{ requests: 5, per: "1s" }] } });
    expect(destinationLimits("hook", http)).toEqual({ key: "destination:hook", windows: [{ requests: 5, perMs: 1000 }], inFlight: 2 });
  });

  it("refuses a rate without its window, an empty declaration and an unreadable window", () => {
    // The object's own problems (the routing table's loader shows the union's fitting member).
    const problems = (limits: unknown) =>
      (destinationSchema.safeParse({ ...HTTP, limits }).error?.issues ?? [])
        .flatMap((issue) => (issue.code === "invalid_union" ? issue.errors.flat() : [issue]))
        .filter((issue) => issue.code !== "invalid_value")
        .map((issue) => issue.message);
    expect(problems({ requests: 10 })).toEqual(["requests and per go together: e.g. requests: 150, per: 1m"]);
    expect(problems({})).toEqual(["declare requests + per, inFlight, or both (limits: false turns them off)"]);
    expect(problems({ requests: 10, per: "soon" })[0]).toMatch(/expected a window such as "1s"/);
    expect(problems({ requests: 10, per: "1m", burst: 3 }).length).toBe(1);
  });
});
