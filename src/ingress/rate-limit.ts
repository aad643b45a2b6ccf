import type { RequestHandler } from "express";
import { rateLimit } from "express-rate-limit";
import type { Source } from "../config/load-routes.js";
import { HttpError } from "../errors.js";

/**
 * One limiter per source, keyed by client address (the real one when TRUST_PROXY is set), so a
 * noisy sender cannot starve the others. Answers with Retry-After through the usual error path.
 */
export function createRateLimit(source: Source): RequestHandler | undefined {
  const settings = source.limits.rateLimit;
  if (settings === false) return undefined;
  return rateLimit({
    windowMs: settings.windowSeconds * 1000,
    limit: settings.max,
    standardHeaders: "draft-7",
    legacyHeaders: false,
    handler: (_request, _response, next) => {
      next(new HttpError("rate_limited", `more than ${settings.max} requests in ${settings.windowSeconds} s from this address`));
    },
  });
}
