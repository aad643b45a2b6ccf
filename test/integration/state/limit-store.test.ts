import { randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLimitStore, type HeldSlot, type SlotAnswer, type SlotPool } from "../../../src/state/limit-store.js";
import { openStateDb, type StateDb } from "../../../src/state/state-db.js";

const POSTGRES_URL = process.env.TEST_DATABASE_URL || "postgres://postgres@127.0.0.1:5432/test";
const LEASE = 60_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function slots(answer: SlotAnswer): readonly HeldSlot[] {
  if (answer.kind !== "granted") throw new Error(`expected a grant, got full ${answer.pool}`);
  return answer.slots;
}

// One conformance suite, both engines; two connections stand for two worker processes.
describe.each([
  ["SQLite", () => ({ dataDir: mkdtempSync(join(tmpdir(), "wr-limits-")) })],
  ["PostgreSQL", () => ({ dataDir: "unused", databaseUrl: POSTGRES_URL })],
])("the limit store on %s", (_name, options) => {
  let db: StateDb;
  let other: StateDb;
  const prefix = `test-${randomUUID()}`;
  const pool = (name: string, size: number, windowMs: number): SlotPool => ({ pool: `${prefix}:${name}`, size, windowMs });

  beforeAll(async () => {
    const where = options();
    db = await openStateDb(where);
    other = await openStateDb(where);
  });
  afterAll(async () => {
    await db?.deleteFrom("limit_slots").where("pool", "like", `${prefix}:%`).execute();
    await other?.destroy();
    await db?.destroy();
  });

  it("holds a rate window: a used slot comes free a window after its call ended, an unused one at once", async () => {
    const store = createLimitStore(db);
    const rate = pool("rate", 2, 400);
    const a = slots(await store.take([rate], LEASE));
    const b = slots(await store.take([rate], LEASE));
    const full = await store.take([rate], LEASE);
    expect(full).toMatchObject({ kind: "full", pool: rate.pool });
    // Both held: the first frees at its lease's end plus the window, unless given back.
    expect((full as { retryInMs: number }).retryInMs).toBeGreaterThan(LEASE);
    await store.give(a, true);
    await store.give(b, false);
    const again = slots(await store.take([rate], LEASE)); // b's slot: never used
    const refused = await store.take([rate], LEASE);
    expect(refused.kind).toBe("full");
    expect((refused as { retryInMs: number }).retryInMs).toBeGreaterThan(200);
    expect((refused as { retryInMs: number }).retryInMs).toBeLessThanOrEqual(400);
    await sleep((refused as { retryInMs: number }).retryInMs + 20);
    slots(await store.take([rate], LEASE));
    await store.give(again, true);
  });

  it("holds an in-flight limit: a slot comes free when its holder gives it back", async () => {
    const store = createLimitStore(db);
    const flight = pool("flight", 2, 0);
    const a = slots(await store.take([flight], LEASE));
    slots(await store.take([flight], LEASE));
    expect((await store.take([flight], LEASE)).kind).toBe("full");
    await store.give(a, true);
    slots(await store.take([flight], LEASE));
  });

  it("frees the slot of a worker that died holding it once its lease has run out", async () => {
    const store = createLimitStore(db);
    const flight = pool("crash", 1, 0);
    const dead = slots(await store.take([flight], 200));
    expect((await store.take([flight], LEASE)).kind).toBe("full");
    await sleep(260);
    const taken = slots(await store.take([flight], LEASE));
    // The late give of the dead holder leaves the new holder's slot alone.
    await store.give(dead, true);
    expect((await store.take([flight], LEASE)).kind).toBe("full");
    await store.give(taken, true);
  });

  it("takes every pool or none", async () => {
    const store = createLimitStore(db);
    const rate = pool("both-rate", 1, 1000);
    const flight = pool("both-flight", 1, 0);
    const held = slots(await store.take([flight], LEASE));
    expect(await store.take([rate, flight], LEASE)).toMatchObject({ kind: "full", pool: flight.pool });
    // The rate slot was not taken by the refused take.
    slots(await store.take([rate], LEASE));
    await store.give(held, true);
  });

  it("grants exactly `size` slots to many concurrent takers on two connections", async () => {
    const stores = [createLimitStore(db), createLimitStore(other)];
    const rate = pool("race", 5, 60_000);
    const answers = await Promise.all(Array.from({ length: 24 }, (_, i) => stores[i % 2]!.take([rate], LEASE)));
    expect(answers.filter((answer) => answer.kind === "granted")).toHaveLength(5);
    const taken = answers.flatMap((answer) => (answer.kind === "granted" ? answer.slots.map((slot) => slot.slot) : []));
    expect(new Set(taken).size).toBe(5);
  });

  it("uses only the first `size` slots when a pool's size is lowered", async () => {
    const store = createLimitStore(db);
    const big = pool("resize", 4, 60_000);
    slots(await store.take([big], LEASE));
    const small = { ...big, size: 1 };
    const answer = await createLimitStore(other).take([small], LEASE);
    // Slot 0 went first (all were free at 0); the smaller pool has no other.
    expect(answer.kind).toBe("full");
  });
});
