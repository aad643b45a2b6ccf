import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { VerificationConfigInput } from "../../../src/verify/index.js";
import { createSigner, createVerifier, verificationSchema } from "../../../src/verify/index.js";
import { failureOf, NOW, request } from "./harness.js";

// Signer and verifier share one engine, so a mistake there would pass every round-trip test.
// Here the expected headers are computed by hand with node:crypto, and published vectors pin both.

const BODY = Buffer.from('{"id":"evt_abc123","kind":"order.status.changed","orderId":"ord_1"}');
const T = Math.floor(NOW / 1000);
const hmac = (secret: string, ...parts: (string | Buffer)[]) => {
  const h = createHmac("sha256", secret);
  for (const part of parts) h.update(part);
  return h.digest();
};

function both(input: VerificationConfigInput) {
  const config = verificationSchema.parse(input);
  return { verifier: createVerifier(config), signer: createSigner(config) };
}

describe.each([
  {
    name: "tracktile",
    config: { preset: "tracktile", secret: "tt-secret" },
    expected: { "x-tracktile-signature": `t=${T},v1=${hmac("tt-secret", `${T}.`, BODY).toString("hex")}` },
  },
  {
    name: "stripe",
    config: { preset: "stripe", secret: "whsec_test" },
    expected: { "stripe-signature": `t=${T},v1=${hmac("whsec_test", `${T}.`, BODY).toString("hex")}` },
  },
  {
    name: "github",
    config: { preset: "github", secret: "gh-secret" },
    expected: { "x-hub-signature-256": `sha256=${hmac("gh-secret", BODY).toString("hex")}` },
  },
  {
    name: "shopify",
    config: { preset: "shopify", secret: "shpss_secret" },
    expected: { "x-shopify-hmac-sha256": hmac("shpss_secret", BODY).toString("base64") },
  },
  {
    name: "slack",
    config: { preset: "slack", secret: "slack-secret" },
    expected: {
      "x-slack-signature": `v0=${hmac("slack-secret", `v0:${T}:`, BODY).toString("hex")}`,
      "x-slack-request-timestamp": String(T),
    },
  },
] satisfies { name: string; config: VerificationConfigInput; expected: Record<string, string> }[])(
  "$name against a hand computation",
  ({ config, expected }) => {
    const { verifier, signer } = both(config);

    it("verifies headers computed independently with node:crypto", () => {
      expect(failureOf(verifier, request(BODY, expected))).toBeUndefined();
    });

    it("signs exactly the headers the sender would send", () => {
      expect(signer.sign(BODY, NOW)).toEqual(expected);
    });
  },
);

describe("published test vectors", () => {
  it("accepts GitHub's documented example delivery", () => {
    // docs.github.com/webhooks/using-webhooks/validating-webhook-deliveries#testing-the-webhook-payload-validation
    const { verifier } = both({ preset: "github", secret: "It's a Secret to Everybody" });
    const headers = { "x-hub-signature-256": "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17" };
    expect(failureOf(verifier, request(Buffer.from("Hello, World!"), headers))).toBeUndefined();
  });

  it("accepts Slack's documented example request", () => {
    // api.slack.com/authentication/verifying-requests-from-slack (walk-through example)
    const { verifier } = both({ preset: "slack", secret: "8f742231b10e8888abcd99yyyzzz85a5" });
    const body = Buffer.from(
      "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V" +
        "&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=" +
        "&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN" +
        "&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c",
    );
    const headers = {
      "x-slack-signature": "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503",
      "x-slack-request-timestamp": "1531420618",
    };
    expect(failureOf(verifier, request(body, headers), 1531420618_000)).toBeUndefined();
  });

  it("accepts the Standard Webhooks specification's example", () => {
    const { verifier } = both({ preset: "standard-webhooks", secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" });
    const headers = {
      "webhook-id": "msg_p5jXN8AQM9LWM0D4loKWxJek",
      "webhook-timestamp": "1614265330",
      "webhook-signature": "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
    };
    expect(failureOf(verifier, request(Buffer.from('{"test": 2432232314}'), headers), 1614265330_000)).toBeUndefined();
  });
});
