import type { IncomingHttpHeaders } from "node:http";

/**
 * Why a request failed verification. Stable codes: they label the
 * `verification failures by reason` metric and appear in logs.
 */
export type VerificationFailure = "missing_signature" | "malformed_signature" | "bad_signature" | "timestamp_out_of_tolerance";

/** Bad input from a sender (answered 401), as opposed to a misconfiguration (thrown at start-up). */
export class VerificationError extends Error {
  override readonly name = "VerificationError";
  constructor(
    readonly reason: VerificationFailure,
    message: string,
  ) {
    super(message);
  }
}

/** What a verifier sees of a request: the exact bytes received and the headers. */
export interface SignedRequest {
  readonly rawBody: Buffer;
  /** Header names in lower case, as node:http gives them. */
  readonly headers: IncomingHttpHeaders;
}

/**
 * Checks that a request was signed (or carries a secret) known for its source.
 * Built once per source at start-up; `verify` is on the hot path and must not allocate
 * more than the scheme needs. Any active secret may match (rotation).
 */
export interface Verifier {
  /**
   * What can be refused from the headers alone, before a byte of the body is read: the scheme's
   * headers missing (`missing_signature`) or not in the scheme's shape (`malformed_signature`).
   * Never the secret's match nor the timestamp's tolerance: those need the body (the tolerance is
   * checked after the signature, so that its reason means "genuinely signed but stale").
   * @throws VerificationError
   */
  precheck(headers: IncomingHttpHeaders): void;
  /** @throws VerificationError when no active secret accepts the request. */
  verify(request: SignedRequest, nowMs: number): void;
}

/** Produces the headers a sender would attach to `rawBody`, signed with the first secret. */
export interface Signer {
  sign(rawBody: Buffer, nowMs: number): Record<string, string>;
}
