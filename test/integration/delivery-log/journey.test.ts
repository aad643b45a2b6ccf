import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EventJourney } from "../../../src/ops/delivery-log/index.js";
import { FakeHttpSink } from "../../helpers/fakes/index.js";
import { startWorkerHarness, type WorkerHarness } from "../../helpers/worker-setup.js";

async function eventuallyAsync(check: () => Promise<boolean>, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const POSTGRES_URL = process.env.TEST_DATABASE_URL || "postgres://postgres@127.0.0.1:5432/test";

const routes = (sinkUrl: string) => `
destinations:
  sink: { kind: http, url: "${sinkUrl}/in" }
routes:
  to-sink:
    events: app.#
    filter: $not(data.skip = true)
    destination: sink
    retry: { attempts: 3, baseDelay: 30ms, maxDelay: 1s, jitter: 0 }
`;

// The router itself, ingress and workers in one process, writing its log to SQLite in DATA_DIR or
// to PostgreSQL; read back through the admin API.
describe.each([
  ["SQLite", {}],
  ["PostgreSQL", { DATABASE_URL: POSTGRES_URL }],
])("an event's journey in the delivery log (%s)", (_engine, env: Record<string, string>) => {
  let sink: FakeHttpSink;
  let harness: WorkerHarness;
  const id = (name: string) => `journey-${name}-${randomUUID()}`;

  /** Polls the admin API until the event's route reaches `state` (the log is written in ~200 ms batches). */
  async function journeyOnce(eventId: string, state: string): Promise<EventJourney> {
    const deadline = Date.now() + 8000;
    for (;;) {
      const response = await fetch(`http://127.0.0.1:${harness.router.adminPort}/events/${encodeURIComponent(eventId)}`);
      const body = (await response.json()) as EventJourney;
      if (response.status === 200 && body.routes[0]?.state === state) return body;
      if (Date.now() > deadline) throw new Error(`${eventId} never reached ${state}: ${JSON.stringify(body)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  beforeAll(async () => {
    sink = await FakeHttpSink.start();
    harness = await startWorkerHarness(routes(sink.url), { ADMIN_PORT: "0", ...env });
    // Ready means "can take events": at first that may be the spool, until the broker link is up.
    await eventuallyAsync(async () => ((await (await fetch(`${harness.router.url}/readyz`)).json()) as { events?: string }).events === "broker");
  });
  afterAll(async () => {
    await harness?.close();
    await sink?.close();
  });

  it("an event that fails twice with 503, then succeeds: received, then retry, retry, delivered", async () => {
    const eventId = id("flaky");
    sink.failNext(2, 503, { error: "maintenance" });
    expect((await harness.post({ kind: "order.created", id: eventId })).status).toBe(202);
    const journey = await journeyOnce(eventId, "delivered");
    expect(journey).toMatchObject({ id: eventId, source: "app", type: "app.order.created", via: "broker", receipts: 1 });
    expect(journey.routes).toHaveLength(1);
    const [route] = journey.routes;
    expect(route).toMatchObject({ route: "to-sink", state: "delivered", attempts: 3 });
    expect(route!.history.map((attempt) => [attempt.attempt, attempt.outcome, attempt.status])).toEqual([
      [1, "retry", 503],
      [2, "retry", 503],
      [3, "delivered", 201],
    ]);
    for (const attempt of route!.history) expect(attempt.latencyMs).toBeGreaterThan(0);
    expect(route!.history[0]!.error).toMatch(/503/);
    expect(route!.history[0]!.delayMs).toBe(30);
    expect(Date.parse(journey.receivedAt)).toBeLessThanOrEqual(Date.parse(route!.history[0]!.at));
  });

  it("a filtered event shows filtered", async () => {
    const eventId = id("skipped");
    await harness.post({ kind: "order.created", id: eventId, skip: true });
    const journey = await journeyOnce(eventId, "filtered");
    expect(journey.routes[0]!.history).toMatchObject([{ attempt: 1, outcome: "filtered", status: null, latencyMs: null }]);
  });

  it("a dead-lettered event shows dead, with its reason and the target's answer", async () => {
    const eventId = id("rejected");
    sink.failNext(1, 422, { error: "unknown customer" });
    await harness.post({ kind: "order.created", id: eventId });
    const journey = await journeyOnce(eventId, "dead");
    expect(journey.routes[0]!.history).toMatchObject([{ attempt: 1, outcome: "dead", reason: "permanent", status: 422 }]);
    expect(journey.routes[0]!.history[0]!.error).toMatch(/422/);
    expect(journey.payload).toBeNull(); // payloads are off by default
  });
});
