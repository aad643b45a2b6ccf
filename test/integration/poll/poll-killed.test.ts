import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startFakeTracktileApi, type FakeTracktileApi } from "../../helpers/fake-tracktile-api.js";
import { tapExchange, type QueueTap } from "../../helpers/rabbit.js";
import { startRouterProcess, type RouterProcess } from "../../helpers/router-process.js";
import { POSTGRES_URL } from "../../helpers/worker-pair.js";
import { createPollStore } from "../../../src/state/poll-store.js";
import { openStateDb } from "../../../src/state/state-db.js";
import { eventsOf, eventually, pollRoutes, products, stock, tempDir } from "./poll-setup.js";

const TOKEN = "api-poll-test";

describe("a polling source's router killed (SIGKILL) between two pages", () => {
  let api: FakeTracktileApi;
  let tap: QueueTap;
  const taps: QueueTap[] = [];
  const routers: RouterProcess[] = [];
  const cleanups: Array<() => void | Promise<void>> = [];

  beforeAll(async () => {
    api = await startFakeTracktileApi(TOKEN);
  });
  beforeEach(async () => {
    tap = await tapExchange();
    taps.push(tap);
  });
  // Every test's routers poll the same stand-in: none may outlive its test.
  afterEach(async () => {
    await Promise.all(routers.splice(0).map((router) => router.kill("SIGKILL")));
  });
  afterAll(async () => {
    await Promise.all(routers.map((router) => router.kill("SIGKILL")));
    await Promise.all(taps.map((each) => each.close()));
    await api?.close();
    for (const cleanup of cleanups) await cleanup();
  });

  const start = async (env: Record<string, string> & { DATA_DIR: string }) => {
    const router = await startRouterProcess({ AMQP_EXCHANGE: tap.exchange, POLL_TEST_TOKEN: TOKEN, ...env }, { role: "scheduler" });
    routers.push(router);
    return router;
  };

  it("publishes every product exactly once after the restart, resuming at the page in hand, and leaves the cursor at the newest change less the overlap", async () => {
    const list = products(25);
    stock(api, list);
    const routes = pollRoutes({ api, size: 10 });
    const data = tempDir("wr-poll-data-");
    cleanups.push(routes.cleanup, data.cleanup);
    const held = api.products.hold(3);

    // A restarted process is a new owner: it waits for the dead one's lease to expire.
    const env = { DATA_DIR: data.dir, ROUTES_DIR: routes.dir, POLL_LEASE_TTL: "2s" };
    const first = await start(env);
    await held.arrived; // pages 1 and 2 published and committed; page 3 asked for
    await tap.waitFor(20);
    expect(await first.kill("SIGKILL")).toBe(null);
    held.release();
    const windowStart = api.products.requests[0]!.modifiedSince;
    expect(windowStart).toBe("2025-01-01T00:00:00.000Z");

    const asked = api.products.requests.length;
    const second = await start(env);
    await tap.waitFor(25, 10_000);
    await eventually(() => second.logs.some((line) => line.msg === "poll run complete"), 10_000, "the resumed run completes");
    await new Promise((resolve) => setTimeout(resolve, 300));
    await second.kill("SIGTERM");

    // The restart went on at page 3 of the same window, not at page 1.
    expect(api.products.requests[asked]).toEqual({ modifiedSince: windowStart, page: 3, limit: 10 });
    const events = eventsOf(tap.messages);
    expect(events).toHaveLength(25);
    expect(new Set(events.map((event) => event.subject))).toEqual(new Set(list.map((product) => product.id)));
    expect(new Set(events.map((event) => event.id)).size).toBe(25);
    expect(events[0]).toMatchObject({ type: `${routes.sourceId}.product.changed`, time: list[0]!.updatedAt });

    const db = await openStateDb({ dataDir: data.dir });
    try {
      const state = await createPollStore(db).read(routes.sourceId);
      const newest = Date.parse(list.at(-1)!.updatedAt);
      expect(state).toMatchObject({ highWaterMs: newest, cursorMs: newest - 5 * 60_000, run: undefined, lastItems: 25, lastPages: 3 });
    } finally {
      await db.destroy();
    }
  }, 60_000);

  it("polls from one process of two; the other takes over once the holder is killed and its lease expires, publishing nothing twice", async () => {
    const list = products(12);
    stock(api, list);
    const routes = pollRoutes({ api, size: 5, every: "1s" });
    const dirs = [tempDir("wr-poll-a-"), tempDir("wr-poll-b-")];
    cleanups.push(routes.cleanup, ...dirs.map((dir) => dir.cleanup));
    const shared = { ROUTES_DIR: routes.dir, DATABASE_URL: POSTGRES_URL, POLL_LEASE_TTL: "1500ms" };
    cleanups.push(() => forgetInPostgres(routes.sourceId));
    const pair = [await start({ ...shared, DATA_DIR: dirs[0]!.dir }), await start({ ...shared, DATA_DIR: dirs[1]!.dir })];
    const runs = (router: RouterProcess) => router.logs.filter((line) => line.msg === "poll run complete" && line.poll === routes.sourceId).length;

    await tap.waitFor(12, 10_000);
    await eventually(() => pair.some((router) => runs(router) >= 3), 10_000, "three runs");
    const [holder, standby] = runs(pair[0]!) > 0 ? [pair[0]!, pair[1]!] : [pair[1]!, pair[0]!];
    expect(runs(standby)).toBe(0);

    await holder.kill("SIGKILL");
    await eventually(() => runs(standby) >= 2, 10_000, "the standby polls after the lease expired");
    expect(standby.logs.some((line) => line.msg === "poll lease taken: this process polls the source")).toBe(true);

    // A product changed since: one new event for it, however many overlapping runs see it.
    api.products.upsert({ ...list[3]!, name: "renamed", updatedAt: new Date(Date.parse(list.at(-1)!.updatedAt) + 60_000).toISOString() });
    await tap.waitFor(12 + 1, 10_000);
    const before = runs(standby);
    await eventually(() => runs(standby) >= before + 2, 10_000, "two more runs");
    const events = eventsOf(tap.messages);
    expect(events).toHaveLength(13);
    expect(new Set(events.map((event) => event.id)).size).toBe(13);
    expect(events.filter((event) => event.subject === list[3]!.id)).toHaveLength(2);
  }, 60_000);

  it("stops cleanly on SIGTERM while a page is in hand: the request is dropped, the page is not committed, and the next start asks for it again", async () => {
    const list = products(9);
    stock(api, list);
    const routes = pollRoutes({ api, size: 3 });
    const data = tempDir("wr-poll-term-");
    cleanups.push(routes.cleanup, data.cleanup);
    const env = { DATA_DIR: data.dir, ROUTES_DIR: routes.dir, POLL_LEASE_TTL: "2s" };
    const held = api.products.hold(2);
    const first = await start(env);
    await held.arrived;
    const stopping = Date.now();
    expect(await first.kill("SIGTERM")).toBe(0);
    // The source's timeout is 30 s: the shutdown did not wait for the held request.
    expect(Date.now() - stopping).toBeLessThan(10_000);
    expect(first.logs.some((line) => line.msg === "poll run stopped by shutdown mid-page: that page is repeated by the next run")).toBe(true);
    held.release();

    const asked = api.products.requests.length;
    const second = await start(env);
    await tap.waitFor(9, 10_000);
    await second.kill("SIGTERM");
    expect(api.products.requests[asked]).toMatchObject({ page: 2 });
    expect(new Set(eventsOf(tap.messages).map((event) => event.id)).size).toBe(9);
    expect(tap.messages).toHaveLength(9);
  }, 60_000);
});

/** The shared PostgreSQL keeps no rows of this test's source once it is done. */
async function forgetInPostgres(sourceId: string): Promise<void> {
  const db = await openStateDb({ dataDir: "unused", databaseUrl: POSTGRES_URL });
  try {
    await db.deleteFrom("poll_state").where("source_id", "=", sourceId).execute();
    await db.deleteFrom("poll_seen").where("source_id", "=", sourceId).execute();
  } finally {
    await db.destroy();
  }
}
