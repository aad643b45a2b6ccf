import { backoffDelay } from "../contracts/backoff.js";
import type { RetryPolicy } from "../config/route-schema.js";

/**
 * Delay before attempt `next` (2 for the first retry): base × 2^(next−2), capped at maxDelay,
 * spread by ± jitter, and never shorter than what the target asked for in Retry-After (itself
 * capped at maxDelay, so a hostile header cannot park an event for a year).
 */
export function retryDelay(policy: RetryPolicy, next: number, retryAfterMs?: number, random: () => number = Math.random): number {
  const jittered = backoffDelay({ baseMs: policy.baseDelay, maxMs: policy.maxDelay, jitter: policy.jitter }, next - 2, random);
  const asked = retryAfterMs === undefined ? 0 : Math.min(retryAfterMs, policy.maxDelay);
  return Math.max(jittered, Math.round(asked));
}
