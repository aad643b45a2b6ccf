/**
 * When a destination's credential stops working, as the adapter learned it from the token
 * endpoint (a refresh token's expiry) — kept in the token store so that operations, which may run
 * in another process, can warn before it breaks every call (TrackVia: an expired token makes
 * every call 401). Adapters write it; ops reads it; neither imports the other.
 */
export interface TokenExpiry {
  /** What expires, for the email: `refresh token`, `API token`. */
  readonly what: string;
  /** ISO 8601. */
  readonly expiresAt: string;
}

const PREFIX = "token-expiry:";

/** The token-store key holding a destination's TokenExpiry. */
export function tokenExpiryKey(destinationId: string): string {
  return `${PREFIX}${destinationId}`;
}

/** The destination a token-store key is the expiry record of; undefined for other keys. */
export function destinationOfExpiryKey(key: string): string | undefined {
  return key.startsWith(PREFIX) ? key.slice(PREFIX.length) : undefined;
}

export function encodeTokenExpiry(expiry: TokenExpiry): string {
  return JSON.stringify(expiry);
}

/** Undefined for anything that is not a record with a valid date. */
export function decodeTokenExpiry(text: string | undefined): TokenExpiry | undefined {
  if (text === undefined) return undefined;
  try {
    const value = JSON.parse(text) as Partial<TokenExpiry> | null;
    if (typeof value?.what !== "string" || typeof value.expiresAt !== "string" || Number.isNaN(Date.parse(value.expiresAt))) return undefined;
    return { what: value.what, expiresAt: value.expiresAt };
  } catch {
    return undefined;
  }
}
