import { backoffDelay } from "../contracts/backoff.js";

/** Relay backoff: capped exponential with jitter, like the connection's own recovery. */
const BACKOFF = { baseMs: 250, maxMs: 10_000, jitter: 0.3 } as const;

/** Milliseconds to wait before attempt `failures + 1`. */
export function retryDelay(failures: number, random = Math.random): number {
  return backoffDelay(BACKOFF, failures - 1, random);
}
