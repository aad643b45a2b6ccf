import { createHash, timingSafeEqual } from "node:crypto";
import type { RequestHandler } from "express";
import { AdminError } from "./admin-errors.js";

/**
 * Requires `Authorization: Bearer <token>` on every request. Both sides are hashed before the
 * constant-time compare, so neither the token's content nor its length leaks through timing.
 */
export function requireBearer(token: string): RequestHandler {
  const expected = digest(token);
  return (request, response, next) => {
    const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(request.get("authorization") ?? "");
    if (match && timingSafeEqual(digest(match[1]!), expected)) return next();
    response.set("WWW-Authenticate", 'Bearer realm="webhook-router admin"');
    const error = new AdminError("unauthorized", match ? "wrong bearer token" : "send Authorization: Bearer <ADMIN_TOKEN>");
    response.status(error.status).json(error.toBody());
  };
}

function digest(text: string): Buffer {
  return createHash("sha256").update(text, "utf8").digest();
}
