import { randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DestinationLimits } from "../../../src/adapters/limits.js";
import { createLimitStore } from "../../../src/state/limit-store.js";
import { openStateDb, type StateDb } from "../../../src/state/state-db.js";
import { createDestinationLimiter, type Permit, type Turn } from "../../../src/worker/destination-limiter.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const OPTIONS = { leaseMs: 30_000, maxWaitMs: 2000, pollMs: 20 };

function permitOf(turn: Turn): Permit {
  if (turn.kind !== "granted") throw new Error(`expected a turn, was held back at ${turn.pool}`);
  return turn.permit;
}

// The limiter on a real SQLite state store; two handles on one file stand for two processes.
describe("a destination limiter", () => {
  let db: StateDb;
  let other: StateDb;
  const limits = (partial: Partial<DestinationLimits>): DestinationLimits => ({
    key: `test-${randomUUID()}`,
    windows: [],
    inFlight: undefined,
    ...partial,
  });

  beforeAll(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "wr-limiter-"));
    db = await openStateDb({ dataDir });
    other = await openStateDb({ dataDir });
  });
  afterAll(async () => {
    await other?.destroy();
    await db?.destroy();
  });

  it("holds a delivery back when no turn comes within its wait, without calling anything", async () => {
    const one = limits({ inFlight: 1 });
    const limiter = createDestinationLimiter(createLimitStore(db), one, { ...OPTIONS, maxWaitMs: 150 });
    permitOf(await limiter.acquire());
    const started = Date.now();
    expect(await limiter.acquire()).toMatchObject({ kind: "held", pool: `${one.key}:inflight` });
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it("gives the turn to a waiter in another process as soon as the holder releases it", async () => {
    const one = limits({ inFlight: 1 });
    const here = createDestinationLimiter(createLimitStore(db), one, OPTIONS);
    const there = createDestinationLimiter(createLimitStore(other), one, OPTIONS);
    const first = permitOf(await here.acquire());
    const waiting = there.acquire();
    await sleep(100);
    const released = Date.now();
    await first.release();
    // A permit, not `held` after maxWaitMs (2 s): the turn passed on when it was released.
    permitOf(await waiting);
    expect(Date.now() - released).toBeLessThan(1000);
  });

  it("keeps any window of `per` to `requests` calls, counted from the end of each call", async () => {
    const rate = limits({ windows: [{ requests: 3, perMs: 500 }] });
    const limiter = createDestinationLimiter(createLimitStore(db), rate, OPTIONS);
    const ends: number[] = [];
    const starts: number[] = [];
    for (let i = 0; i < 6; i += 1) {
      const permit = permitOf(await limiter.acquire());
      await permit.beforeCall(new AbortController().signal);
      starts.push(Date.now());
      await sleep(10); // the call
      ends.push(Date.now());
      await permit.release();
    }
    // The fourth call waits for the first slot: a window after the first call ended.
    for (let i = 3; i < 6; i += 1) expect(starts[i]! - ends[i - 3]!).toBeGreaterThanOrEqual(495);
    expect(starts[3]! - starts[0]!).toBeLessThan(700);
  });

  it("counts each further call of one delivery against the rate, and frees an unused turn at once", async () => {
    const rate = limits({ windows: [{ requests: 2, perMs: 60_000 }] });
    const limiter = createDestinationLimiter(createLimitStore(db), rate, { ...OPTIONS, maxWaitMs: 100 });
    const permit = permitOf(await limiter.acquire());
    const signal = new AbortController().signal;
    await permit.beforeCall(signal);
    await permit.beforeCall(signal); // a search, then a create: two calls, two slots
    await permit.release();
    expect((await limiter.acquire()).kind).toBe("held");

    const fresh = limits({ windows: [{ requests: 1, perMs: 60_000 }] });
    const unused = createDestinationLimiter(createLimitStore(db), fresh, { ...OPTIONS, maxWaitMs: 100 });
    await permitOf(await unused.acquire()).release(); // the delivery failed before calling
    permitOf(await unused.acquire());
  });

  it("lets a further call wait for its slot only as long as the delivery's signal allows", async () => {
    const rate = limits({ windows: [{ requests: 1, perMs: 60_000 }] });
    const limiter = createDestinationLimiter(createLimitStore(db), rate, OPTIONS);
    const permit = permitOf(await limiter.acquire());
    await permit.beforeCall(new AbortController().signal);
    await expect(permit.beforeCall(AbortSignal.timeout(100))).rejects.toThrow();
    await permit.release();
  });
});
