import type { Request, Response } from "express";
import type { ConsoleSession } from "./console-sessions.js";

/** The console's session cookie. Only the browser holds it: HttpOnly, so no script can read it. */
export const SESSION_COOKIE = "wr_admin_session";

/** The session cookie's value in the request, if any (the only cookie the admin API reads). */
export function sessionCookie(request: Request): string | undefined {
  for (const pair of (request.get("cookie") ?? "").split(";")) {
    const at = pair.indexOf("=");
    if (at > 0 && pair.slice(0, at).trim() === SESSION_COOKIE) return pair.slice(at + 1).trim() || undefined;
  }
  return undefined;
}

/**
 * SameSite=Strict keeps it off every request another site starts; Secure when the request came
 * over TLS (directly, or through a proxy TRUST_PROXY believes): on plain http a Secure cookie
 * would never come back, and the admin port is loopback-only without a token.
 */
export function setSessionCookie(request: Request, response: Response, session: ConsoleSession): void {
  const maxAge = Math.max(0, Math.floor((session.expiresAt - Date.now()) / 1000));
  response.append("Set-Cookie", `${SESSION_COOKIE}=${session.id}; ${attributes(request)}; Max-Age=${maxAge}`);
}

export function clearSessionCookie(request: Request, response: Response): void {
  response.append("Set-Cookie", `${SESSION_COOKIE}=; ${attributes(request)}; Max-Age=0`);
}

function attributes(request: Request): string {
  return `Path=/; HttpOnly; SameSite=Strict${request.secure ? "; Secure" : ""}`;
}
