import type { RequestHandler } from "express";
import { createSecretMatcher } from "../../verify/timing-safe.js";
import { AdminError } from "./admin-errors.js";

/**
 * Requires `Authorization: Bearer <token>` on every request, compared with the same constant-time
 * matcher the webhook verifiers use (neither the token's content nor its length leaks).
 */
export function requireBearer(token: string): RequestHandler {
  const matches = createSecretMatcher([Buffer.from(token, "utf8")]);
  return (request, response, next) => {
    const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(request.get("authorization") ?? "");
    if (match && matches(Buffer.from(match[1]!, "utf8"))) return next();
    response.set("WWW-Authenticate", 'Bearer realm="webhook-router admin"');
    const error = new AdminError("unauthorized", match ? "wrong bearer token" : "send Authorization: Bearer <ADMIN_TOKEN>");
    response.status(error.status).json(error.toBody());
  };
}
