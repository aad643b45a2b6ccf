import type { IncomingHttpHeaders } from "node:http";
import { describe, expect, it } from "vitest";
import type { Verifier } from "../../../src/verify/index.js";
import { VerificationError } from "../../../src/verify/index.js";
import { build, NOW } from "./harness.js";
import { presetCases } from "./preset-cases.js";

const BODY = Buffer.from('{"id":"evt_abc123","kind":"shipment.status.changed"}');

/** The VerificationError `precheck` throws from the headers alone, or undefined. */
function precheckFailure(verifier: Verifier, headers: IncomingHttpHeaders): VerificationError | undefined {
  try {
    verifier.precheck(headers);
    return undefined;
  } catch (error) {
    if (error instanceof VerificationError) return error;
    throw error;
  }
}

// The ingress refuses on these before reading a body; whatever needs the body or the clock
// (a wrong secret, a stale timestamp) must pass here and be decided by `verify`.
describe.each(presetCases)("$name pre-check (headers only, before the body is read)", (c) => {
  const { verifier, signer } = build(c, c.secrets);

  it("passes a correctly signed request", () => {
    expect(precheckFailure(verifier, signer.sign(BODY, NOW))).toBeUndefined();
  });

  it.each(c.requiredHeaders)("refuses a request without %s as missing_signature", (header) => {
    const headers: Record<string, string> = { ...signer.sign(BODY, NOW) };
    delete headers[header];
    expect(precheckFailure(verifier, headers)?.reason).toBe("missing_signature");
  });

  it("refuses each malformed header as malformed_signature, as verify does", () => {
    for (const override of c.malformed) {
      const headers = { ...signer.sign(BODY, NOW), ...override };
      expect(precheckFailure(verifier, headers)?.reason).toBe("malformed_signature");
    }
  });

  it("passes a well-formed signature made with an unknown secret: only the body can tell", () => {
    const { signer: stranger } = build(c, [c.wrongSecret]);
    expect(precheckFailure(verifier, stranger.sign(BODY, NOW))).toBeUndefined();
  });

  if (c.timestamp) {
    it("passes a stale timestamp: timestamp_out_of_tolerance is only said of a genuinely signed request", () => {
      const stale = signer.sign(BODY, NOW - 3600_000);
      expect(precheckFailure(verifier, stale)).toBeUndefined();
    });
  }
});
