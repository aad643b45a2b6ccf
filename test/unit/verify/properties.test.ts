import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { build, failureOf, NOW, request } from "./harness.js";
import { presetCases } from "./preset-cases.js";

const RUNS = { numRuns: 200 };
const body = fc.uint8Array({ maxLength: 1024 }).map((bytes) => Buffer.from(bytes));
const nonEmptyBody = fc.uint8Array({ minLength: 1, maxLength: 1024 }).map((bytes) => Buffer.from(bytes));
const printable = fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code));

describe.each(presetCases)("$name properties", (c) => {
  const { verifier, signer } = build(c, c.secrets);
  const { signer: rotatedSender } = build(c, [c.secrets[1]]);

  it("accepts every correctly signed body, with either active secret", () => {
    fc.assert(
      fc.property(body, fc.boolean(), (raw, rotated) => {
        const headers = (rotated ? rotatedSender : signer).sign(raw, NOW);
        expect(failureOf(verifier, request(raw, headers))).toBeUndefined();
      }),
      RUNS,
    );
  });

  if (c.signsBody) {
    it("rejects any single-byte change of the body", () => {
      fc.assert(
        fc.property(nonEmptyBody, fc.nat(), fc.integer({ min: 1, max: 255 }), (raw, at, delta) => {
          const headers = signer.sign(raw, NOW);
          const changed = Buffer.from(raw);
          const i = at % changed.length;
          changed[i] = ((changed[i] ?? 0) + delta) & 0xff;
          expect(failureOf(verifier, request(changed, headers))?.reason).toBe("bad_signature");
        }),
        RUNS,
      );
    });
  }

  const ts = c.timestamp;
  if (ts) {
    it("rejects any change of the timestamp, even within the tolerance", () => {
      const change = fc.oneof(
        fc
          .integer({ min: -1_000_000, max: 1_000_000 })
          .filter((d) => d !== 0)
          .map((d) => (t: string) => String(Number(t) + d)),
        fc.constant((t: string) => `0${t}`),
      );
      fc.assert(
        fc.property(body, change, (raw, alter) => {
          const headers = signer.sign(raw, NOW);
          const moved = ts.write(headers, alter(ts.read(headers)));
          expect(failureOf(verifier, request(raw, moved))?.reason).toBe("bad_signature");
        }),
        RUNS,
      );
    });
  }

  const idHeader = c.idHeader;
  if (idHeader) {
    it("rejects any change of the message id", () => {
      fc.assert(
        fc.property(body, fc.string({ minLength: 1, maxLength: 40 }), (raw, other) => {
          const headers = signer.sign(raw, NOW);
          fc.pre(other !== headers[idHeader]);
          expect(failureOf(verifier, request(raw, { ...headers, [idHeader]: other }))?.reason).toBe("bad_signature");
        }),
        RUNS,
      );
    });
  }

  it("rejects any change of one character of the signature", () => {
    const same = (a: string, b: string) => (c.hexSignature ? a.toLowerCase() === b.toLowerCase() : a === b);
    fc.assert(
      fc.property(body, fc.nat(), printable, (raw, at, replacement) => {
        const headers = signer.sign(raw, NOW);
        const value = headers[c.signatureHeader] ?? "";
        const [start, end] = c.signatureSpan(value);
        const i = start + (at % (end - start));
        fc.pre(!same(value[i] ?? "", replacement));
        const forged = { ...headers, [c.signatureHeader]: value.slice(0, i) + replacement + value.slice(i + 1) };
        expect(failureOf(verifier, request(raw, forged))?.reason).toMatch(/^(bad_signature|malformed_signature)$/);
      }),
      RUNS,
    );
  });
});
