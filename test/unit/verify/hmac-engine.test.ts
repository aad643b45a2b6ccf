import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { VerificationConfig } from "../../../src/verify/index.js";
import { createSigner, createVerifier, verificationSchema } from "../../../src/verify/index.js";
import { createHmacVerifier } from "../../../src/verify/hmac.js";
import { failureOf, NOW, request } from "./harness.js";

const BODY = Buffer.from('{"id":"evt_1"}');
const T = Math.floor(NOW / 1000);
const hex = (secret: string, content: string) => createHmac("sha256", secret).update(content).digest("hex");
const verifierFor = (input: unknown) => createVerifier(verificationSchema.parse(input));

describe("the HMAC engine", () => {
  it("accepts a kv header when any of several v1 entries matches, ignoring other keys", () => {
    const verifier = verifierFor({ preset: "stripe", secret: "whsec_a" });
    const good = hex("whsec_a", `${T}.${BODY}`);
    const header = `t=${T}, v0=${"0".repeat(64)}, v1=${"1".repeat(64)}, v1=${good}`;
    expect(failureOf(verifier, request(BODY, { "stripe-signature": header }))).toBeUndefined();
  });

  it("accepts hex digits in upper case", () => {
    const verifier = verifierFor({ preset: "github", secret: "gh" });
    const headers = { "x-hub-signature-256": `sha256=${hex("gh", BODY.toString()).toUpperCase()}` };
    expect(failureOf(verifier, request(BODY, headers))).toBeUndefined();
  });

  it("refuses base64 with altered spare bits, which Buffer.from would decode to the same digest", () => {
    const verifier = verifierFor({ preset: "shopify", secret: "shp" });
    const good = createHmac("sha256", "shp").update(BODY).digest("base64"); // 43 characters and "="
    const last = good[42] ?? "A";
    const twin = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const altered = twin[(twin.indexOf(last) & ~3) | ((twin.indexOf(last) + 1) & 3)] ?? "A";
    const forged = `${good.slice(0, 42)}${altered}=`;
    expect(Buffer.from(forged, "base64")).toEqual(Buffer.from(good, "base64"));
    expect(failureOf(verifier, request(BODY, { "x-shopify-hmac-sha256": forged }))?.reason).toBe("malformed_signature");
  });

  it("signs and checks the id and the timestamp of the generic preset", () => {
    const config = verificationSchema.parse({
      preset: "hmac",
      secret: "k",
      header: "x-sig",
      signedContent: "{id}.{timestamp}.{body}",
      timestampHeader: "x-ts",
      idHeader: "x-id",
    });
    const signed = createSigner(config).sign(BODY, NOW);
    expect(signed["x-sig"]).toBe(hex("k", `${signed["x-id"]}.${T}.${BODY}`));
    expect(signed["x-ts"]).toBe(String(T));
    expect(failureOf(createVerifier(config), request(BODY, { ...signed, "x-id": "msg_other" }))?.reason).toBe("bad_signature");
  });

  it("checks the signature before the timestamp, so a stale forgery counts as bad_signature", () => {
    const verifier = verifierFor({ preset: "tracktile", secret: "tt" });
    const header = `t=${T - 10_000},v1=${"0".repeat(64)}`;
    expect(failureOf(verifier, request(BODY, { "x-tracktile-signature": header }))?.reason).toBe("bad_signature");
  });

  it("names the header in its messages the way the sender's docs write it", () => {
    const verifier = verifierFor({ preset: "tracktile", secret: "tt" });
    expect(failureOf(verifier, request(BODY, {}))?.message).toBe("missing X-Tracktile-Signature header");
  });

  it("refuses at construction a scheme without any secret", () => {
    const config = { preset: "github", secrets: [] } as unknown as VerificationConfig;
    expect(() => createVerifier(config)).toThrow("at least one non-empty secret is required");
    expect(() => createSigner(config)).toThrow("at least one non-empty secret is required");
  });

  it("refuses at construction settings that contradict each other", () => {
    const settings = {
      header: "x-sig",
      algorithm: "sha256",
      encoding: "hex",
      format: { kind: "plain", prefix: "" },
      signedContent: "{timestamp}.{body}",
      toleranceSeconds: 300,
    } as const;
    expect(() => createHmacVerifier(settings, [Buffer.from("k")])).toThrow(/no timestampHeader/);
  });
});
