import { randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEchoStore, type RecordFingerprint } from "../../../src/state/echo-store.js";
import { openStateDb, type StateDb } from "../../../src/state/state-db.js";

const POSTGRES_URL = process.env.TEST_DATABASE_URL || "postgres://postgres@127.0.0.1:5432/test";
const WINDOW = 60_000;

// One suite, both engines; each test's records live under a system name of its own.
describe.each([
  ["SQLite", () => ({ dataDir: mkdtempSync(join(tmpdir(), "wr-echo-")) })],
  ["PostgreSQL", () => ({ dataDir: "unused", databaseUrl: POSTGRES_URL })],
])("the echo store on %s", (_name, options) => {
  let db: StateDb;
  const system = `sys-${randomUUID().slice(0, 8)}`;
  const record = (id: string, fingerprint: string): RecordFingerprint => ({ system, entity: "customer", id, fingerprint });

  beforeAll(async () => {
    db = await openStateDb(options());
  });
  afterAll(async () => {
    await db?.deleteFrom("echo_writes").where("system", "=", system).execute();
    await db?.destroy();
  });

  it("recognizes the values it wrote to a record, and names the route that wrote them", async () => {
    const echoes = createEchoStore(db);
    await echoes.remember(record("c-1", "f1"), "erp-to-tracktile", WINDOW);
    expect(await echoes.match(record("c-1", "f1"))).toMatchObject({ routeId: "erp-to-tracktile", writtenAt: expect.any(Number) });
    // Again: a platform that reports one change twice, or two routes reading the same webhook.
    expect(await echoes.match(record("c-1", "f1"))).toMatchObject({ routeId: "erp-to-tracktile" });
    expect(await echoes.match({ ...record("c-1", "f1"), entity: "order" })).toBeUndefined();
  });

  it("keeps every write of the window: two quick writes come back as two echoes, in any order", async () => {
    const echoes = createEchoStore(db);
    await echoes.remember(record("c-2", "first"), "w", WINDOW);
    await echoes.remember(record("c-2", "second"), "w", WINDOW);
    expect(await echoes.match(record("c-2", "second"))).toBeDefined();
    expect(await echoes.match(record("c-2", "first"))).toBeDefined();
  });

  it("forgets a record's writes once it reports other values: a later change back to them is real", async () => {
    const echoes = createEchoStore(db);
    await echoes.remember(record("c-3", "ours"), "w", WINDOW);
    expect(await echoes.match(record("c-3", "someone-else's"))).toBeUndefined();
    expect(await echoes.match(record("c-3", "ours"))).toBeUndefined();
  });

  it("stops recognizing a write past its window, and prunes it", async () => {
    let now = Date.now();
    const echoes = createEchoStore(db, () => now);
    await echoes.remember(record("c-4", "old"), "w", 1000);
    now += 1001;
    expect(await echoes.prune()).toBeGreaterThanOrEqual(1);
    const left = await db.selectFrom("echo_writes").select("record_id").where("system", "=", system).where("record_id", "=", "c-4").execute();
    expect(left).toEqual([]);
    await echoes.remember(record("c-5", "x"), "w", 1000);
    now += 1001;
    expect(await echoes.match(record("c-5", "x"))).toBeUndefined();
  });

  it("keeps an id longer than its column as a hash, still recognized", async () => {
    const echoes = createEchoStore(db);
    const long = "x".repeat(1000);
    await echoes.remember(record(long, "f"), "w", WINDOW);
    expect(await echoes.match(record(long, "f"))).toBeDefined();
    expect(await echoes.match(record(`${long}y`, "f"))).toBeUndefined();
  });
});
