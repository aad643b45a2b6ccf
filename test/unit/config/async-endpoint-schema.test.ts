import { describe, expect, it } from "vitest";
import { sourceSchema } from "../../../src/config/source-schema.js";

const verify = { preset: "header-token", header: "x-token", secret: "s" };
const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

describe("api.mode async", () => {
  it("takes a callback with a URL or allowRequestUrl, defaulting to https and public addresses only", () => {
    const parsed = sourceSchema.parse({ verify, api: { route: "r", mode: "async", callback: { url: "https://x.example/h", secret } } });
    expect(parsed.api?.callback).toEqual({ url: "https://x.example/h", allowRequestUrl: false, allowHttp: false, allowPrivate: false, secret });
    expect(sourceSchema.parse({ verify, api: { route: "r" } }).api?.mode).toBe("sync");
  });

  it("refuses an async endpoint without a callback, a callback on a sync one, no URL at all, and a secret not whsec_", () => {
    const refused = (api: unknown) => !sourceSchema.safeParse({ verify, api }).success;
    expect(refused({ route: "r", mode: "async" })).toBe(true);
    expect(refused({ route: "r", callback: { url: "https://x.example/h", secret } })).toBe(true);
    expect(refused({ route: "r", mode: "async", callback: { secret } })).toBe(true);
    expect(refused({ route: "r", mode: "async", callback: { url: "https://x.example/h", secret: "plain" } })).toBe(true);
  });
});
