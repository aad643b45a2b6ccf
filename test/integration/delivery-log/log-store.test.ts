import { randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDeliveryLog, pruneLog, type DeliveryLog } from "../../../src/ops/delivery-log/index.js";
import { openStateDb, type StateDb } from "../../../src/state/state-db.js";
import { captureLogs, normalizedEvent, tableOf } from "../../unit/delivery-log/fixtures.js";

const POSTGRES_URL = process.env.TEST_DATABASE_URL || "postgres://postgres@127.0.0.1:5432/test";
const DAY = 86_400_000;

// The same Kysely queries on both engines: SQLite in DATA_DIR, or PostgreSQL shared by every process.
describe.each([
  ["SQLite", () => ({ dataDir: mkdtempSync(join(tmpdir(), "wr-log-")) })],
  ["PostgreSQL", () => ({ dataDir: "unused", databaseUrl: POSTGRES_URL })],
])("the delivery log on %s", (engine, options) => {
  // Unique names: test files run in parallel against one PostgreSQL, and reruns keep old rows.
  const run = randomUUID().slice(0, 8);
  const source = `src-${run}`;
  const id = (name: string) => `${run}-${name}`;
  const table = tableOf([source], { [`orders-${run}`]: [`${source}.order.#`], [`all-${run}`]: [`${source}.#`] });
  const orders = `orders-${run}`;
  const all = `all-${run}`;
  let db: StateDb;
  let log: DeliveryLog;
  const open = (extra: { payloads?: boolean; now?: () => number } = {}) =>
    createDeliveryLog({ db, table, logger: captureLogs().logger, engine: engine === "SQLite" ? "sqlite" : "postgresql", retentionMs: 0, ...extra });

  beforeAll(async () => {
    db = await openStateDb(options());
    log = open();
    // One event through every outcome: two 503s then delivered on one route, filtered on the other.
    log.accepted(source, normalizedEvent(source, "order.created", id("a"), { id: id("a") }, "PO-1"), "broker");
    log.outcome(
      { kind: "retry", next: 2, delayMs: 50, error: "HTTP 503: busy", status: 503, targetMs: 3.2 },
      { routeId: orders, eventId: id("a"), attempt: 1 },
    );
    log.outcome({ kind: "filtered", stage: "filter" }, { routeId: all, eventId: id("a"), attempt: 1 });
    await log.flush();
    log.outcome(
      { kind: "retry", next: 3, delayMs: 100, error: "HTTP 503: busy", status: 503, targetMs: 2.5 },
      { routeId: orders, eventId: id("a"), attempt: 2 },
    );
    log.outcome({ kind: "delivered", receipt: { status: 201 }, targetMs: 4.75 }, { routeId: orders, eventId: id("a"), attempt: 3 });
    // One dead-lettered, one still pending, one spooled, on a later clock.
    log.accepted(source, normalizedEvent(source, "order.cancelled", id("b")), "broker");
    log.outcome(
      { kind: "dead", reason: "permanent", error: "HTTP 422: unknown customer", status: 422, targetMs: 1 },
      { routeId: orders, eventId: id("b"), attempt: 1 },
    );
    log.accepted(source, normalizedEvent(source, "invoice.paid", id("c")), "spool");
    await log.flush();
  });
  afterAll(async () => {
    await log?.close(1000);
    for (const tableName of ["log_events", "log_attempts", "log_routes"] as const) {
      await db?.deleteFrom(tableName).where("event_id", "like", `${run}-%`).execute();
    }
    await db?.destroy();
  });

  it("keeps the receipt and every attempt per route: retry, retry, delivered with statuses and latencies", async () => {
    const journey = await log.journey(id("a"));
    expect(journey).toMatchObject({
      id: id("a"),
      source,
      type: `${source}.order.created`,
      subject: "PO-1",
      via: "broker",
      receipts: 1,
      payload: null,
    });
    const [allRoute, ordersRoute] = journey!.routes;
    expect(allRoute).toMatchObject({ route: all, state: "filtered", history: [{ attempt: 1, outcome: "filtered", status: null }] });
    expect(ordersRoute).toMatchObject({ route: orders, state: "delivered", attempts: 3 });
    expect(ordersRoute!.history.map((a) => [a.attempt, a.outcome, a.status, a.latencyMs, a.delayMs])).toEqual([
      [1, "retry", 503, 3.2, 50],
      [2, "retry", 503, 2.5, 100],
      [3, "delivered", 201, 4.75, null],
    ]);
    expect(ordersRoute!.history[0]!.error).toBe("HTTP 503: busy");
  });

  it("keeps a dead letter's reason, and pending for routes not tried yet", async () => {
    const dead = await log.journey(id("b"));
    expect(dead!.routes.find((r) => r.route === orders)).toMatchObject({
      state: "dead",
      history: [{ outcome: "dead", reason: "permanent", status: 422, error: "HTTP 422: unknown customer" }],
    });
    expect(dead!.routes.find((r) => r.route === all)).toMatchObject({ state: "pending", attempts: 0, history: [] });
    expect((await log.journey(id("c")))!.routes).toMatchObject([{ route: all, state: "pending" }]); // not an order: one route
    expect(await log.journey(id("never"))).toBeUndefined();
  });

  it("searches by source, type, status, route, id and time, newest first, with each route's state", async () => {
    const ids = async (filter: Record<string, unknown>) => (await log.search({ limit: 50, source, ...filter })).map((event) => event.id);
    expect(await ids({})).toEqual([id("c"), id("b"), id("a")]); // ties in time: by id, descending
    expect(await ids({ type: `${source}.order.created` })).toEqual([id("a")]);
    expect(await ids({ status: "dead" })).toEqual([id("b")]);
    expect(await ids({ status: "filtered", route: all })).toEqual([id("a")]);
    expect(await ids({ status: "filtered", route: orders })).toEqual([]);
    expect(new Set(await ids({ status: "pending" }))).toEqual(new Set([id("b"), id("c")]));
    expect(await ids({ id: id("c") })).toEqual([id("c")]);
    expect(await ids({ since: Date.now() + 60_000 })).toEqual([]);
    expect(await ids({ until: Date.now() - DAY })).toEqual([]);
    expect(await ids({ limit: 1 })).toHaveLength(1);
    const [summary] = await log.search({ limit: 1, id: id("a") });
    expect(summary!.routes).toMatchObject([
      { route: all, state: "filtered" },
      { route: orders, state: "delivered", attempts: 3 },
    ]);
  });

  it("counts per source and per route", async () => {
    const counts = await log.counts(Date.now() - DAY);
    expect(counts.sources.get(source)).toEqual({ received: 3, rejected: 0, pending: 2, delivered: 1, filtered: 1, echo: 0, retrying: 0, dead: 1 });
    expect(counts.routes.get(orders)).toEqual({ received: 2, pending: 0, delivered: 1, filtered: 0, echo: 0, retrying: 0, dead: 1 });
    expect(counts.routes.get(all)).toEqual({ received: 3, pending: 2, delivered: 0, filtered: 1, echo: 0, retrying: 0, dead: 0 });
  });

  it("keeps a schema rejection as a receipt without routes, counted apart; an acceptance of the same id takes its place", async () => {
    const sender = `${source}-rejects`;
    log.rejected(sender, normalizedEvent(sender, "order.created", id("r1")));
    log.rejected(sender, normalizedEvent(sender, "order.created", id("r2")));
    await log.flush();
    expect(await log.journey(id("r1"))).toMatchObject({ source: sender, via: "rejected", receipts: 1, routes: [] });
    expect((await log.counts(Date.now() - DAY)).sources.get(sender)).toMatchObject({ received: 0, rejected: 2 });
    // The body fixed (or the schema relaxed), the same id is sent again: in a later batch, and in the same one.
    log.accepted(sender, normalizedEvent(sender, "order.created", id("r2")), "broker");
    await log.flush();
    log.rejected(sender, normalizedEvent(sender, "order.created", id("r3")));
    log.accepted(sender, normalizedEvent(sender, "order.created", id("r3")), "spool");
    await log.flush();
    expect(await log.journey(id("r2"))).toMatchObject({ via: "broker", receipts: 2 });
    expect(await log.journey(id("r3"))).toMatchObject({ via: "spool", receipts: 2 });
    expect((await log.counts(Date.now() - DAY)).sources.get(sender)).toMatchObject({ received: 2, rejected: 1 });
  });

  it("converges whatever the arrival order: a worker's outcome before the receipt, a sender's retry counted", async () => {
    // With split roles on one PostgreSQL the worker's batch may land before the ingress's.
    log.outcome({ kind: "delivered", receipt: { status: 200 }, targetMs: 1 }, { routeId: orders, eventId: id("d"), attempt: 1 });
    await log.flush();
    expect(await log.journey(id("d"))).toMatchObject({ source: null, via: null, receipts: 0, routes: [{ route: orders, state: "delivered" }] });
    log.accepted(source, normalizedEvent(source, "order.created", id("d")), "spool");
    log.accepted(source, normalizedEvent(source, "order.created", id("d")), "broker");
    await log.flush();
    const journey = await log.journey(id("d"));
    expect(journey).toMatchObject({ source, type: `${source}.order.created`, via: "spool", receipts: 2 });
    // The receipt's late `pending` did not overwrite the newer `delivered`.
    expect(journey!.routes.find((r) => r.route === orders)).toMatchObject({ state: "delivered", attempts: 1 });
  });

  it("a replay makes the route pending again, until its next outcome", async () => {
    log.replayed(orders, id("b"));
    await log.flush();
    expect((await log.journey(id("b")))!.routes.find((r) => r.route === orders)).toMatchObject({ state: "pending" });
    log.outcome({ kind: "delivered", receipt: { status: 201 }, targetMs: 1 }, { routeId: orders, eventId: id("b"), attempt: 1 });
    await log.flush();
    expect((await log.journey(id("b")))!.routes.find((r) => r.route === orders)).toMatchObject({ state: "delivered" });
    // The replayed copy can be delivered before the replay's own row is written: the replay is
    // stamped when it was decided, and on the same millisecond an outcome beats pending.
    const at = Date.now() + 1000;
    const later = open({ now: () => at });
    later.outcome({ kind: "delivered", receipt: { status: 201 }, targetMs: 1 }, { routeId: orders, eventId: id("e"), attempt: 1 });
    later.replayed(orders, id("e"), at - 5);
    later.replayed(orders, id("e"), at);
    await later.flush();
    later.replayed(orders, id("e"), at);
    await later.close(1000);
    expect((await log.journey(id("e")))!.routes).toMatchObject([{ route: orders, state: "delivered" }]);
  });

  it("prunes rows older than the retention, and only those", async () => {
    const old = open({ now: () => Date.now() - 2 * DAY });
    old.accepted(source, normalizedEvent(source, "order.created", id("old")), "broker");
    old.outcome({ kind: "delivered", receipt: { status: 201 }, targetMs: 1 }, { routeId: orders, eventId: id("old"), attempt: 1 });
    await old.close(1000);
    expect(await log.journey(id("old"))).toBeDefined();
    expect(await pruneLog(db, Date.now() - DAY)).toBeGreaterThanOrEqual(4); // event, attempt, two route states
    expect(await log.journey(id("old"))).toBeUndefined();
    expect(await db.selectFrom("log_routes").select("route_id").where("event_id", "=", id("old")).execute()).toEqual([]);
    expect(await log.journey(id("a"))).toBeDefined();
  });

  it("stores the CloudEvent body only when payloads are enabled", async () => {
    const withBodies = open({ payloads: true });
    withBodies.accepted(source, normalizedEvent(source, "customer.updated", id("p"), { email: "buyer@example.com" }), "broker");
    await withBodies.close(1000);
    log.accepted(source, normalizedEvent(source, "customer.updated", id("q"), { email: "buyer@example.com" }), "broker");
    await log.flush();
    expect(JSON.parse((await log.journey(id("p")))!.payload!)).toMatchObject({ id: id("p"), data: { email: "buyer@example.com" } });
    expect((await log.journey(id("q")))!.payload).toBeNull();
    const stored = await db.selectFrom("log_events").select("payload").where("event_id", "=", id("q")).executeTakeFirstOrThrow();
    expect(stored.payload).toBeNull();
  });
});
