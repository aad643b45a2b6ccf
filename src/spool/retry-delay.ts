/** Relay backoff: capped exponential with jitter, like the connection's own recovery. */
const BACKOFF = { initialMs: 250, maxMs: 10_000, factor: 2, jitter: 0.3 } as const;

/** Milliseconds to wait before attempt `failures + 1`. */
export function retryDelay(failures: number, random = Math.random): number {
  const base = Math.min(BACKOFF.maxMs, BACKOFF.initialMs * BACKOFF.factor ** Math.max(0, failures - 1));
  return Math.round(base * (1 - BACKOFF.jitter + 2 * BACKOFF.jitter * random()));
}
