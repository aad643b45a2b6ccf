import type { TokenExpiry } from "../contracts/token-expiry.js";
import type { DestinationConfig } from "./schema.js";

/**
 * When a destination's configuration says its credential expires: TrackVia's
 * `refreshTokenExpiresAt` (only while nothing else can get a token: without a password login) or
 * Tracktile's `tokenExpiresAt`. Undefined when it says nothing.
 */
export function configuredTokenExpiry(config: DestinationConfig): TokenExpiry | undefined {
  if (config.kind === "trackvia" && config.refreshTokenExpiresAt && config.password === undefined) {
    return { what: "refresh token", expiresAt: config.refreshTokenExpiresAt };
  }
  if (config.kind === "tracktile" && config.tokenExpiresAt) return { what: "API token", expiresAt: config.tokenExpiresAt };
  return undefined;
}
