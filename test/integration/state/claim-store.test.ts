import { randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClaimStore, type ClaimAnswer } from "../../../src/state/claim-store.js";
import { createDeliveryStore } from "../../../src/state/delivery-store.js";
import { openStateDb, type StateDb } from "../../../src/state/state-db.js";

const POSTGRES_URL = process.env.TEST_DATABASE_URL || "postgres://postgres@127.0.0.1:5432/test";
const LEASE = 60_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const winners = (answers: readonly ClaimAnswer[]) => answers.filter((answer) => answer.kind === "claimed");

// One conformance suite, both engines. Two connections to the same store stand for two worker
// processes (SQLite: two handles on one file; PostgreSQL: two pools).
describe.each([
  ["SQLite", () => ({ dataDir: mkdtempSync(join(tmpdir(), "wr-claims-")) })],
  ["PostgreSQL", () => ({ dataDir: "unused", databaseUrl: POSTGRES_URL })],
])("the claim store on %s", (_name, options) => {
  let db: StateDb;
  let other: StateDb;
  const route = `route-${randomUUID()}`;

  beforeAll(async () => {
    const where = options();
    db = await openStateDb(where);
    other = await openStateDb(where);
  });
  afterAll(async () => {
    await db?.deleteFrom("claims").where("route_id", "=", route).execute();
    await db?.deleteFrom("delivered").where("route_id", "=", route).execute();
    await other?.destroy();
    await db?.destroy();
  });

  it("gives a free pair to the first claimant and tells the next one who holds it", async () => {
    const claims = createClaimStore(db);
    const first = await claims.claim(route, "evt-free", "worker-a", LEASE);
    expect(first).toMatchObject({ kind: "claimed", claim: { routeId: route, eventId: "evt-free", owner: "worker-a", fence: 1 } });
    const second = await claims.claim(route, "evt-free", "worker-b", LEASE);
    expect(second).toMatchObject({ kind: "busy", owner: "worker-a" });
    // The same owner is refused too: two copies in one process are two deliveries.
    expect(await claims.claim(route, "evt-free", "worker-a", LEASE)).toMatchObject({ kind: "busy" });
    expect(await claims.claim(`${route}-other`, "evt-free", "worker-b", LEASE)).toMatchObject({ kind: "claimed" });
    await db.deleteFrom("claims").where("route_id", "=", `${route}-other`).execute();
  });

  it("gives a pair to exactly one of many concurrent claimants, across two connections", async () => {
    const stores = [createClaimStore(db), createClaimStore(other)];
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => stores[i % 2]!.claim(route, "evt-race", `worker-${i}`, LEASE)));
    expect(winners(answers)).toHaveLength(1);
    expect(answers.filter((answer) => answer.kind === "busy")).toHaveLength(11);
  });

  it("lets the next claimant in once the holder releases", async () => {
    const claims = createClaimStore(db);
    const first = await claims.claim(route, "evt-release", "worker-a", LEASE);
    if (first.kind !== "claimed") throw new Error(`expected a claim, got ${first.kind}`);
    await claims.release(first.claim);
    expect(await claims.claim(route, "evt-release", "worker-b", LEASE)).toMatchObject({ kind: "claimed", claim: { owner: "worker-b", fence: 1 } });
  });

  it("takes over an expired claim with a higher fence, and the late owner's release leaves it alone", async () => {
    const claims = createClaimStore(db);
    const crashed = await claims.claim(route, "evt-expired", "worker-a", 1);
    if (crashed.kind !== "claimed") throw new Error(`expected a claim, got ${crashed.kind}`);
    await sleep(20);
    const taken = await createClaimStore(other).claim(route, "evt-expired", "worker-b", LEASE);
    expect(taken).toMatchObject({ kind: "claimed", claim: { owner: "worker-b", fence: 2 } });
    await claims.release(crashed.claim);
    expect(await claims.claim(route, "evt-expired", "worker-c", LEASE)).toMatchObject({ kind: "busy", owner: "worker-b" });
  });

  it("never gives out a pair that is recorded as delivered", async () => {
    const claims = createClaimStore(db);
    await createDeliveryStore(db).markDelivered(route, "evt-done", "SO-1");
    expect(await claims.claim(route, "evt-done", "worker-a", LEASE)).toEqual({ kind: "delivered" });
    const held = await claims.claim(route, "evt-done-later", "worker-a", LEASE);
    await createDeliveryStore(db).markDelivered(route, "evt-done-later", "SO-2");
    if (held.kind === "claimed") await claims.release(held.claim);
    expect(await claims.claim(route, "evt-done-later", "worker-b", LEASE)).toEqual({ kind: "delivered" });
  });

  it("released behind the delivery record, lets the next copy in only as a duplicate", async () => {
    const claims = createClaimStore(db);
    const held = await claims.claim(route, "evt-behind", "worker-a", LEASE);
    if (held.kind !== "claimed") throw new Error(`expected a claim, got ${held.kind}`);
    const recorded = createDeliveryStore(db).markDelivered(route, "evt-behind", "SO-3");
    await Promise.all([claims.release(held.claim, recorded), recorded]);
    expect(await db.selectFrom("claims").select("owner").where("route_id", "=", route).where("event_id", "=", "evt-behind").execute()).toEqual([]);
    expect(await createClaimStore(other).claim(route, "evt-behind", "worker-b", LEASE)).toEqual({ kind: "delivered" });
  });

  it("prunes claims left expired longer than the grace, and no live one", async () => {
    const claims = createClaimStore(db);
    await claims.claim(route, "evt-left", "worker-gone", 1);
    await claims.claim(route, "evt-live", "worker-a", LEASE);
    await sleep(20);
    expect(await claims.prune(5)).toBeGreaterThanOrEqual(1);
    const left = await db.selectFrom("claims").select("event_id").where("route_id", "=", route).execute();
    expect(left.map((row) => row.event_id)).not.toContain("evt-left");
    expect(left.map((row) => row.event_id)).toContain("evt-live");
  });
});
