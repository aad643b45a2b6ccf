import type { IncomingHttpHeaders } from "node:http";
import type { SignedRequest, Signer, VerificationConfigInput, Verifier } from "../../../src/verify/index.js";
import { createSigner, createVerifier, VerificationError, verificationSchema } from "../../../src/verify/index.js";

/** A fixed "now" so tests do not depend on the clock: 2024-01-15T10:30:00Z. */
export const NOW = Date.UTC(2024, 0, 15, 10, 30, 0);

/** How one preset is exercised by the shared behaviour and property suites. */
export interface PresetCase {
  readonly name: string;
  /** The preset's `verify:` block for the given secrets. */
  readonly config: (secrets: string[]) => VerificationConfigInput;
  /** Two active secrets (newest first) and one the source does not know. */
  readonly secrets: readonly [string, string];
  readonly wrongSecret: string;
  /** The header carrying the signature or secret. */
  readonly signatureHeader: string;
  /** Where the signature (or secret) itself sits in that header's value: [start, end). */
  readonly signatureSpan: (value: string) => readonly [number, number];
  /** Hex signatures may change case without changing meaning. */
  readonly hexSignature: boolean;
  /** HMAC schemes cover the body; shared-secret schemes authenticate the sender only. */
  readonly signsBody: boolean;
  /** Every header whose absence must be reported as missing_signature. */
  readonly requiredHeaders: readonly string[];
  /** The header carrying a signed message id, if the scheme has one. */
  readonly idHeader?: string;
  /** Header overrides, each of which makes an otherwise valid request malformed. */
  readonly malformed: readonly Readonly<Record<string, string>>[];
  /** For schemes with a timestamp: read and replace it in the signed headers. */
  readonly timestamp?: {
    readonly tolerance: number;
    readonly read: (headers: Record<string, string>) => string;
    readonly write: (headers: Record<string, string>, value: string) => Record<string, string>;
  };
}

/** The verifier and the signer of a preset, both from the validated config. */
export function build(c: PresetCase, secrets: readonly string[]): { verifier: Verifier; signer: Signer } {
  const config = verificationSchema.parse(c.config([...secrets]));
  return { verifier: createVerifier(config), signer: createSigner(config) };
}

export function request(rawBody: Buffer, headers: IncomingHttpHeaders): SignedRequest {
  return { rawBody, headers };
}

/** The VerificationError `verify` throws, or undefined when the request is accepted. */
export function failureOf(verifier: Verifier, req: SignedRequest, nowMs = NOW): VerificationError | undefined {
  try {
    verifier.verify(req, nowMs);
    return undefined;
  } catch (error) {
    if (error instanceof VerificationError) return error;
    throw error;
  }
}
