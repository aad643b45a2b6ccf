import express, { type Request, type Response, Router } from "express";
import { z } from "zod";
import { createSecretMatcher } from "../../verify/timing-safe.js";
import { csrfProblem } from "./admin-auth.js";
import { AdminError } from "./admin-errors.js";
import type { ConsoleSession, ConsoleSessions } from "./console-sessions.js";
import { parseInput } from "./parse-input.js";
import { crossSiteProblem, loopbackHostProblem } from "./request-origin.js";
import { clearSessionCookie, sessionCookie, setSessionCookie } from "./session-cookie.js";
import { createSignInLimiter } from "./sign-in-limiter.js";

const signInBody = z.object({ token: z.string().min(1).max(1024) }).strict();

/**
 * The console's session: `GET /session` (who am I, and the CSRF token), `POST /session` (sign in
 * with ADMIN_TOKEN in the body — never in a URL), `DELETE /session` (sign out). Without
 * ADMIN_TOKEN there is nothing to sign in with: `GET /session` opens a session at once, so the
 * console still has a CSRF token for its changes.
 */
export function sessionRoutes(token: string | undefined, sessions: ConsoleSessions): Router {
  const router = Router();
  const matches = token ? createSecretMatcher([Buffer.from(token, "utf8")]) : undefined;
  const limiter = createSignInLimiter();
  const describe = (session: ConsoleSession | undefined) => ({
    tokenRequired: matches !== undefined,
    signedIn: session !== undefined,
    ...(session ? { csrfToken: session.csrfToken, expiresAt: new Date(session.expiresAt).toISOString() } : {}),
  });
  const openSession = (request: Request, response: Response) => {
    const session = sessions.create();
    setSessionCookie(request, response, session);
    return session;
  };

  router.get("/session", (request, response) => {
    response.set("Cache-Control", "no-store");
    if (!matches) {
      const hostProblem = loopbackHostProblem(request);
      if (hostProblem) throw new AdminError("forbidden", hostProblem);
    }
    const session = sessions.find(sessionCookie(request)) ?? (matches ? undefined : openSession(request, response));
    response.json(describe(session));
  });

  router.post("/session", express.json({ limit: "4kb", type: () => true }), (request, response) => {
    response.set("Cache-Control", "no-store");
    // A page on another site must not sign a browser in to a session of its choosing either.
    const crossSite = crossSiteProblem(request);
    if (crossSite) throw new AdminError("forbidden", crossSite);
    if (!matches) {
      const hostProblem = loopbackHostProblem(request);
      if (hostProblem) throw new AdminError("forbidden", hostProblem);
      response.json(describe(openSession(request, response)));
      return;
    }
    // The client as TRUST_PROXY says: behind a proxy, the socket's address is everyone's.
    const address = request.ip ?? "";
    const wait = limiter.retryAfter(address);
    if (wait > 0) {
      response.set("Retry-After", String(wait));
      throw new AdminError("too_many_attempts", `too many failed sign-ins from this address; try again in ${wait} s`);
    }
    const { token: presented } = parseInput(signInBody, request.body);
    if (!matches(Buffer.from(presented, "utf8"))) {
      limiter.failed(address);
      throw new AdminError("unauthorized", "wrong admin token");
    }
    limiter.succeeded(address);
    // A session id from before sign-in is never reused (session fixation): always a new one.
    const previous = sessionCookie(request);
    if (previous) sessions.delete(previous);
    response.json(describe(openSession(request, response)));
  });

  router.delete("/session", (request, response) => {
    const session = sessions.find(sessionCookie(request));
    const problem = csrfProblem(request, sessions, session);
    if (problem) throw new AdminError("forbidden", problem);
    if (session) sessions.delete(session.id);
    clearSessionCookie(request, response);
    response.json(describe(undefined));
  });
  return router;
}
