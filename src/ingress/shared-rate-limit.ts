import { RedisStore } from "rate-limit-redis";
import { createClient } from "redis";
import { redactUrl } from "../config/env.js";
import type { Hits, SharedHits, SharedHitsFor } from "./rate-limit.js";
import { type OutageLogger, type RateLimitProblem, StoreOutage } from "./store-outage.js";

export type { RateLimitProblem } from "./store-outage.js";

export interface SharedRateLimitOptions {
  /** RATE_LIMIT_REDIS_URL: redis:// or rediss://. */
  readonly url: string;
  /** What every key starts with; the source id and the client's key follow. */
  readonly prefix: string;
  /** How long a request waits for a count before this process counts alone. */
  readonly timeoutMs: number;
  readonly logger: OutageLogger;
}

/** The rate limits every ingress replica shares, counted in Redis by rate-limit-redis. */
export interface SharedRateLimit {
  readonly hitsFor: SharedHitsFor;
  /** For /readyz: set while Redis does not answer. */
  readonly problems: readonly RateLimitProblem[];
  /** Checks counted in this process alone since start, Redis not answering (for metrics). */
  readonly fallbacks: number;
  /** Connects, waiting at most `waitMs`: a Redis that does not answer never stops the start. */
  connect(waitMs: number): Promise<void>;
  close(): Promise<void>;
}

/** After a failed count, how long requests count alone before Redis is asked again. */
const RETRY_AFTER_FAILURE_MS = 1_000;

/**
 * The client stays offline-queue-less (a command while disconnected fails at once) and reconnects
 * forever with node-redis's backoff (≤ 2 s). A count that takes longer than `timeoutMs` is left
 * to finish on its own and this process counts alone; so does every request for a second after a
 * failure, so a hung Redis costs one wait a second, not one per request.
 */
export function createSharedRateLimit(options: SharedRateLimitOptions): SharedRateLimit {
  const where = `Redis at ${redactUrl(options.url)} (RATE_LIMIT_REDIS_URL)`;
  const outage = new StoreOutage(where, options.logger);
  const client = createClient({ url: options.url, disableOfflineQueue: true, socket: { connectTimeout: 2_000 } });
  const sendCommand = (...args: string[]) => client.sendCommand(args) as Promise<string | number | boolean | Array<string | number | boolean>>;
  const counters = new Set<{ reload(): void }>();
  let retryAt = 0;
  let closed = false;

  client.on("error", (error: unknown) => {
    if (!closed) outage.failed(error);
  });
  client.on("ready", () => {
    // A Redis restarted may have lost the counting script: load it again before the next count.
    for (const counter of counters) counter.reload();
    retryAt = 0;
    outage.answered();
  });

  const hitsFor: SharedHitsFor = (sourceId, windowMs) => {
    const store = new RedisStore({ sendCommand, prefix: `${options.prefix}${sourceId}:` });
    let loaded: Promise<void> | undefined;
    const load = () => {
      loaded ??= store.init({ windowMs } as Parameters<RedisStore["init"]>[0]).catch((error: unknown) => {
        loaded = undefined;
        throw error;
      });
      return loaded;
    };
    counters.add({ reload: () => (loaded = undefined) });
    const count = async (clientKey: string): Promise<Hits> => {
      await load();
      return store.increment(clientKey);
    };
    const hits: SharedHits = {
      async increment(clientKey) {
        if (!client.isReady || Date.now() < retryAt) {
          if (!outage.down && !closed) outage.failed(new Error("not connected"));
          outage.fellBack();
          return undefined;
        }
        try {
          const counted = await withinMs(count(clientKey), options.timeoutMs);
          if (outage.down) outage.answered();
          return counted;
        } catch (error) {
          retryAt = Date.now() + RETRY_AFTER_FAILURE_MS;
          outage.failed(error);
          outage.fellBack();
          return undefined;
        }
      },
    };
    return hits;
  };

  let connecting: Promise<unknown> | undefined;
  return {
    hitsFor,
    get problems() {
      return outage.problems;
    },
    get fallbacks() {
      return outage.fallbacks;
    },
    async connect(waitMs) {
      // Rejects only when closed before it connected; errors on the way arrive as "error" events.
      connecting ??= client.connect().catch(() => undefined);
      await withinMs(connecting, waitMs).catch(() => undefined);
      if (client.isReady) options.logger.info({ prefix: options.prefix }, `${where}: rate limits shared with every replica`);
    },
    async close() {
      closed = true;
      client.destroy();
      await connecting;
    },
  };
}

class RedisTimeoutError extends Error {
  override readonly name = "RedisTimeoutError";
}

/**
 * `work`, or a RedisTimeoutError after `ms`. The timeout is decided one turn later (setImmediate,
 * after the poll phase): after the event loop was blocked, timers run before pending I/O, and an
 * answer already waiting in the socket would otherwise lose to a timer that expired meanwhile.
 */
function withinMs<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  let immediate: NodeJS.Immediate | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      immediate = setImmediate(() => reject(new RedisTimeoutError(`no answer within ${ms} ms`)));
    }, ms);
  });
  return Promise.race([work, late]).finally(() => {
    clearTimeout(timer);
    clearImmediate(immediate);
  });
}
