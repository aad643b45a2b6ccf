import { describe, expect, it } from "vitest";
import { verificationSchema } from "../../../src/verify/index.js";

const ALL_PRESETS = "tracktile, stripe, github, shopify, slack, hmac, standard-webhooks, tracktik, header-token, basic";

function problems(input: unknown): string[] {
  const result = verificationSchema.safeParse(input);
  if (result.success) throw new Error(`expected ${JSON.stringify(input)} to be refused`);
  return result.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
}

describe("verify: block schema", () => {
  it("refuses an unknown preset, naming the presets it knows", () => {
    expect(problems({ preset: "stripey", secret: "s" })).toEqual([`preset: unknown preset "stripey"; expected one of: ${ALL_PRESETS}`]);
  });

  it("refuses a block without a preset, naming the presets it knows", () => {
    expect(problems({ secret: "s" })).toEqual([`preset: preset is required; expected one of: ${ALL_PRESETS}`]);
  });

  it("refuses a misspelt key instead of ignoring it", () => {
    expect(problems({ preset: "tracktile", secret: "s", tolerenceSeconds: 60 })).toEqual([': Unrecognized key: "tolerenceSeconds"']);
  });

  it.each([
    ["no secret at all", { preset: "github" }, "secret"],
    ["an empty secret list", { preset: "github", secrets: [] }, "secrets"],
    ["only empty secrets", { preset: "github", secrets: ["", ""] }, "secrets"],
    ["an empty shorthand secret", { preset: "github", secret: "" }, "secret"],
  ])("refuses %s", (_label, input, path) => {
    expect(problems(input)).toEqual([`${path}: at least one non-empty secret is required`]);
  });

  it("takes the secret shorthand as a one-secret list", () => {
    expect(verificationSchema.parse({ preset: "github", secret: "s3cret" })).toEqual({ preset: "github", secrets: ["s3cret"] });
  });

  it("drops an unset rotation slot that interpolated to an empty string", () => {
    expect(verificationSchema.parse({ preset: "shopify", secrets: ["current", ""] })).toMatchObject({ secrets: ["current"] });
  });

  it("refuses secret and secrets together", () => {
    expect(problems({ preset: "github", secret: "a", secrets: ["b"] })).toEqual(["secret: use either secret or secrets, not both"]);
  });

  it("lower-cases header names and refuses what cannot be one", () => {
    expect(verificationSchema.parse({ preset: "tracktik", secret: "s", header: "X-My-Secret" })).toMatchObject({
      header: "x-my-secret",
    });
    expect(problems({ preset: "tracktik", secret: "s", header: "X My Secret" })).toEqual(["header: expected an HTTP header name"]);
  });

  it.each([
    ["tracktile", { header: "x-tracktile-signature", toleranceSeconds: 300 }],
    ["stripe", { header: "stripe-signature", toleranceSeconds: 300 }],
    ["slack", { toleranceSeconds: 300 }],
    ["tracktik", { header: "x-tracktik-secret" }],
    ["header-token", { header: "authorization" }],
  ])("fills in the documented defaults of %s", (preset, defaults) => {
    expect(verificationSchema.parse({ preset, secret: "s" })).toEqual({ preset, secrets: ["s"], ...defaults });
  });

  it("fills in the documented defaults of the generic hmac preset", () => {
    expect(verificationSchema.parse({ preset: "hmac", secret: "s", header: "X-Signature" })).toEqual({
      preset: "hmac",
      secrets: ["s"],
      header: "x-signature",
      algorithm: "sha256",
      encoding: "hex",
      format: "plain",
      signedContent: "{body}",
      toleranceSeconds: 300,
    });
  });

  it("refuses a tolerance that is not a positive whole number of seconds", () => {
    expect(problems({ preset: "stripe", secret: "s", toleranceSeconds: 0 })[0]).toMatch(/^toleranceSeconds: /);
    expect(problems({ preset: "stripe", secret: "s", toleranceSeconds: 1.5 })[0]).toMatch(/^toleranceSeconds: /);
  });

  it("requires a username without ':' for basic", () => {
    expect(problems({ preset: "basic", secret: "pw" })[0]).toMatch(/^username: /);
    expect(problems({ preset: "basic", secret: "pw", username: "a:b" })).toEqual(["username: a Basic username can't contain ':'"]);
  });

  it("refuses a standard-webhooks secret that is not whsec_<base64>", () => {
    expect(problems({ preset: "standard-webhooks", secrets: ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "plain"] })).toEqual([
      "secrets.1: a Standard Webhooks secret must look like whsec_<base64>",
    ]);
  });
});

describe("generic hmac settings that contradict each other", () => {
  const base = { preset: "hmac", secret: "s", header: "x-signature" };
  it.each([
    [{ signedContent: "{ts}.{body}" }, "signedContent has an unknown placeholder {ts}; known: {body}, {timestamp}, {id}"],
    [{ signedContent: "{timestamp}", timestampHeader: "x-ts" }, "signedContent must contain {body}"],
    [{ signedContent: "{timestamp}.{body}" }, "signedContent uses {timestamp} but there is no timestampHeader (or format kv)"],
    [{ timestampHeader: "x-ts" }, "the timestamp is not in signedContent, so it is not signed and can't stop replays; add {timestamp}"],
    [{ format: "kv" }, "the timestamp is not in signedContent, so it is not signed and can't stop replays; add {timestamp}"],
    [{ format: "kv", signedContent: "{timestamp}.{body}", timestampKey: "v1" }, "timestampKey and signatureKey must differ"],
    [{ idHeader: "x-id" }, "idHeader and an {id} placeholder in signedContent go together"],
    [{ signedContent: "{id}.{body}" }, "idHeader and an {id} placeholder in signedContent go together"],
  ])("refuses %j", (settings, message) => {
    expect(problems({ ...base, ...settings })).toEqual([`: ${message}`]);
  });

  it("refuses options of the other format", () => {
    expect(problems({ ...base, format: "kv", signedContent: "{timestamp}.{body}", prefix: "sha256=" })).toEqual([
      "prefix: prefix applies only to format plain",
    ]);
    expect(problems({ ...base, timestampKey: "ts" })).toEqual(["timestampKey: timestampKey applies only to format kv"]);
  });
});
