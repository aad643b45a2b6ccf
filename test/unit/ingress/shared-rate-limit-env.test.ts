import { describe, expect, it } from "vitest";
import { ConfigError } from "../../../src/config/config-error.js";
import { loadEnv } from "../../../src/env.js";
import { rateLimitPrefix, sharedRateLimitFromEnv } from "../../../src/ingress/shared-rate-limit-env.js";

function problemsOf(load: () => unknown): string {
  try {
    load();
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

const quiet = { warn() {}, info() {} };

describe("the shared rate limit's settings", () => {
  it("are off by default: each process counts alone, as before", async () => {
    const env = loadEnv({});
    expect(env.RATE_LIMIT_REDIS_URL).toBeUndefined();
    expect(env.RATE_LIMIT_PREFIX).toBeUndefined();
    expect(env.RATE_LIMIT_REDIS_TIMEOUT_MS).toBe(100);
    expect(await sharedRateLimitFromEnv(env, quiet)).toBeUndefined();
    // An empty variable is unset, like every other.
    expect(loadEnv({ RATE_LIMIT_REDIS_URL: "" }).RATE_LIMIT_REDIS_URL).toBeUndefined();
  });

  it("take a redis:// or rediss:// URL, with credentials and a database", () => {
    for (const url of ["redis://127.0.0.1:6379", "rediss://limits:s3cret@redis.internal:6380/2", "redis://redis"]) {
      expect(loadEnv({ RATE_LIMIT_REDIS_URL: url }).RATE_LIMIT_REDIS_URL).toBe(url);
    }
    expect(loadEnv({ RATE_LIMIT_REDIS_TIMEOUT_MS: "250" }).RATE_LIMIT_REDIS_TIMEOUT_MS).toBe(250);
  });

  it("refuse anything else, naming the variable and never the value", () => {
    for (const url of ["127.0.0.1:6379", "http://redis:6379", "redis://", "amqp://guest:s3cret@redis"]) {
      const message = problemsOf(() => loadEnv({ RATE_LIMIT_REDIS_URL: url }));
      expect(message).toMatch(/environment variable RATE_LIMIT_REDIS_URL: expected a redis:\/\/ or rediss:\/\/ URL/);
      expect(message).not.toContain("s3cret");
    }
    expect(problemsOf(() => loadEnv({ RATE_LIMIT_REDIS_TIMEOUT_MS: "0" }))).toMatch(/RATE_LIMIT_REDIS_TIMEOUT_MS/);
    expect(problemsOf(() => loadEnv({ RATE_LIMIT_REDIS_TIMEOUT_MS: "60000" }))).toMatch(/RATE_LIMIT_REDIS_TIMEOUT_MS/);
  });

  it("key every count under the exchange's name unless RATE_LIMIT_PREFIX says otherwise: two routers on one Redis keep apart", () => {
    expect(rateLimitPrefix(loadEnv({}))).toBe("webhook-router:events:rate-limit:");
    expect(rateLimitPrefix(loadEnv({ AMQP_EXCHANGE: "staging.events" }))).toBe("webhook-router:staging.events:rate-limit:");
    expect(rateLimitPrefix(loadEnv({ AMQP_EXCHANGE: "staging.events", RATE_LIMIT_PREFIX: "acme:rl:" }))).toBe("acme:rl:");
  });

  it("make a shared rate limit that is not connected until its start-up part connects it", async () => {
    const shared = await sharedRateLimitFromEnv(loadEnv({ RATE_LIMIT_REDIS_URL: "redis://127.0.0.1:1" }), quiet);
    expect(shared).toBeDefined();
    expect(shared!.problems).toEqual([]);
    await shared!.close();
  });
});
