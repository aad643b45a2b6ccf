import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeHttpSink } from "../../helpers/fakes/index.js";
import { pauseRoutes } from "../../helpers/pause-routes.js";
import { eventually, startWorkerHarness, type WorkerHarness } from "../../helpers/worker-setup.js";

interface Answer {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: the tests walk several answer shapes; toMatchObject checks them
  body: Record<string, any>;
}

describe("pausing and resuming through the admin API", () => {
  let sink: FakeHttpSink;
  let harness: WorkerHarness;
  const call = async (method: string, path: string, body?: unknown): Promise<Answer> => {
    const response = await fetch(`http://127.0.0.1:${harness.router.adminPort}${path}`, {
      method,
      ...(body === undefined
        ? {}
        : { body: typeof body === "string" ? body : JSON.stringify(body), headers: { "content-type": "application/json" } }),
    });
    return { status: response.status, body: (await response.json()) as Answer["body"] };
  };
  const route = async (id: string) => ((await call("GET", "/status")).body.routes as Array<{ id: string }>).find((entry) => entry.id === id);
  const keysAt = (path: string) => sink.requestsTo(path).map((request) => request.headers["idempotency-key"]);
  const logged = (msg: string) => harness.router.logs.filter((line) => line.msg === msg);
  /** `[attempt, outcome]` of each attempt in the event's journey on the route, once the log has written it. */
  const attemptsOf = async (eventId: string, routeId: string) => {
    for (let tries = 0; ; tries += 1) {
      const journey = await call("GET", `/events/${eventId}`);
      const history: Array<{ attempt: number; outcome: string }> =
        journey.body.routes?.find((entry: { route: string }) => entry.route === routeId)?.history ?? [];
      if (history.length > 0 || tries === 50) return history.map((attempt) => [attempt.attempt, attempt.outcome]);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  const id = (name: string) => `${name}-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    sink = await FakeHttpSink.start();
    harness = await startWorkerHarness(pauseRoutes(sink.url), { ADMIN_PORT: "0", PAUSE_POLL_INTERVAL: "300ms" });
  });
  afterAll(async () => {
    await harness?.close();
    await sink?.close();
  });

  it("a destination's pause holds every route to it; resuming it leaves a route paused on its own", async () => {
    const paused = await call("POST", "/destinations/erp/pause", { reason: "ERP upgrade" });
    expect(paused).toEqual({ status: 200, body: { destination: "erp", paused: true, reason: "ERP upgrade", pausedAt: expect.any(String) } });
    for (const held of ["orders-to-erp", "invoices-to-erp"]) {
      expect(await route(held)).toMatchObject({ paused: true, pausedBy: "destination", pauseReason: "ERP upgrade", pausedAt: paused.body.pausedAt });
    }
    expect(await route("orders-to-archive")).toMatchObject({ paused: false, pausedBy: null });

    // A route paused on its own too: its own pause is the one shown, and the one its resume lifts.
    expect((await call("POST", "/routes/orders-to-erp/pause")).body).toEqual({
      route: "orders-to-erp",
      paused: true,
      reason: null,
      pausedAt: expect.any(String),
    });
    expect(await route("orders-to-erp")).toMatchObject({ pausedBy: "route", pauseReason: null });
    // Neither of its routes now shows the destination's pause as theirs; its own entry does.
    expect((await call("GET", "/status")).body.destinations).toEqual([
      { id: "erp", routes: ["orders-to-erp", "invoices-to-erp"], paused: true, pauseReason: "ERP upgrade", pausedAt: paused.body.pausedAt },
      { id: "archive", routes: ["orders-to-archive"], paused: false, pauseReason: null, pausedAt: null },
    ]);
    expect(await call("POST", "/routes/orders-to-erp/resume")).toEqual({
      status: 200,
      body: { route: "orders-to-erp", paused: false, stillPausedBy: "destination" },
    });
    expect(await route("orders-to-erp")).toMatchObject({ paused: true, pausedBy: "destination" });
    await call("POST", "/routes/orders-to-erp/pause", { reason: "mapping being fixed" });

    const order = id("order");
    const invoice = id("invoice");
    await harness.post({ kind: "order.created", id: order });
    await harness.post({ kind: "invoice.created", id: invoice });
    await eventually(() => keysAt("/archive").includes(order), 5000, "the archive delivery");
    expect(keysAt("/erp")).toEqual([]);

    expect(await call("POST", "/destinations/erp/resume")).toEqual({ status: 200, body: { destination: "erp", paused: false } });
    await eventually(() => keysAt("/erp").includes(invoice), 5000, "the invoice delivered");
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(keysAt("/erp")).toEqual([invoice]);
    expect(await route("orders-to-erp")).toMatchObject({ paused: true, pausedBy: "route", pauseReason: "mapping being fixed", waiting: 1 });

    expect((await call("POST", "/routes/orders-to-erp/resume")).body).toEqual({ route: "orders-to-erp", paused: false });
    await eventually(() => keysAt("/erp").includes(order), 5000, "the order delivered");
    expect(await route("orders-to-erp")).toMatchObject({ paused: false, pausedBy: null, waiting: 0 });
    // Every pause and resume this process applied, one line each with who held it and why.
    expect(logged("route paused (by its route): not consuming its queue").map((line) => [line.route, line.reason])).toEqual([
      ["orders-to-erp", null],
      ["orders-to-erp", "mapping being fixed"],
    ]);
  });

  it("a delivery in hand when the pause comes finishes and is settled as usual: not retried, not dead-lettered", async () => {
    const slow = id("slow");
    sink.delayNext(1, 1500);
    const retries = logged("delivery failed; will retry").length;
    await harness.post({ kind: "invoice.created", id: slow });
    await eventually(() => keysAt("/erp").includes(slow), 5000, "the slow call reaching the target");
    await call("POST", "/routes/invoices-to-erp/pause", { reason: "in the middle of a call" });
    await eventually(() => logged("event delivered").some((line) => line.id === slow), 5000, "the call in hand delivered");
    expect(logged("delivery failed; will retry")).toHaveLength(retries);
    expect(await attemptsOf(slow, "invoices-to-erp")).toEqual([[1, "delivered"]]);
    // And the pause holds: the next one waits.
    const next = id("next");
    await harness.post({ kind: "invoice.created", id: next });
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(keysAt("/erp")).not.toContain(next);
    await call("POST", "/routes/invoices-to-erp/resume");
    await eventually(() => keysAt("/erp").includes(next), 5000, "the next one delivered");
  });

  it("refuses unknown routes and destinations (404) and bad bodies (400), naming the problem", async () => {
    expect(await call("POST", "/routes/orders-to-rep/pause")).toEqual({
      status: 404,
      body: { error: "unknown_route", message: 'no route "orders-to-rep"; routes: orders-to-erp, invoices-to-erp, orders-to-archive' },
    });
    expect(await call("POST", "/destinations/ledger/resume")).toEqual({
      status: 404,
      body: { error: "unknown_destination", message: 'no destination "ledger"; destinations: erp, archive' },
    });
    expect(await call("POST", "/routes/orders-to-erp/pause", { reason: "x".repeat(501) })).toMatchObject({
      status: 400,
      body: { error: "invalid_request", message: expect.stringMatching(/reason/) },
    });
    expect(await call("POST", "/routes/orders-to-erp/pause", { why: "typo" })).toMatchObject({ status: 400, body: { error: "invalid_request" } });
    expect(await call("POST", "/routes/orders-to-erp/pause", "{not json")).toMatchObject({ status: 400, body: { error: "invalid_request" } });
    expect(await route("orders-to-erp")).toMatchObject({ paused: false });
  });
});
