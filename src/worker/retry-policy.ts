import type { RetryPolicy } from "../config/route-schema.js";

/**
 * Delay before attempt `next` (2 for the first retry): base × 2^(next−2), capped at maxDelay,
 * spread by ± jitter, and never shorter than what the target asked for in Retry-After (itself
 * capped at maxDelay, so a hostile header cannot park an event for a year).
 */
export function retryDelay(policy: RetryPolicy, next: number, retryAfterMs?: number, random: () => number = Math.random): number {
  const exponential = Math.min(policy.maxDelay, policy.baseDelay * 2 ** Math.max(0, next - 2));
  const spread = exponential * policy.jitter;
  const jittered = exponential - spread + random() * 2 * spread;
  const asked = retryAfterMs === undefined ? 0 : Math.min(retryAfterMs, policy.maxDelay);
  return Math.max(0, Math.round(Math.max(jittered, asked)));
}
