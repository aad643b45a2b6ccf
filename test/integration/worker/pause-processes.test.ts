import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { openStateDb } from "../../../src/state/state-db.js";
import { FakeHttpSink } from "../../helpers/fakes/index.js";
import type { RouterProcess } from "../../helpers/router-process.js";
import { eventually } from "../../helpers/worker-setup.js";
import { adminUrl, SHARED_STORES, startWorkerPair } from "../../helpers/worker-pair.js";
import { linesAbout, pauseRoutes } from "../../helpers/pause-routes.js";

const PAUSED = "route paused (by its route): not consuming its queue";
const RESUMED = "route resumed: consuming its queue";

async function admin(process: RouterProcess, method: string, path: string, body?: unknown) {
  const response = await fetch(`${adminUrl(process)}${path}`, {
    method,
    ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { "content-type": "application/json" } }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

type RouteEntry = {
  id: string;
  paused: boolean;
  pausedBy: string | null;
  pauseReason: string | null;
  pausedAt: string | null;
  waiting: number | null;
};
async function routeStatus(process: RouterProcess, route: string): Promise<RouteEntry> {
  const { body } = await admin(process, "GET", "/status");
  return (body.routes as RouteEntry[]).find((entry) => entry.id === route)!;
}

/** `[attempt, outcome]` of each attempt in the event's journey on the route, once the log holds its delivery. */
async function attemptsOf(process: RouterProcess, eventId: string, routeId: string) {
  for (let tries = 0; ; tries += 1) {
    const journey = await admin(process, "GET", `/events/${eventId}`);
    const routes = (journey.body.routes ?? []) as Array<{ route: string; state: string; history: Array<{ attempt: number; outcome: string }> }>;
    const route = routes.find((entry) => entry.route === routeId);
    if (route?.state === "delivered" || tries === 50) return (route?.history ?? []).map((attempt) => [attempt.attempt, attempt.outcome]);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe.each(SHARED_STORES)("pausing a route across two worker processes sharing %s", (_name, store) => {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it("paused through one process's admin API, neither consumes; events wait in the queue untouched; resumed through the other, each is delivered once, on its first attempt", async () => {
    const sink = await FakeHttpSink.start();
    cleanups.push(() => sink.close());
    const pair = await startWorkerPair(pauseRoutes(sink.url), store, { ADMIN_PORT: "0", PAUSE_POLL_INTERVAL: "500ms" });
    cleanups.push(() => pair.close());
    // PostgreSQL's test database is shared: a pause left behind by a failed run would hold the next one.
    cleanups.push(async () => {
      const db = await openStateDb({ dataDir: pair.storeEnv.DATA_DIR!, databaseUrl: pair.storeEnv.DATABASE_URL });
      await db.deleteFrom("pauses").where("target_id", "in", ["orders-to-erp", "invoices-to-erp", "orders-to-archive", "erp", "archive"]).execute();
      await db.destroy();
    });
    const [first, second] = pair.workers;

    const paused = await admin(first, "POST", "/routes/orders-to-erp/pause", { reason: "ERP maintenance until 14:00" });
    expect(paused.status).toBe(200);
    expect(paused.body).toEqual({ route: "orders-to-erp", paused: true, reason: "ERP maintenance until 14:00", pausedAt: expect.any(String) });
    // The asked process applies it at once; the other at its next read of the store. Its log line
    // comes through a pipe, which may deliver it after the HTTP answer: hence a short wait here too.
    await eventually(() => linesAbout(first, PAUSED, "orders-to-erp").length === 1, 1000, "the asked process pausing");
    await eventually(() => linesAbout(second, PAUSED, "orders-to-erp").length === 1, 5000, "the other process pausing");
    expect(linesAbout(second, PAUSED, "orders-to-erp")[0]).toMatchObject({ by: "route", reason: "ERP maintenance until 14:00" });

    const ids = Array.from({ length: 6 }, () => `ord-${randomUUID().slice(0, 8)}`);
    for (const id of ids) expect((await pair.post({ kind: "order.created", id })).status).toBe(202);
    // The other route on the same events is not paused: its deliveries show the events went out.
    await eventually(() => sink.requestsTo("/archive").length === ids.length, 10_000, "the archive deliveries");
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(sink.requestsTo("/erp")).toHaveLength(0);

    // Either process's /status shows the pause (from the store) and the waiting depth (from the broker).
    const status = await routeStatus(second, "orders-to-erp");
    expect(status).toMatchObject({ paused: true, pausedBy: "route", pauseReason: "ERP maintenance until 14:00", waiting: ids.length });
    expect(status.pausedAt).toBe(paused.body.pausedAt);
    expect(await routeStatus(first, "orders-to-archive")).toMatchObject({ paused: false, pausedBy: null, waiting: 0 });
    const metrics = await (await fetch(`${second.url}/metrics`)).text();
    expect(metrics).toMatch(/webhook_router_route_paused\{route="orders-to-erp"\} 1/);
    expect(metrics).toMatch(/webhook_router_route_paused\{route="orders-to-archive"\} 0/);
    expect(metrics).toMatch(new RegExp(`webhook_router_route_waiting\\{route="orders-to-erp"\\} ${ids.length}`));

    const resumed = await admin(second, "POST", "/routes/orders-to-erp/resume");
    expect(resumed).toEqual({ status: 200, body: { route: "orders-to-erp", paused: false } });
    await eventually(() => linesAbout(first, RESUMED, "orders-to-erp").length === 1, 5000, "the first process resuming");
    await eventually(() => sink.requestsTo("/erp").length >= ids.length, 10_000, "the waiting events delivered");
    await new Promise((resolve) => setTimeout(resolve, 500));
    const delivered = sink.requestsTo("/erp").map((request) => request.headers["idempotency-key"]);
    expect(delivered.sort()).toEqual([...ids].sort());
    // Nothing was attempted while paused: every event's first and only attempt delivered it.
    for (const id of ids) expect(await attemptsOf(first, id, "orders-to-erp")).toEqual([[1, "delivered"]]);
    expect(await routeStatus(first, "orders-to-erp")).toMatchObject({ paused: false, pausedBy: null, pauseReason: null, pausedAt: null, waiting: 0 });
  });
});
