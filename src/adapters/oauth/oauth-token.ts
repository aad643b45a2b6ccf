import { callHttp, parseJson, type CallContext } from "../http-call.js";
import { errorFromAnswer, kindForStatus } from "../http-errors.js";
import { DeliveryError } from "../port.js";
import type { Scrubber } from "../scrub.js";
import { refreshExpiresAtMs } from "./refresh-expiry.js";

export interface TokenRequest {
  readonly tokenUrl: string;
  readonly clientId: string;
  /** Absent for a public client (`clientAuth: "none"`). */
  readonly clientSecret?: string | undefined;
  /** The grant: `{ grant_type: "client_credentials", scope }` or `{ grant_type: "refresh_token", … }`. */
  readonly form: Record<string, string | undefined>;
  /**
   * RFC 6749 §2.3.1: HTTP Basic (which Intuit requires) or client_id/client_secret in the form;
   * `none`: a public client (§2.1) sends its client_id alone, as TrackVia's `TrackViaAPI` does.
   */
  readonly clientAuth: "basic" | "body" | "none";
}

export interface TokenGrant {
  readonly accessToken: string;
  /** When to stop using it: a margin before the server's expiry, so no call races the deadline. */
  readonly renewAtMs: number;
  /** Present when the server rotated the refresh token: the caller must store it. */
  readonly refreshToken?: string;
  /** When the refresh token expires (epoch ms), when the server says (see refresh-expiry.ts). */
  readonly refreshExpiresAtMs?: number;
}

const DEFAULT_LIFETIME_S = 3600;
const MAX_MARGIN_MS = 60_000;

/**
 * Calls an OAuth2 token endpoint. A refused grant (400 `invalid_grant`, 401 `invalid_client`) is
 * a credentials error: no retry brings a revoked refresh token back.
 */
export async function requestToken(request: TokenRequest, context: CallContext & { readonly scrubber: Scrubber }): Promise<TokenGrant> {
  const form = new URLSearchParams();
  for (const [key, value] of Object.entries(request.form)) if (value !== undefined) form.set(key, value);
  const headers: Record<string, string> = {
    accept: "application/json",
    "content-type": "application/x-www-form-urlencoded",
  };
  if (request.clientAuth === "basic") {
    headers.authorization = `Basic ${Buffer.from(`${request.clientId}:${request.clientSecret ?? ""}`).toString("base64")}`;
  } else {
    form.set("client_id", request.clientId);
    if (request.clientAuth === "body") form.set("client_secret", request.clientSecret ?? "");
  }
  const target = `${context.target} token endpoint`;
  // No gate: the token endpoint is another host, outside the API's limits.
  const answer = await callHttp(
    { method: "POST", url: request.tokenUrl, headers, body: form },
    { signal: context.signal, timeoutMs: context.timeoutMs, target },
  );
  const body = parseJson(answer.text) as Record<string, unknown> | undefined;
  if (answer.status < 200 || answer.status >= 300) {
    const kind = kindForStatus(answer.status);
    const oauthError = typeof body?.error === "string" ? body.error : undefined;
    const description = typeof body?.error_description === "string" ? ` (${body.error_description})` : "";
    throw errorFromAnswer(answer, {
      target,
      scrubber: context.scrubber,
      // Every refusal by a token endpoint is about the client or the grant, whatever the status.
      kind: kind === "transient" ? "transient" : "credentials",
      ...(oauthError ? { detail: context.scrubber.scrub(`${oauthError}${description}`) } : {}),
    });
  }
  const accessToken = body?.access_token;
  if (typeof accessToken !== "string" || accessToken === "") {
    throw new DeliveryError(
      "credentials",
      `${target} answered ${answer.status} without an access_token: check tokenUrl — credentials, retrying will not help`,
      { status: answer.status },
    );
  }
  context.scrubber.add(accessToken);
  const lifetimeMs = (typeof body?.expires_in === "number" ? body.expires_in : Number(body?.expires_in) || DEFAULT_LIFETIME_S) * 1000;
  const refreshToken = typeof body?.refresh_token === "string" && body.refresh_token !== "" ? body.refresh_token : undefined;
  if (refreshToken) context.scrubber.add(refreshToken);
  const refreshExpiry = refreshExpiresAtMs(body);
  return {
    accessToken,
    renewAtMs: Date.now() + lifetimeMs - Math.min(MAX_MARGIN_MS, lifetimeMs / 2),
    ...(refreshToken ? { refreshToken } : {}),
    ...(refreshExpiry === undefined ? {} : { refreshExpiresAtMs: refreshExpiry }),
  };
}
