import type { IncomingHttpHeaders } from "node:http";
import { VerificationError } from "./verifier.js";

/** `x-hub-signature-256` → `X-Hub-Signature-256`, for messages people read. */
export function displayHeaderName(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_whole, dash: string, letter: string) => dash + letter.toUpperCase());
}

/**
 * Reads a header that must appear exactly once. An empty value counts as missing. A header sent
 * several times is refused rather than guessed at: which copy was signed is unknowable.
 *
 * @param name lower-case header name, as node:http stores them.
 */
export function requireHeader(headers: IncomingHttpHeaders, name: string): string {
  const value = headers[name];
  if (Array.isArray(value)) {
    throw new VerificationError("malformed_signature", `${displayHeaderName(name)} header was sent more than once`);
  }
  if (value === undefined || value === "") {
    throw new VerificationError("missing_signature", `missing ${displayHeaderName(name)} header`);
  }
  return value;
}

/** RFC 9110 `token`: what a header name may be made of. */
export const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
