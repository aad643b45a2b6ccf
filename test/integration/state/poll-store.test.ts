import { randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPollStore, LeaseLostError } from "../../../src/state/poll-store.js";
import { openStateDb, type StateDb } from "../../../src/state/state-db.js";

const POSTGRES_URL = process.env.TEST_DATABASE_URL || "postgres://postgres@127.0.0.1:5432/test";
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// Both engines; two connections stand for two router processes.
describe.each([
  ["SQLite", () => ({ dataDir: mkdtempSync(join(tmpdir(), "wr-polls-")) })],
  ["PostgreSQL", () => ({ dataDir: "unused", databaseUrl: POSTGRES_URL })],
])("the poll store on %s", (_name, options) => {
  let db: StateDb;
  let other: StateDb;
  const sources: string[] = [];
  const source = () => {
    const id = `poll-${randomUUID().slice(0, 12)}`;
    sources.push(id);
    return id;
  };

  beforeAll(async () => {
    const where = options();
    db = await openStateDb(where);
    other = await openStateDb(where);
  });
  afterAll(async () => {
    if (sources.length > 0) {
      await db?.deleteFrom("poll_state").where("source_id", "in", sources).execute();
      await db?.deleteFrom("poll_seen").where("source_id", "in", sources).execute();
    }
    await other?.destroy();
    await db?.destroy();
  });

  it("leases a source to one process at a time, of many asking at once", async () => {
    const id = source();
    const stores = [createPollStore(db), createPollStore(other)];
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => stores[i % 2]!.takeLease(id, `proc-${i}`, 60_000)));
    expect(answers.filter((lease) => lease !== undefined)).toHaveLength(1);
  });

  it("fences a holder whose lease was taken over: its page commit, its renewal and its run's end all fail and write nothing", async () => {
    const id = source();
    const [a, b] = [createPollStore(db), createPollStore(other)];
    const stale = (await a.takeLease(id, "proc-a", 200))!;
    await a.commitPage(stale, { highWaterMs: 1000, run: { sinceMs: 0, position: '{"page":2}' }, seen: [{ eventId: "e1", modifiedMs: 1000 }] });
    await sleep(300);
    const fresh = (await b.takeLease(id, "proc-b", 60_000))!;
    expect(fresh.fence).toBe(stale.fence + 1);

    await expect(
      a.commitPage(stale, { highWaterMs: 9999, run: { sinceMs: 0, position: '{"page":3}' }, seen: [{ eventId: "e2", modifiedMs: 9999 }] }),
    ).rejects.toThrow(LeaseLostError);
    await expect(a.finishRun(stale, { cursorMs: 9999, highWaterMs: 9999, items: 1, pages: 1, at: Date.now() })).rejects.toThrow(LeaseLostError);
    expect(await a.renew(stale, 60_000)).toBe(false);
    const state = await b.read(id);
    expect(state).toMatchObject({ owner: "proc-b", highWaterMs: 1000, cursorMs: undefined, run: { sinceMs: 0, position: '{"page":2}' } });
    expect(await b.seen(id, ["e1", "e2"])).toEqual(new Set(["e1"]));
  });

  it("moves the cursor forward only (unless forced), clears the run, and forgets seen items older than the cursor", async () => {
    const id = source();
    const store = createPollStore(db);
    const lease = (await store.takeLease(id, "proc", 60_000))!;
    await store.commitPage(lease, {
      highWaterMs: 5000,
      run: { sinceMs: 0, position: "{}" },
      seen: [1000, 4000, 5000].map((ms) => ({ eventId: `e${ms}`, modifiedMs: ms })),
    });
    await store.finishRun(lease, { cursorMs: 3000, highWaterMs: 5000, items: 3, pages: 1, at: 42 });
    expect(await store.read(id)).toMatchObject({ cursorMs: 3000, run: undefined, lastSuccessAt: 42, lastItems: 3 });
    expect(await store.seen(id, ["e1000", "e4000", "e5000"])).toEqual(new Set(["e4000", "e5000"]));

    await store.finishRun(lease, { cursorMs: 100, highWaterMs: 200, items: 0, pages: 1, at: 43, keepRun: true });
    expect(await store.read(id)).toMatchObject({ cursorMs: 3000, highWaterMs: 5000 });
    await store.finishRun(lease, { cursorMs: 100, highWaterMs: 200, items: 0, pages: 1, at: 44, force: true, keepRun: true });
    expect(await store.read(id)).toMatchObject({ cursorMs: 100 });
  });

  it("hands the lease to a process that asks for it (poll run by hand), and no third process takes it meanwhile", async () => {
    const id = source();
    const store = createPollStore(db);
    const held = (await store.takeLease(id, "scheduler", 60_000))!;
    expect(await store.takeLease(id, "by-hand", 60_000)).toBeUndefined();
    await store.request(id, "by-hand", 60_000);
    expect((await store.read(id))?.requested?.by).toBe("by-hand");
    await store.release(held);
    expect(await store.takeLease(id, "standby", 60_000)).toBeUndefined();
    const lease = await store.takeLease(id, "by-hand", 60_000);
    expect(lease?.fence).toBe(held.fence + 1);
    expect((await store.read(id))?.requested).toBeUndefined();
  });

  it("records a failed run with the time it began failing, kept across further failures", async () => {
    const id = source();
    const store = createPollStore(db);
    const lease = (await store.takeLease(id, "proc", 60_000))!;
    await store.failRun(lease, "GET http://api/products answered 503", 1000);
    await store.failRun(lease, "GET http://api/products answered 502", 2000);
    expect(await store.read(id)).toMatchObject({ failingSince: 1000, lastErrorAt: 2000, lastError: "GET http://api/products answered 502" });
    await store.finishRun(lease, { cursorMs: undefined, highWaterMs: undefined, items: 0, pages: 1, at: 3000 });
    expect((await store.read(id))?.failingSince).toBeUndefined();
  });
});
