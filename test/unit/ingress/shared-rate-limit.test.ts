import { describe, expect, it } from "vitest";
import { loadRoutes } from "../../../src/config/load-routes.js";
import { HttpError } from "../../../src/ingress/http-error.js";
import { createRateLimit, type Hits, type SharedHits, type SharedHitsFor } from "../../../src/ingress/rate-limit.js";

// The rate limit over the shared-count port, with an in-memory stand-in for Redis: what it counts
// decides, and when it cannot answer (undefined) the process counts alone.
const table = loadRoutes("test/fixtures/routes/rate-limited", {});
const limited = table.sources.get("limited");
if (!limited) throw new Error("fixture without the `limited` source");

/** Counts like the shared store, one map for every "replica" built on it; `down` makes it not answer. */
function memoryShared(): SharedHitsFor & { down: boolean; asked: Array<[string, number]>; counts: Map<string, number> } {
  const counts = new Map<string, number>();
  const asked: Array<[string, number]> = [];
  const shared = Object.assign(
    (sourceId: string, windowMs: number): SharedHits => {
      asked.push([sourceId, windowMs]);
      return {
        async increment(clientKey): Promise<Hits | undefined> {
          if (shared.down) return undefined;
          const key = `${sourceId}:${clientKey}`;
          const totalHits = (counts.get(key) ?? 0) + 1;
          counts.set(key, totalHits);
          return { totalHits, resetTime: new Date(Date.now() + 42_500) };
        },
      };
    },
    { down: false, asked, counts },
  );
  return shared;
}

async function outcome(check: Promise<void>): Promise<number | HttpError> {
  try {
    await check;
    return 202;
  } catch (error) {
    if (error instanceof HttpError) return error;
    throw error;
  }
}

describe("a rate limit shared by every replica", () => {
  it("asks the shared counter of its source, with the source's window", () => {
    const shared = memoryShared();
    createRateLimit(limited, shared);
    expect(shared.asked).toEqual([["limited", 60_000]]);
  });

  it("holds across two replicas counting in one store: max 3 in total, then the same 429 as alone", async () => {
    const shared = memoryShared();
    const [replicaA, replicaB] = [createRateLimit(limited, shared)!, createRateLimit(limited, shared)!];
    const results = [];
    for (let i = 0; i < 6; i += 1) results.push(await outcome((i % 2 === 0 ? replicaA : replicaB)("203.0.113.9")));
    expect(results.slice(0, 3)).toEqual([202, 202, 202]);
    for (const refusal of results.slice(3)) {
      expect(refusal).toBeInstanceOf(HttpError);
      expect(refusal).toMatchObject({ code: "rate_limited", status: 429, message: "more than 3 requests in 60 s from this address" });
      // Retry-After from the shared window's reset time, rounded up.
      expect((refusal as HttpError).retryAfterSeconds).toBe(43);
    }
    // Another address has its own count.
    expect(await outcome(replicaB("198.51.100.7"))).toBe(202);
  });

  it("counts in the process alone while the shared store does not answer, never refusing what the shared count would take", async () => {
    const shared = memoryShared();
    const rateLimit = createRateLimit(limited, shared)!;
    shared.down = true;
    const alone = [];
    for (let i = 0; i < 4; i += 1) alone.push(await outcome(rateLimit("203.0.113.9")));
    expect(alone.slice(0, 3)).toEqual([202, 202, 202]);
    expect(alone[3]).toMatchObject({ code: "rate_limited", status: 429 });
    expect(shared.counts.size).toBe(0);
    // Back: the shared count decides again (it saw none of those four).
    shared.down = false;
    expect(await outcome(rateLimit("203.0.113.9"))).toBe(202);
  });

  it("is no rate limit at all for a source that turns it off, shared or not", () => {
    const shared = memoryShared();
    expect(createRateLimit({ ...limited, limits: { ...limited.limits, rateLimit: false } }, shared)).toBeUndefined();
    expect(shared.asked).toEqual([]);
  });
});
