/**
 * When the refresh token in a token endpoint's answer expires, in epoch ms, if the answer says.
 * Servers say it differently: QuickBooks `x_refresh_token_expires_in` (seconds; about 100 days),
 * Keycloak-style `refresh_expires_in` / `refresh_token_expires_in` (seconds), and TrackVia's
 * Spring-style `refreshToken: { value, expiration }` (an ISO date or epoch ms). Undefined when the
 * answer is silent, or says 0 (Keycloak's "does not expire").
 */
export function refreshExpiresAtMs(body: Record<string, unknown> | undefined, nowMs = Date.now()): number | undefined {
  if (!body) return undefined;
  for (const name of ["x_refresh_token_expires_in", "refresh_token_expires_in", "refresh_expires_in"]) {
    const seconds = Number(body[name]);
    if (Number.isFinite(seconds) && seconds > 0) return nowMs + seconds * 1000;
  }
  const nested = body.refreshToken;
  const expiration = nested !== null && typeof nested === "object" ? (nested as { expiration?: unknown }).expiration : undefined;
  if (typeof expiration === "number" && expiration > 0) return expiration;
  if (typeof expiration === "string") {
    const parsed = /^\d+$/.test(expiration) ? Number(expiration) : Date.parse(expiration);
    if (Number.isFinite(parsed) && parsed > 0) return parsed;
  }
  return undefined;
}
