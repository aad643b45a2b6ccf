import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EventJourney, EventSummary } from "../../../src/ops/delivery-log/index.js";
import { FakeHttpSink } from "../../helpers/fakes/index.js";
import { startWorkerHarness, type WorkerHarness } from "../../helpers/worker-setup.js";

const run = promisify(execFile);
const POSTGRES_URL = process.env.TEST_DATABASE_URL || "postgres://postgres@127.0.0.1:5432/test";
const SECRET = `whsec_${randomBytes(24).toString("base64")}`;

const routes = (sinkUrl: string, callbackUrl: string) => `
sources:
  stock:
    verify: { preset: header-token, header: x-token, secret: api-secret }
    schema:
      default: { type: object, required: [sku], properties: { sku: { type: string } } }
    api: { route: stock-lookup, deadline: 700ms }
  jobs:
    verify: { preset: header-token, header: x-token, secret: api-secret }
    api:
      route: job-run
      mode: async
      callback: { url: "${callbackUrl}/hook", secret: "${SECRET}" }
destinations:
  erp: { kind: http, url: "${sinkUrl}/stock/{payload.sku}", timeoutMs: 3000 }
routes:
  stock-lookup: { events: stock.#, destination: erp, mapping: "{ 'sku': data.sku }", sync: true }
  job-run: { events: jobs.#, destination: erp, mapping: "{ 'sku': data.sku }", sync: true }
`;

// Calls to POST /api/{id}, sync and async, in the delivery log beside webhooks: a receipt under the
// endpoint's id with how the call ended, and the route's attempt; read back through the admin API.
describe.each([
  ["SQLite", {}],
  ["PostgreSQL", { DATABASE_URL: POSTGRES_URL }],
])("API calls in the delivery log (%s)", (_engine, env: Record<string, string>) => {
  let sink: FakeHttpSink;
  let receiver: FakeHttpSink;
  let harness: WorkerHarness;
  let acceptedId = "";
  const admin = (path: string) => fetch(`http://127.0.0.1:${harness.router.adminPort}${path}`);

  async function call(endpoint: string, body: unknown): Promise<{ status: number; id: string }> {
    const response = await fetch(`${harness.router.url}/api/${endpoint}`, {
      method: "POST",
      headers: { "x-token": "api-secret" },
      body: JSON.stringify(body),
    });
    await response.body?.cancel();
    return { status: response.status, id: String(response.headers.get("x-event-id")) };
  }

  /** Polls the admin API until the event's journey satisfies `done` (the log is written in ~200 ms batches). */
  async function journeyUntil(id: string, done: (journey: EventJourney) => boolean): Promise<EventJourney> {
    const deadline = Date.now() + 8000;
    for (;;) {
      const response = await admin(`/events/${encodeURIComponent(id)}`);
      const body = (await response.json()) as EventJourney;
      if (response.status === 200 && done(body)) return body;
      if (Date.now() > deadline) throw new Error(`${id}: ${JSON.stringify(body)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  const settled = (state: string) => (journey: EventJourney) => journey.call !== null && journey.routes[0]?.state === state;

  beforeAll(async () => {
    sink = await FakeHttpSink.start({ status: 200 });
    receiver = await FakeHttpSink.start({ status: 204 });
    harness = await startWorkerHarness(routes(sink.url, receiver.url), { ADMIN_PORT: "0", ...env });
  });
  afterAll(async () => {
    await harness?.close();
    await sink?.close();
    await receiver?.close();
  });

  it("a sync call answered: a receipt of the endpoint, `answered`, and the route's delivered attempt", async () => {
    const answered = await call("stock", { sku: "SKU-1" });
    expect(answered.status).toBe(200);
    const journey = await journeyUntil(answered.id, settled("delivered"));
    expect(journey).toMatchObject({ source: "stock", type: "stock.call", via: "broker", call: "answered", receipts: 1 });
    expect(journey.routes).toMatchObject([{ route: "stock-lookup", state: "delivered", attempts: 1 }]);
    expect(journey.routes[0]!.history.map((attempt) => [attempt.outcome, attempt.status])).toEqual([["delivered", 200]]);
  });

  it("a sync call past its deadline: `timed-out`, and the route's attempt once it ran", async () => {
    sink.delayNext(1, 1500);
    const late = await call("stock", { sku: "SKU-SLOW" });
    expect(late.status).toBe(504);
    const journey = await journeyUntil(late.id, settled("delivered"));
    expect(journey).toMatchObject({ source: "stock", call: "timed-out" });
    expect(journey.routes[0]!.history.map((attempt) => attempt.outcome)).toEqual(["delivered"]);
  });

  it("a sync call refused for its request schema: `rejected`, no route", async () => {
    const refused = await call("stock", { notSku: 1 });
    expect(refused.status).toBe(422);
    const journey = await journeyUntil(refused.id, (found) => found.call !== null);
    expect(journey).toMatchObject({ source: "stock", via: "rejected", call: "rejected", routes: [] });
  });

  it("an async call: `accepted`, and the route's attempt", async () => {
    const accepted = await call("jobs", { sku: "SKU-2" });
    expect(accepted.status).toBe(202);
    acceptedId = accepted.id;
    const journey = await journeyUntil(accepted.id, settled("delivered"));
    expect(journey).toMatchObject({ source: "jobs", type: "jobs.call", via: "broker", call: "accepted", receipts: 1 });
    expect(journey.routes).toMatchObject([{ route: "job-run", state: "delivered", attempts: 1 }]);
  });

  it("GET /events?source=<endpoint> lists the endpoint's calls, with how each ended", async () => {
    const response = await admin("/events?source=stock&limit=50");
    const { events } = (await response.json()) as { events: EventSummary[] };
    expect(events.length).toBeGreaterThanOrEqual(3);
    expect(new Set(events.map((event) => event.source))).toEqual(new Set(["stock"]));
    expect(new Set(events.map((event) => event.call))).toEqual(new Set(["answered", "timed-out", "rejected"]));
  });

  it("GET /status tells the API endpoints from the webhook sources, with each endpoint's route and mode", async () => {
    const { sources } = (await (await admin("/status")).json()) as { sources: Array<{ id: string; kind: string; api: unknown }> };
    expect(sources.map(({ id, kind, api }) => ({ id, kind, api }))).toEqual([
      { id: "app", kind: "webhook", api: null },
      { id: "stock", kind: "api", api: { route: "stock-lookup", mode: "sync" } },
      { id: "jobs", kind: "api", api: { route: "job-run", mode: "async" } },
    ]);
  });

  it("webhook-router events --source <endpoint> prints them, each with how it ended", async () => {
    const { stdout } = await run(process.execPath, ["dist/cli/main.js", "events", "--source", "jobs"], {
      env: { ...process.env, ENV_FILE: "", DATA_DIR: harness.dataDir, DATABASE_URL: env.DATABASE_URL ?? "" },
    });
    const lines = stdout.trim().split("\n");
    expect(lines.at(-1)).toMatch(/^\d+ event\(s\)$/);
    expect(lines.find((line) => line.includes(acceptedId))).toMatch(
      new RegExp(`  ${acceptedId}  jobs\\.call  api:accepted  job-run=delivered\\(1\\)$`),
    );
  });
});
