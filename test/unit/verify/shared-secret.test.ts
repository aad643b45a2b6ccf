import { describe, expect, it } from "vitest";
import { createSigner, createVerifier, verificationSchema } from "../../../src/verify/index.js";
import { failureOf, NOW, request } from "./harness.js";

const BODY = Buffer.from('{"id":42,"firstName":"Ada"}');
const verifierFor = (input: unknown) => createVerifier(verificationSchema.parse(input));

describe("tracktik (secret in a header the subscriber named)", () => {
  it("reads x-tracktik-secret unless told otherwise", () => {
    const config = verificationSchema.parse({ preset: "tracktik", secret: "s3cret" });
    expect(createSigner(config).sign(BODY, NOW)).toEqual({ "x-tracktik-secret": "s3cret" });
    expect(failureOf(createVerifier(config), request(BODY, { "x-tracktik-secret": "s3cret" }))).toBeUndefined();
  });

  it("rejects a secret that is a prefix or an extension of the real one", () => {
    const verifier = verifierFor({ preset: "tracktik", secret: "s3cret" });
    for (const sent of ["s3cre", "s3crett", "S3CRET"]) {
      expect(failureOf(verifier, request(BODY, { "x-tracktik-secret": sent }))?.reason).toBe("bad_signature");
    }
  });

  it("compares the bytes the sender wrote, also for a non-ASCII secret", () => {
    const verifier = verifierFor({ preset: "tracktik", secret: "clé-secrète" });
    // node:http hands header bytes over as Latin-1 characters.
    const asReceived = Buffer.from("clé-secrète").toString("latin1");
    expect(failureOf(verifier, request(BODY, { "x-tracktik-secret": asReceived }))).toBeUndefined();
  });
});

describe("header-token", () => {
  it("takes the whole header as the token when there is no scheme", () => {
    const verifier = verifierFor({ preset: "header-token", secret: "tok", header: "X-Api-Key" });
    expect(failureOf(verifier, request(BODY, { "x-api-key": "tok" }))).toBeUndefined();
    expect(failureOf(verifier, request(BODY, { "x-api-key": "Bearer tok" }))?.reason).toBe("bad_signature");
  });

  it("matches the scheme case-insensitively", () => {
    const verifier = verifierFor({ preset: "header-token", secret: "tok", scheme: "Bearer" });
    expect(failureOf(verifier, request(BODY, { authorization: "bearer tok" }))).toBeUndefined();
  });

  it("says which scheme it expected when another one is used", () => {
    const verifier = verifierFor({ preset: "header-token", secret: "tok", scheme: "Bearer" });
    const failure = failureOf(verifier, request(BODY, { authorization: "Token tok" }));
    expect(failure?.reason).toBe("malformed_signature");
    expect(failure?.message).toBe("Authorization header does not use the Bearer scheme");
  });
});

describe("basic", () => {
  const verifier = verifierFor({ preset: "basic", username: "tracktile", secrets: ["pw-new", "pw-old"] });
  const basic = (credentials: string) => ({ authorization: `Basic ${Buffer.from(credentials).toString("base64")}` });

  it("accepts the user with any active password, and a lower-case scheme", () => {
    expect(failureOf(verifier, request(BODY, basic("tracktile:pw-old")))).toBeUndefined();
    const lower = { authorization: `basic ${Buffer.from("tracktile:pw-new").toString("base64")}` };
    expect(failureOf(verifier, request(BODY, lower))).toBeUndefined();
  });

  it("accepts a password containing ':'", () => {
    const colon = verifierFor({ preset: "basic", username: "u", secret: "a:b" });
    expect(failureOf(colon, request(BODY, basic("u:a:b")))).toBeUndefined();
  });

  it("rejects a wrong user name or a wrong password alike, without saying which", () => {
    const wrongUser = failureOf(verifier, request(BODY, basic("someone:pw-new")));
    const wrongPassword = failureOf(verifier, request(BODY, basic("tracktile:pw-nope")));
    expect(wrongUser?.reason).toBe("bad_signature");
    expect(wrongPassword?.reason).toBe("bad_signature");
    expect(wrongUser?.message).toBe(wrongPassword?.message);
  });
});
