/**
 * An access token as kept in the token store for the other worker processes, with the refresh
 * token the same refresh returned: it is only taken while that refresh token is the stored one.
 */
export interface SharedAccess {
  readonly token: string;
  /** Epoch ms (the issuing machine's clock) after which it is not used: a margin before expiry. */
  readonly renewAtMs: number;
  readonly refreshToken: string;
}

export function encodeSharedAccess(access: SharedAccess): string {
  return JSON.stringify(access);
}

/** Undefined for anything else: a value written by an older version, or a damaged one. */
export function decodeSharedAccess(text: string | undefined): SharedAccess | undefined {
  if (text === undefined) return undefined;
  try {
    const value = JSON.parse(text) as Partial<SharedAccess> | null;
    const { token, renewAtMs, refreshToken } = value ?? {};
    if (typeof token !== "string" || typeof renewAtMs !== "number" || typeof refreshToken !== "string") return undefined;
    return { token, renewAtMs, refreshToken };
  } catch {
    return undefined;
  }
}
