import { MemoryStore } from "express-rate-limit";
import type { Source } from "../config/load-routes.js";
import { HttpError } from "./http-error.js";

/** Counts one request of a client; throws a 429 HttpError (with Retry-After) past the limit. */
export type RateLimit = (clientKey: string) => Promise<void>;

/**
 * One fixed-window counter per source, keyed by client address (the real one when TRUST_PROXY is
 * set), so a noisy sender cannot starve the others. It uses express-rate-limit's MemoryStore
 * directly rather than its middleware: the middleware's per-request configuration checks, header
 * formatting and half a dozen promise turns cost ~30 µs a request (bench/README.md), and a 202
 * needs none of them. Keys come from `ipKeyGenerator`, so an IPv6 client is one /56 subnet.
 */
export function createRateLimit(source: Source): RateLimit | undefined {
  const settings = source.limits.rateLimit;
  if (settings === false) return undefined;
  const store = new MemoryStore();
  store.init({ windowMs: settings.windowSeconds * 1000 } as Parameters<MemoryStore["init"]>[0]);
  const message = `more than ${settings.max} requests in ${settings.windowSeconds} s from this address`;
  return async (clientKey) => {
    const { totalHits, resetTime } = await store.increment(clientKey);
    if (totalHits <= settings.max) return;
    const waitMs = resetTime ? resetTime.getTime() - Date.now() : settings.windowSeconds * 1000;
    throw new HttpError("rate_limited", message, undefined, Math.max(1, Math.ceil(waitMs / 1000)));
  };
}
