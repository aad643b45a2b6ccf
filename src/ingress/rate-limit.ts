import { MemoryStore } from "express-rate-limit";
import type { Source } from "../config/load-routes.js";
import { HttpError } from "./http-error.js";

/** Counts one request of a client; throws a 429 HttpError (with Retry-After) past the limit. */
export type RateLimit = (clientKey: string) => Promise<void>;

/** A client's hits in the current window, as express-rate-limit's stores count them. */
export interface Hits {
  readonly totalHits: number;
  readonly resetTime: Date | undefined;
}

/**
 * A source's counter shared by every ingress replica (ingress/shared-rate-limit.ts). Resolves
 * undefined, never rejects, when the shared store cannot answer in time: the limit then counts in
 * this process alone, so a store outage never refuses an event the shared limit would have taken.
 */
export interface SharedHits {
  increment(clientKey: string): Promise<Hits | undefined>;
}

/** The shared counter of one source, whose window is `windowMs`. */
export type SharedHitsFor = (sourceId: string, windowMs: number) => SharedHits;

/**
 * One fixed-window counter per source, keyed by client address (the real one when TRUST_PROXY is
 * set), so a noisy sender cannot starve the others. It uses express-rate-limit's MemoryStore
 * directly rather than its middleware: the middleware's per-request configuration checks, header
 * formatting and half a dozen promise turns cost ~30 µs a request (bench/README.md), and a 202
 * needs none of them. Keys come from `ipKeyGenerator`, so an IPv6 client is one /56 subnet.
 * With `shared` (RATE_LIMIT_REDIS_URL), the count is the one every replica shares, and this
 * process's memory is only the fallback while the shared store does not answer.
 */
export function createRateLimit(source: Source, shared?: SharedHitsFor): RateLimit | undefined {
  const settings = source.limits.rateLimit;
  if (settings === false) return undefined;
  const windowMs = settings.windowSeconds * 1000;
  const store = new MemoryStore();
  store.init({ windowMs } as Parameters<MemoryStore["init"]>[0]);
  const message = `more than ${settings.max} requests in ${settings.windowSeconds} s from this address`;
  if (shared) {
    const hits = shared(source.id, windowMs);
    return async (clientKey) => {
      const { totalHits, resetTime } = (await hits.increment(clientKey)) ?? (await store.increment(clientKey));
      if (totalHits <= settings.max) return;
      throw tooMany(message, resetTime, windowMs);
    };
  }
  return async (clientKey) => {
    const { totalHits, resetTime } = await store.increment(clientKey);
    if (totalHits <= settings.max) return;
    throw tooMany(message, resetTime, windowMs);
  };
}

function tooMany(message: string, resetTime: Date | undefined, windowMs: number): HttpError {
  const waitMs = resetTime ? resetTime.getTime() - Date.now() : windowMs;
  return new HttpError("rate_limited", message, undefined, Math.max(1, Math.ceil(waitMs / 1000)));
}
