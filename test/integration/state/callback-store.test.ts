import { randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CallbackStore, createCallbackStore } from "../../../src/state/callback-store.js";
import { openStateDb, type StateDb } from "../../../src/state/state-db.js";

const POSTGRES_URL = process.env.TEST_DATABASE_URL || "postgres://postgres@127.0.0.1:5432/test";

// Two handles on one store stand for two worker processes.
describe.each([
  ["SQLite", "sqlite" as const, () => ({ dataDir: mkdtempSync(join(tmpdir(), "wr-callbacks-")) })],
  ["PostgreSQL", "postgres" as const, () => ({ dataDir: "unused", databaseUrl: POSTGRES_URL })],
])("the store of unsettled callbacks on %s", (_name, engine, options) => {
  let db: StateDb;
  let other: StateDb;
  let one: CallbackStore;
  let two: CallbackStore;
  const route = `route-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    const where = options();
    db = await openStateDb(where);
    other = await openStateDb(where);
    one = await createCallbackStore(db, engine);
    two = await createCallbackStore(other, engine);
  });
  afterAll(async () => {
    await sql`delete from async_callbacks where route_id = ${route}`.execute(db).catch(() => {});
    await other?.destroy();
    await db?.destroy();
  });

  it("keeps a call's first payload for any worker until its callback is settled", async () => {
    expect(await two.pending(route, "e1")).toBeUndefined();
    await one.keep(route, "e1", '{"id":"e1","status":200,"body":1}');
    // A second keep (another worker ran it after all) does not replace what was first answered.
    await two.keep(route, "e1", '{"id":"e1","status":502,"error":{}}');
    expect(await two.pending(route, "e1")).toBe('{"id":"e1","status":200,"body":1}');
    expect(await one.pending(`${route}-other`, "e1")).toBeUndefined();
    await two.settled(route, "e1");
    expect(await one.pending(route, "e1")).toBeUndefined();
  });
});
