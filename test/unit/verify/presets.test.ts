import { describe, expect, it } from "vitest";
import { build, failureOf, NOW, request } from "./harness.js";
import { presetCases } from "./preset-cases.js";

const BODY = Buffer.from('{"id":"evt_abc123","kind":"shipment.status.changed","shipmentId":"shp_456"}');

describe.each(presetCases)("$name verification", (c) => {
  const { verifier, signer } = build(c, c.secrets);

  it("accepts a request signed with the active secret", () => {
    expect(failureOf(verifier, request(BODY, signer.sign(BODY, NOW)))).toBeUndefined();
  });

  it("accepts a request signed with the second of two secrets (rotation)", () => {
    const { signer: oldSender } = build(c, [c.secrets[1]]);
    expect(failureOf(verifier, request(BODY, oldSender.sign(BODY, NOW)))).toBeUndefined();
  });

  it("rejects a request signed with a secret it does not know", () => {
    const { signer: stranger } = build(c, [c.wrongSecret]);
    const failure = failureOf(verifier, request(BODY, stranger.sign(BODY, NOW)));
    expect(failure?.reason).toBe("bad_signature");
    expect(failure?.message).toMatch(/do(es)? not match any active secret/);
  });

  if (c.signsBody) {
    it("rejects a body changed by one byte", () => {
      const headers = signer.sign(BODY, NOW);
      const tampered = Buffer.from(BODY);
      tampered[10] = (tampered[10] ?? 0) ^ 0x01;
      expect(failureOf(verifier, request(tampered, headers))?.reason).toBe("bad_signature");
    });

    it("rejects an empty body when a non-empty one was signed", () => {
      expect(failureOf(verifier, request(Buffer.alloc(0), signer.sign(BODY, NOW)))?.reason).toBe("bad_signature");
    });
  } else {
    it("accepts any body: a shared secret authenticates the sender, not the content", () => {
      expect(failureOf(verifier, request(Buffer.from("anything"), signer.sign(BODY, NOW)))).toBeUndefined();
    });
  }

  it.each(c.requiredHeaders)("reports a missing %s header as missing_signature", (header) => {
    const { [header]: _dropped, ...headers } = signer.sign(BODY, NOW);
    const failure = failureOf(verifier, request(BODY, headers));
    expect(failure?.reason).toBe("missing_signature");
    expect(failure?.message.toLowerCase()).toBe(`missing ${header} header`);
  });

  it("reports an empty signature header as missing_signature", () => {
    const headers = { ...signer.sign(BODY, NOW), [c.signatureHeader]: "" };
    expect(failureOf(verifier, request(BODY, headers))?.reason).toBe("missing_signature");
  });

  it.each(c.malformed.map((override) => [JSON.stringify(override), override] as const))(
    "reports a malformed header %s as malformed_signature",
    (_label, override) => {
      const headers = { ...signer.sign(BODY, NOW), ...override };
      expect(failureOf(verifier, request(BODY, headers))?.reason).toBe("malformed_signature");
    },
  );

  it("reports a signature header sent twice as malformed_signature", () => {
    const signed = signer.sign(BODY, NOW);
    const value = signed[c.signatureHeader] ?? "";
    const failure = failureOf(verifier, request(BODY, { ...signed, [c.signatureHeader]: [value, value] }));
    expect(failure?.reason).toBe("malformed_signature");
    expect(failure?.message).toMatch(/more than once/);
  });

  it("never puts a secret or the signature into an error message", () => {
    const signed = signer.sign(BODY, NOW);
    const messages = [failureOf(build(c, [c.wrongSecret]).verifier, request(BODY, signed))?.message];
    if (c.signsBody) messages.push(failureOf(verifier, request(Buffer.from("other"), signed))?.message);
    for (const message of messages) {
      expect(message).toBeDefined();
      for (const secret of [...c.secrets, c.wrongSecret]) expect(message).not.toContain(secret);
      const [start, end] = c.signatureSpan(signed[c.signatureHeader] ?? "");
      expect(message).not.toContain((signed[c.signatureHeader] ?? "").slice(start, end));
    }
  });

  const ts = c.timestamp;
  if (ts) {
    it("accepts timestamps exactly at the tolerance, both ways", () => {
      for (const drift of [-ts.tolerance, ts.tolerance]) {
        expect(failureOf(verifier, request(BODY, signer.sign(BODY, NOW + drift * 1000)))).toBeUndefined();
      }
    });

    it("rejects a stale timestamp as timestamp_out_of_tolerance", () => {
      const sentAt = NOW - (ts.tolerance + 1) * 1000;
      const failure = failureOf(verifier, request(BODY, signer.sign(BODY, sentAt)));
      expect(failure?.reason).toBe("timestamp_out_of_tolerance");
      expect(failure?.message).toBe(`timestamp ${sentAt / 1000} is ${ts.tolerance + 1} s in the past (tolerance ${ts.tolerance} s)`);
    });

    it("rejects a timestamp from the future as timestamp_out_of_tolerance", () => {
      const sentAt = NOW + 4000 * 1000;
      const failure = failureOf(verifier, request(BODY, signer.sign(BODY, sentAt)));
      expect(failure?.reason).toBe("timestamp_out_of_tolerance");
      expect(failure?.message).toMatch(/is 4000 s in the future/);
    });

    it("rejects a timestamp changed after signing (it is signed)", () => {
      const signed = signer.sign(BODY, NOW);
      const moved = ts.write(signed, String(Number(ts.read(signed)) + 1));
      expect(failureOf(verifier, request(BODY, moved))?.reason).toBe("bad_signature");
    });
  }
});
