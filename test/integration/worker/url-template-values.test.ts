import type { GetMessage } from "amqplib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeHttpSink } from "../../helpers/fakes/index.js";
import { eventually, startWorkerHarness, type WorkerHarness } from "../../helpers/worker-setup.js";

const TOKEN = "sink-bearer-token-7c1e";

// Both calls carry the destination's bearer token: a value that moved the path would hand it to
// whatever answers at the new path.
const routes = (sinkUrl: string) => `
destinations:
  lines:
    kind: http
    url: ${sinkUrl}/orders/{event.data.orderId}/lines?by={event.data.by}
    auth: { type: bearer, token: ${TOKEN} }
  enriched: { kind: http, url: "${sinkUrl}/enriched", auth: { type: bearer, token: ${TOKEN} } }
routes:
  to-lines:
    events: app.order.*
    destination: lines
    retry: { attempts: 3, baseDelay: 50ms, maxDelay: 1s, jitter: 0 }
  enrich-then-send:
    events: app.lookup.*
    enrich:
      - as: order
        url: ${sinkUrl}/orders/{event.data.orderId}
        headers: { Authorization: "Bearer ${TOKEN}" }
    mapping: '{ "order": $order.id }'
    destination: enriched
    retry: { attempts: 3, baseDelay: 50ms, maxDelay: 1s, jitter: 0 }
`;

const UNSAFE = ["..", ".", ""];
const SAFE = ["%2e%2e", "/", "?", "#", "@", "http://x", "../admin"];

describe("placeholder values never move a call to another path", () => {
  let sink: FakeHttpSink;
  let harness: WorkerHarness;

  beforeAll(async () => {
    sink = await FakeHttpSink.start({ auth: { type: "bearer", token: TOKEN } });
    harness = await startWorkerHarness(routes(sink.url));
  });
  afterAll(async () => {
    await harness?.close();
    await sink?.close();
  });

  /** Every message of a route's dead-letter queue until `count` have come, by message id. */
  async function deadLetters(routeId: string, count: number): Promise<Map<string, GetMessage>> {
    const found = new Map<string, GetMessage>();
    while (found.size < count) {
      const message = await harness.nextIn(`${harness.prefix}${routeId}.dead`, 10_000);
      found.set(String(message.properties.messageId), message);
    }
    return found;
  }

  it("a path value that is empty, '.' or '..' is dead-lettered as mapping, unsent; others arrive encoded in their segment", async () => {
    for (const [i, value] of [...UNSAFE, ...SAFE].entries()) {
      expect((await harness.post({ kind: "order.created", id: `path-${i}`, orderId: value, by: "ops" })).status).toBe(202);
    }
    const dead = await deadLetters("to-lines", UNSAFE.length);
    for (const [i] of UNSAFE.entries()) {
      expect(dead.get(`path-${i}`)?.properties.headers).toMatchObject({ "x-error-kind": "mapping", "x-attempts": 1 });
    }
    await eventually(() => sink.records.length >= SAFE.length, 10_000, "the safe values' deliveries");
    const paths = sink.requests.map((request) => request.path).sort();
    expect(paths).toEqual(SAFE.map((value) => `/orders/${encodeURIComponent(value)}/lines`).sort());
    expect(sink.records.every((record) => record.query.by === "ops")).toBe(true);
  });

  it("a query value arrives as exactly that value; an empty one is dead-lettered as mapping", async () => {
    sink.requests.length = 0;
    sink.records.length = 0;
    const values = ["..", ".", ...SAFE, "a&by=b"];
    for (const [i, value] of values.entries()) {
      await harness.post({ kind: "order.created", id: `query-${i}`, orderId: `PO-${i}`, by: value });
    }
    await harness.post({ kind: "order.created", id: "query-empty", orderId: "PO-E", by: "" });
    const dead = await deadLetters("to-lines", 1);
    expect(dead.get("query-empty")?.properties.headers).toMatchObject({ "x-error-kind": "mapping" });
    await eventually(() => sink.records.length >= values.length, 10_000, "the query values' deliveries");
    const byOrder = new Map(sink.records.map((record) => [record.path, record.query]));
    for (const [i, value] of values.entries()) expect(byOrder.get(`/orders/PO-${i}/lines`)).toEqual({ by: value });
  });

  it("an enrichment URL refuses the same values before any GET", async () => {
    sink.requests.length = 0;
    for (const [i, value] of UNSAFE.entries()) await harness.post({ kind: "lookup.created", id: `enrich-${i}`, orderId: value });
    await harness.post({ kind: "lookup.created", id: "enrich-ok", orderId: "%2e%2e" });
    const dead = await deadLetters("enrich-then-send", UNSAFE.length);
    for (const [i] of UNSAFE.entries()) expect(dead.get(`enrich-${i}`)?.properties.headers).toMatchObject({ "x-error-kind": "mapping" });
    await eventually(() => sink.requestsTo("/enriched").length === 1, 10_000, "the safe event's delivery");
    expect(sink.requests.map((request) => `${request.method} ${request.path}`)).toEqual(["GET /orders/%252e%252e", "POST /enriched"]);
  });
});
