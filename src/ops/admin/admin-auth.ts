import type { Request, RequestHandler, Response } from "express";
import { createSecretMatcher } from "../../verify/timing-safe.js";
import { AdminError } from "./admin-errors.js";
import type { ConsoleSession, ConsoleSessions } from "./console-sessions.js";
import { crossSiteProblem, fromBrowser, loopbackHostProblem } from "./request-origin.js";
import { sessionCookie } from "./session-cookie.js";

export interface AccessOptions {
  /** ADMIN_TOKEN; without it every request is let in (the port is loopback-only then). */
  readonly token: string | undefined;
  readonly sessions: ConsoleSessions;
}

/** The bearer token a request presents, if any. */
export function presentedBearer(request: Request): string | undefined {
  return /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(request.get("authorization") ?? "")?.[1];
}

/**
 * Who may call the admin API: `Authorization: Bearer <ADMIN_TOKEN>` (the CLI, scripts), or the
 * console's session cookie. The bearer is compared with the same constant-time matcher the webhook
 * verifiers use (neither the token's content nor its length leaks).
 *
 * A cookie travels with every request the browser makes, so a change made with one also needs the
 * session's CSRF token in `X-CSRF-Token`, and is refused when the browser says another site sent
 * it. A bearer is never sent by a browser on its own: requests carrying one skip the CSRF check.
 */
export function requireAccess(options: AccessOptions): RequestHandler {
  const matches = options.token ? createSecretMatcher([Buffer.from(options.token, "utf8")]) : undefined;
  return (request, response, next) => {
    const bearer = presentedBearer(request);
    if (matches && bearer !== undefined) {
      if (matches(Buffer.from(bearer, "utf8"))) return next();
      return refuse(response, new AdminError("unauthorized", "wrong bearer token"));
    }
    if (!matches) {
      const hostProblem = loopbackHostProblem(request);
      if (hostProblem) return refuse(response, new AdminError("forbidden", hostProblem));
    }
    const session = options.sessions.find(sessionCookie(request));
    if (matches && !session) {
      return refuse(response, new AdminError("unauthorized", "send Authorization: Bearer <ADMIN_TOKEN>, or sign in to the console"));
    }
    const csrf = csrfProblem(request, options.sessions, session);
    if (csrf) return refuse(response, new AdminError("forbidden", csrf));
    next();
  };
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** Why a change through a browser or a cookie session is refused, or undefined. */
export function csrfProblem(request: Request, sessions: ConsoleSessions, session: ConsoleSession | undefined): string | undefined {
  if (SAFE_METHODS.has(request.method)) return undefined;
  const crossSite = crossSiteProblem(request);
  if (crossSite) return crossSite;
  if (!session && !fromBrowser(request)) return undefined;
  if (!session) return "a browser needs a console session to change anything: open /console/";
  if (!sessions.csrfMatches(session, request.get("x-csrf-token"))) return "missing or wrong X-CSRF-Token (GET /session gives it)";
  return undefined;
}

function refuse(response: Response, error: AdminError): void {
  if (error.status === 401) response.set("WWW-Authenticate", 'Bearer realm="webhook-router admin"');
  response.status(error.status).json(error.toBody());
}
