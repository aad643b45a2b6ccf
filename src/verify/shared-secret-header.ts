import type { IncomingHttpHeaders } from "node:http";
import { displayHeaderName, requireHeader } from "./headers.js";
import { createSecretMatcher } from "./timing-safe.js";
import type { Signer, Verifier } from "./verifier.js";
import { VerificationError } from "./verifier.js";

/**
 * A secret sent as is, in a header: TrackTik call-outs (a header the subscriber names) and
 * bearer-style tokens. No signature, so no timestamp: TLS is what keeps the secret private.
 */
export interface SharedSecretHeaderSettings {
  /** Lower-case header name. */
  readonly header: string;
  /** When set, the value must be `<scheme> <token>`; the scheme is matched case-insensitively. */
  readonly scheme?: string | undefined;
}

export function createSharedSecretHeaderVerifier(settings: SharedSecretHeaderSettings, secrets: readonly string[]): Verifier {
  const { header, scheme } = settings;
  const matches = createSecretMatcher(secrets.filter((s) => s !== "").map((s) => Buffer.from(s)));
  const label = displayHeaderName(header);
  const schemeLower = scheme?.toLowerCase();

  const tokenIn = (headers: IncomingHttpHeaders) => {
    const value = requireHeader(headers, header);
    return schemeLower === undefined ? value : tokenAfterScheme(value, schemeLower, scheme ?? "", label);
  };

  return Object.freeze({
    precheck(headers) {
      tokenIn(headers);
    },
    verify({ headers }) {
      const token = tokenIn(headers);
      // node:http reads header bytes as Latin-1: this gets back the bytes the sender wrote.
      if (!matches(Buffer.from(token, "latin1"))) {
        const what = scheme === undefined ? `${label} header` : `${scheme} token`;
        throw new VerificationError("bad_signature", `${what} does not match any active secret`);
      }
    },
  } satisfies Verifier);
}

function tokenAfterScheme(value: string, schemeLower: string, scheme: string, label: string): string {
  const space = value.indexOf(" ");
  if (space < 0 || value.slice(0, space).toLowerCase() !== schemeLower) {
    throw new VerificationError("malformed_signature", `${label} header does not use the ${scheme} scheme`);
  }
  const token = value.slice(space + 1).trimStart();
  if (token === "") throw new VerificationError("malformed_signature", `${label} header has no ${scheme} token`);
  return token;
}

export function createSharedSecretHeaderSigner(settings: SharedSecretHeaderSettings, secret: string): Signer {
  if (secret === "") throw new Error("at least one non-empty secret is required");
  const value = settings.scheme === undefined ? secret : `${settings.scheme} ${secret}`;
  const headers = Object.freeze({ [settings.header]: value });
  return Object.freeze({ sign: () => ({ ...headers }) });
}
