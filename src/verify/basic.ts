import type { IncomingHttpHeaders } from "node:http";
import { requireHeader } from "./headers.js";
import { createSecretMatcher } from "./timing-safe.js";
import type { Signer, Verifier } from "./verifier.js";
import { VerificationError } from "./verifier.js";

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const COLON = 0x3a;

/**
 * HTTP Basic authentication (RFC 7617): one user name, any of the active passwords.
 * Compared as bytes: RFC 7617 senders encode credentials as UTF-8.
 */
export function createBasicVerifier(username: string, passwords: readonly string[]): Verifier {
  if (username === "" || username.includes(":")) throw new Error("a Basic username must be non-empty and without ':'");
  const userMatches = createSecretMatcher([Buffer.from(username)]);
  const passwordMatches = createSecretMatcher(passwords.filter((p) => p !== "").map((p) => Buffer.from(p)));

  return Object.freeze({
    precheck(headers) {
      splitCredentials(headers);
    },
    verify({ headers }) {
      const { credentials, colon } = splitCredentials(headers);
      // Both are checked before either result is used, so timing does not say which was wrong.
      const userOk = userMatches(credentials.subarray(0, colon));
      const passwordOk = passwordMatches(credentials.subarray(colon + 1));
      if (!(userOk && passwordOk)) throw new VerificationError("bad_signature", "Basic credentials do not match any active secret");
    },
  } satisfies Verifier);
}

function splitCredentials(headers: IncomingHttpHeaders): { credentials: Buffer; colon: number } {
  const credentials = decodeCredentials(requireHeader(headers, "authorization"));
  const colon = credentials.indexOf(COLON);
  if (colon < 0) throw new VerificationError("malformed_signature", "Basic credentials have no user:password separator");
  return { credentials, colon };
}

function decodeCredentials(value: string): Buffer {
  const space = value.indexOf(" ");
  if (space < 0 || value.slice(0, space).toLowerCase() !== "basic") {
    throw new VerificationError("malformed_signature", "Authorization header is not Basic credentials");
  }
  const encoded = value.slice(space + 1).trimStart();
  const decoded = BASE64.test(encoded) ? Buffer.from(encoded, "base64") : undefined;
  // Only canonical base64: otherwise several header values would mean the same credentials.
  if (decoded === undefined || decoded.toString("base64") !== encoded) {
    throw new VerificationError("malformed_signature", "Basic credentials are not valid base64");
  }
  return decoded;
}

export function createBasicSigner(username: string, password: string): Signer {
  if (password === "") throw new Error("at least one non-empty secret is required");
  const value = `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`;
  return Object.freeze({ sign: () => ({ authorization: value }) });
}
