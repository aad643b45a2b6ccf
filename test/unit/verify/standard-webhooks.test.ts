import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { createSigner, createVerifier, verificationSchema } from "../../../src/verify/index.js";
import { createStandardWebhooksVerifier } from "../../../src/verify/standard-webhooks.js";
import { failureOf, request } from "./harness.js";

const SECRET = `whsec_${Buffer.from("0123456789abcdef0123456789abcdef").toString("base64")}`;
const OTHER = `whsec_${Buffer.from("fedcba9876543210fedcba9876543210").toString("base64")}`;
const BODY = Buffer.from('{"type":"invoice.paid","data":{"id":"inv_1"}}');
const config = verificationSchema.parse({ preset: "standard-webhooks", secrets: [SECRET, OTHER] });

// The reference library reads the clock itself, so interoperability is checked at the real time.
describe("standard-webhooks and the reference library", () => {
  it("accepts what the reference library signs", () => {
    const now = new Date();
    const headers = {
      "webhook-id": "msg_2b3c4d",
      "webhook-timestamp": String(Math.floor(now.getTime() / 1000)),
      "webhook-signature": new Webhook(SECRET).sign("msg_2b3c4d", now, BODY),
    };
    expect(failureOf(createVerifier(config), request(BODY, headers), now.getTime())).toBeUndefined();
  });

  it("signs what the reference library accepts", () => {
    const headers = createSigner(config).sign(BODY, Date.now());
    expect(() => new Webhook(SECRET).verify(BODY, headers, { jsonParse: false })).not.toThrow();
  });

  it("accepts a header carrying several signatures when any one matches (sender-side rotation)", () => {
    const now = new Date();
    const headers = {
      "webhook-id": "msg_rotating",
      "webhook-timestamp": String(Math.floor(now.getTime() / 1000)),
      "webhook-signature": `v1a,ignored ${new Webhook(`whsec_${Buffer.from("x".repeat(32)).toString("base64")}`).sign("msg_rotating", now, BODY)} ${new Webhook(OTHER).sign("msg_rotating", now, BODY)}`,
    };
    expect(failureOf(createVerifier(config), request(BODY, headers), now.getTime())).toBeUndefined();
  });

  it("gives each signed message a fresh msg_ id", () => {
    const signer = createSigner(config);
    const first = signer.sign(BODY, Date.now())["webhook-id"];
    const second = signer.sign(BODY, Date.now())["webhook-id"];
    expect(first).toMatch(/^msg_[0-9a-f]{32}$/);
    expect(second).not.toBe(first);
  });

  it("rejects bytes the reference library would confuse (it signs the body decoded as UTF-8)", () => {
    const now = Date.now();
    const signed = createSigner(config).sign(Buffer.from([0x7b, 0xff, 0x7d]), now);
    const failure = failureOf(createVerifier(config), request(Buffer.from([0x7b, 0xfe, 0x7d]), signed), now);
    expect(failure?.reason).toBe("bad_signature");
  });
});

describe("standard-webhooks secrets", () => {
  it.each([
    ["without the whsec_ prefix", Buffer.from("0123456789abcdef").toString("base64")],
    ["with invalid base64", "whsec_not*base64"],
    ["with broken padding", "whsec_abc"],
    ["empty after the prefix", "whsec_"],
  ])("refuses at construction a secret %s", (_label, secret) => {
    expect(() => createStandardWebhooksVerifier([secret])).toThrow(/whsec_<base64>/);
    const sensitive = secret.replace(/^whsec_/, "");
    if (sensitive !== "") expect(() => createStandardWebhooksVerifier([secret])).not.toThrow(sensitive);
    const parsed = verificationSchema.safeParse({ preset: "standard-webhooks", secret });
    expect(parsed.success).toBe(false);
  });
});
