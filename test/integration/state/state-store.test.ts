import { randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import SQLite from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDeliveryLog } from "../../../src/ops/delivery-log/index.js";
import { createDeliveryStore } from "../../../src/state/delivery-store.js";
import { openStateDb, type StateDb } from "../../../src/state/state-db.js";
import { createSqlTokenStore } from "../../../src/state/token-store.js";
import { captureLogs, tableOf } from "../../unit/delivery-log/fixtures.js";

const POSTGRES_URL = process.env.TEST_DATABASE_URL || "postgres://postgres@127.0.0.1:5432/test";

// The same Kysely queries on both engines: embedded SQLite by default, PostgreSQL when several
// worker machines share dedup records.
describe.each([
  ["SQLite in DATA_DIR", () => ({ dataDir: mkdtempSync(join(tmpdir(), "wr-state-")) })],
  ["PostgreSQL", () => ({ dataDir: "unused", databaseUrl: POSTGRES_URL })],
])("the state store on %s", (_name, options) => {
  let db: StateDb;
  const route = `route-${randomUUID()}`;

  beforeAll(async () => {
    db = await openStateDb(options());
  });
  afterAll(async () => {
    await db?.deleteFrom("delivered").where("route_id", "=", route).execute();
    await db?.destroy();
  });

  it("remembers delivered (route, event id) pairs, per route", async () => {
    const store = createDeliveryStore(db);
    expect(await store.isDelivered(route, "evt-1")).toBe(false);
    await store.markDelivered(route, "evt-1", "INV-145");
    expect(await store.isDelivered(route, "evt-1")).toBe(true);
    expect(await store.isDelivered(`${route}-other`, "evt-1")).toBe(false);
  });

  it("marking twice is harmless (two workers racing on a redelivery)", async () => {
    const store = createDeliveryStore(db);
    await store.markDelivered(route, "evt-2", undefined);
    await expect(store.markDelivered(route, "evt-2", undefined)).resolves.toBeUndefined();
  });

  it("forgets records older than the retention", async () => {
    const store = createDeliveryStore(db);
    await db
      .insertInto("delivered")
      .values({ route_id: route, event_id: "evt-old", target_id: null, delivered_at: Date.now() - 40 * 86_400_000 })
      .execute();
    expect(await store.prune(30 * 86_400_000)).toBeGreaterThanOrEqual(1);
    expect(await store.isDelivered(route, "evt-old")).toBe(false);
    expect(await store.isDelivered(route, "evt-1")).toBe(true);
  });

  it("keeps the latest rotating token", async () => {
    const tokens = createSqlTokenStore(db);
    const key = `quickbooks:${route}:refresh`;
    expect(await tokens.get(key)).toBeUndefined();
    await tokens.set(key, "first");
    await tokens.set(key, "second");
    expect(await tokens.get(key)).toBe("second");
    await db.deleteFrom("tokens").where("key", "=", key).execute();
  });

  it("compare-and-set never puts an older token over a newer one", async () => {
    const tokens = createSqlTokenStore(db);
    const key = `quickbooks:${route}:cas`;
    expect(await tokens.compareAndSet(key, undefined, "r1")).toBe(true);
    // A second first-writer finds the row taken.
    expect(await tokens.compareAndSet(key, undefined, "r1-other")).toBe(false);
    expect(await tokens.compareAndSet(key, "r1", "r2")).toBe(true);
    // A process still holding r1 refreshed too late: r2 stays.
    expect(await tokens.compareAndSet(key, "r1", "r2-stale")).toBe(false);
    expect(await tokens.get(key)).toBe("r2");
    await db.deleteFrom("tokens").where("key", "=", key).execute();
  });

  it("leases a token to one owner at a time; an expired lease goes to the next taker", async () => {
    const tokens = createSqlTokenStore(db);
    const key = `quickbooks:${route}:refresh`;
    const takers = await Promise.all(["a", "b", "c", "d"].map((owner) => tokens.lease(key, owner, 60_000)));
    expect(takers.filter(Boolean)).toHaveLength(1);
    const holder = ["a", "b", "c", "d"][takers.indexOf(true)]!;
    const other = holder === "a" ? "b" : "a";
    expect(await tokens.lease(key, holder, 60_000)).toBe(true);
    await tokens.release(key, other);
    expect(await tokens.lease(key, other, 60_000)).toBe(false);
    await tokens.release(key, holder);
    expect(await tokens.lease(key, other, 50)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(await tokens.lease(key, holder, 60_000)).toBe(true);
    await tokens.release(key, holder);
  });
});

// The worker acks a message right after markDelivered: on SQLite the record must be committed by
// then, even while the delivery log (same connection) is writing a batch.
describe("the SQLite dedup store", () => {
  it("has committed each record when markDelivered resolves, with log batches in between", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "wr-state-"));
    const db = await openStateDb({ dataDir });
    const other = new SQLite(join(dataDir, "state.sqlite"), { readonly: true });
    const log = createDeliveryLog({
      db,
      table: tableOf(["src"], { orders: ["src.#"] }),
      logger: captureLogs().logger,
      engine: "sqlite",
      retentionMs: 0,
      writer: { flushMs: 1, batchRows: 2 },
    });
    try {
      const store = createDeliveryStore(db);
      for (let i = 0; i < 20; i += 1) {
        log.outcome({ kind: "delivered", receipt: { status: 200 } }, { routeId: "orders", eventId: `evt-${i}`, attempt: 1 });
        const flushing = log.flush();
        await store.markDelivered("orders", `evt-${i}`, undefined);
        const seen = other.prepare("select count(*) from delivered where route_id = ? and event_id = ?").pluck().get("orders", `evt-${i}`);
        expect(seen).toBe(1);
        await flushing;
      }
      expect(other.prepare("select count(*) from log_attempts").pluck().get()).toBe(20);
    } finally {
      await log.close(1000);
      other.close();
      await db.destroy();
    }
  });

  it("commits marks made together in one transaction, and resolves each only once committed", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "wr-state-"));
    const db = await openStateDb({ dataDir });
    const other = new SQLite(join(dataDir, "state.sqlite"), { readonly: true });
    try {
      const store = createDeliveryStore(db);
      const marks = Array.from({ length: 50 }, (_, i) => store.markDelivered("orders", `evt-${i}`, `T-${i}`));
      expect(other.prepare("select count(*) from delivered").pluck().get()).toBe(0);
      await Promise.all(marks);
      expect(other.prepare("select count(*) from delivered").pluck().get()).toBe(50);
      expect(await store.isDelivered("orders", "evt-49")).toBe(true);
    } finally {
      other.close();
      await db.destroy();
    }
  });

  it("rejects every mark of a commit that fails (the events are retried)", async () => {
    const db = await openStateDb({ dataDir: mkdtempSync(join(tmpdir(), "wr-state-")) });
    const store = createDeliveryStore(db);
    const marks = [store.markDelivered("orders", "evt-1", undefined), store.markDelivered("orders", "evt-2", undefined)];
    await db.destroy();
    for (const mark of marks) await expect(mark).rejects.toThrow();
  });
});
