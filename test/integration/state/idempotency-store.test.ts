import { randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { IdempotencyStore } from "../../../src/contracts/sync-call.js";
import { createIdempotencyStore } from "../../../src/state/idempotency-store.js";
import { openStateDb, type StateDb } from "../../../src/state/state-db.js";

const POSTGRES_URL = process.env.TEST_DATABASE_URL || "postgres://postgres@127.0.0.1:5432/test";
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// Two handles on one store stand for two ingress replicas.
describe.each([
  ["SQLite", "sqlite" as const, () => ({ dataDir: mkdtempSync(join(tmpdir(), "wr-idem-")) })],
  ["PostgreSQL", "postgres" as const, () => ({ dataDir: "unused", databaseUrl: POSTGRES_URL })],
])("the Idempotency-Key store on %s", (_name, engine, options) => {
  let db: StateDb;
  let other: StateDb;
  let one: IdempotencyStore;
  let two: IdempotencyStore;
  const endpoint = `ep-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    const where = options();
    db = await openStateDb(where);
    other = await openStateDb(where);
    one = await createIdempotencyStore(db, engine);
    two = await createIdempotencyStore(other, engine);
  });
  afterAll(async () => {
    await sql`delete from api_idempotency where endpoint_id = ${endpoint}`.execute(db).catch(() => {});
    await other?.destroy();
    await db?.destroy();
  });

  it("gives a key to one call at once; the others see it pending, then its answer", async () => {
    const answers = await Promise.all([one.begin(endpoint, "k1", 60_000), two.begin(endpoint, "k1", 60_000), one.begin(endpoint, "k1", 60_000)]);
    expect(answers.filter((answer) => answer.kind === "new")).toHaveLength(1);
    expect(answers.filter((answer) => answer.kind === "pending")).toHaveLength(2);
    await one.finish(endpoint, "k1", 200, '{"price":1}', 60_000);
    expect(await two.begin(endpoint, "k1", 60_000)).toEqual({ kind: "done", status: 200, body: '{"price":1}' });
    expect(await two.begin(`${endpoint}-b`, "k1", 60_000)).toEqual({ kind: "new" });
    await two.abandon(`${endpoint}-b`, "k1");
  });

  it("frees an abandoned key, and takes over a pending key or an answer past their time", async () => {
    expect(await one.begin(endpoint, "k2", 60_000)).toEqual({ kind: "new" });
    await one.abandon(endpoint, "k2");
    expect(await two.begin(endpoint, "k2", 50)).toEqual({ kind: "new" });
    await sleep(80);
    expect(await one.begin(endpoint, "k2", 60_000)).toEqual({ kind: "new" });
    await one.finish(endpoint, "k2", 504, "{}", 50);
    await sleep(80);
    expect(await two.begin(endpoint, "k2", 60_000)).toEqual({ kind: "new" });
  });
});
