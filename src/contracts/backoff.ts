/** Capped exponential backoff with jitter: the one formula behind worker retries and the spool relay. */
export interface Backoff {
  /** The first delay. */
  readonly baseMs: number;
  /** No delay grows past this (before jitter). */
  readonly maxMs: number;
  /** Spread, as a fraction either way: 0.2 gives 80–120 % of the delay. */
  readonly jitter: number;
}

/** Delay number `step` (0 for the first): base × 2^step, capped at maxMs, spread by ± jitter. */
export function backoffDelay(backoff: Backoff, step: number, random: () => number = Math.random): number {
  const exponential = Math.min(backoff.maxMs, backoff.baseMs * 2 ** Math.max(0, step));
  const spread = exponential * backoff.jitter;
  return Math.max(0, Math.round(exponential - spread + random() * 2 * spread));
}
