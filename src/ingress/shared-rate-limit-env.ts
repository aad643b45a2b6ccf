import type { IngressEnv } from "./ingress-env.js";
import type { SharedRateLimit } from "./shared-rate-limit.js";
import type { OutageLogger } from "./store-outage.js";

type SharedLimitEnv = Pick<IngressEnv, "RATE_LIMIT_REDIS_URL" | "RATE_LIMIT_PREFIX" | "RATE_LIMIT_REDIS_TIMEOUT_MS"> & {
  /** The exchange names the router in the default prefix: two routers sharing a Redis keep apart. */
  readonly AMQP_EXCHANGE: string;
};

/** The Redis keys' prefix: RATE_LIMIT_PREFIX, or one derived from the exchange. */
export function rateLimitPrefix(env: Pick<SharedLimitEnv, "RATE_LIMIT_PREFIX" | "AMQP_EXCHANGE">): string {
  return env.RATE_LIMIT_PREFIX ?? `webhook-router:${env.AMQP_EXCHANGE}:rate-limit:`;
}

/**
 * The shared rate limit when RATE_LIMIT_REDIS_URL is set, not yet connected; undefined otherwise.
 * The Redis client is loaded only then: importing it costs ~0.4 s of start-up.
 */
export async function sharedRateLimitFromEnv(env: SharedLimitEnv, logger: OutageLogger): Promise<SharedRateLimit | undefined> {
  if (!env.RATE_LIMIT_REDIS_URL) return undefined;
  const { createSharedRateLimit } = await import("./shared-rate-limit.js");
  return createSharedRateLimit({ url: env.RATE_LIMIT_REDIS_URL, prefix: rateLimitPrefix(env), timeoutMs: env.RATE_LIMIT_REDIS_TIMEOUT_MS, logger });
}
