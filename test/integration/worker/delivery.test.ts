import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { FakeHttpSink } from "../../helpers/fakes/index.js";
import { eventually, startWorkerHarness, type WorkerHarness } from "../../helpers/worker-setup.js";

// Short delays so retries happen within a test; the shape of the policy is what is checked.
const routes = (sinkUrl: string) => `
destinations:
  sink:
    kind: http
    url: ${sinkUrl}/orders/{event.data.orderId}
    timeoutMs: 2000
routes:
  orders-to-sink:
    events: app.order.*
    filter: data.status != "draft"
    mapping: '{ "ref": data.orderId, "total": $sum(data.lines.(qty * price)) }'
    destination: sink
    retry: { attempts: 4, baseDelay: 200ms, maxDelay: 5s, jitter: 0 }
`;

describe("the worker delivers mapped events to the target", () => {
  let sink: FakeHttpSink;
  let harness: WorkerHarness;
  const dead = () => `${harness.prefix}orders-to-sink.dead`;

  beforeAll(async () => {
    sink = await FakeHttpSink.start();
    harness = await startWorkerHarness(routes(sink.url));
  });
  afterAll(async () => {
    await harness?.close();
    await sink?.close();
  });
  afterEach(() => {
    sink.requests.length = 0;
    sink.records.length = 0;
  });

  it("a signed webhook in → exactly the mapped call out, with the event id as idempotency key", async () => {
    const answer = await harness.post({
      kind: "order.created",
      id: "evt-e2e-1",
      orderId: "PO-1",
      status: "new",
      lines: [
        { qty: 2, price: 5 },
        { qty: 1, price: 2.5 },
      ],
    });
    expect(answer).toEqual({ status: 202, body: { id: "evt-e2e-1" } });
    await eventually(() => sink.records.length === 1, 5000, "the delivery");
    expect(sink.records[0]).toMatchObject({ method: "POST", path: "/orders/PO-1", json: { ref: "PO-1", total: 12.5 }, idempotencyKey: "evt-e2e-1" });
  });

  it("the filter drops events that do not match: the target is never called", async () => {
    await harness.post({ kind: "order.created", id: "evt-draft", orderId: "PO-D", status: "draft", lines: [] });
    await harness.post({ kind: "order.created", id: "evt-after-draft", orderId: "PO-A", status: "new", lines: [] });
    await eventually(() => sink.records.length === 1, 5000, "the event after the draft");
    expect(sink.records.map((record) => record.path)).toEqual(["/orders/PO-A"]);
  });

  it("503 three times then 200: delivered once, each wait about twice the one before", async () => {
    sink.failNext(3, 503, { error: "maintenance" });
    await harness.post({ kind: "order.updated", id: "evt-retry", orderId: "PO-R", status: "new", lines: [] });
    await eventually(() => sink.records.length === 1, 10_000, "the delivery after three 503s");
    const times = sink.requests.map((request) => request.receivedAt);
    expect(times).toHaveLength(4);
    const gaps = times.slice(1).map((time, i) => time - times[i]!);
    // Policy: 200 ms, 400 ms, 800 ms (no jitter). A delay queue never releases early (a few ms of
    // clock granularity aside); a busy machine can only make the gaps longer.
    expect(gaps[0]).toBeGreaterThanOrEqual(190);
    expect(gaps[1]).toBeGreaterThanOrEqual(390);
    expect(gaps[2]).toBeGreaterThanOrEqual(790);
  });

  it("422: dead-lettered at once, the reason in its headers", async () => {
    sink.failNext(1, 422, { error: "unknown customer" });
    await harness.post({ kind: "order.created", id: "evt-422", orderId: "PO-X", status: "new", lines: [] });
    const message = await harness.nextIn(dead());
    expect(sink.requests).toHaveLength(1);
    expect(message.properties.messageId).toBe("evt-422");
    expect(message.properties.headers).toMatchObject({
      "x-error-kind": "permanent",
      "x-target-status": 422,
      "x-attempts": 1,
      "x-route": "orders-to-sink",
      "x-original-routing-key": "app.order.created",
    });
    expect(String(message.properties.headers!["x-error"])).toMatch(/422.*unknown customer/);
    expect(JSON.parse(message.content.toString()).data.orderId).toBe("PO-X");
  });

  it("401: dead-lettered at once and marked as a credentials problem", async () => {
    sink.failNext(1, 401, { error: "token expired" });
    await harness.post({ kind: "order.created", id: "evt-401", orderId: "PO-Y", status: "new", lines: [] });
    const message = await harness.nextIn(dead());
    expect(message.properties.headers).toMatchObject({ "x-error-kind": "credentials", "x-target-status": 401 });
  });

  it("target down beyond the last attempt: dead-lettered as exhausted", async () => {
    await sink.down();
    try {
      await harness.post({ kind: "order.created", id: "evt-down", orderId: "PO-Z", status: "new", lines: [] });
      const message = await harness.nextIn(dead(), 10_000);
      expect(message.properties.headers).toMatchObject({ "x-error-kind": "exhausted", "x-attempts": 4 });
      expect(String(message.properties.headers!["x-error"])).toMatch(/ECONNREFUSED/);
    } finally {
      await sink.up();
    }
  });

  it("a poison message is dead-lettered and the next message still flows", async () => {
    await harness.publishRaw("app.order.created", Buffer.from("{not json"), "poison-1");
    const message = await harness.nextIn(dead());
    expect(message.properties.headers).toMatchObject({ "x-error-kind": "poison" });
    expect(message.content.toString()).toBe("{not json");
    await harness.post({ kind: "order.created", id: "evt-after-poison", orderId: "PO-P", status: "new", lines: [] });
    await eventually(() => sink.records.length === 1, 5000, "the event after the poison message");
  });

  it("a mapping that fails on an event dead-letters it without calling the target", async () => {
    // $sum over strings is a JSONata run-time error.
    await harness.post({ kind: "order.created", id: "evt-bad-map", orderId: "PO-M", status: "new", lines: [{ qty: "two", price: 1 }] });
    const message = await harness.nextIn(dead());
    expect(message.properties.headers).toMatchObject({ "x-error-kind": "mapping" });
    expect(sink.requests).toHaveLength(0);
  });

  it("an event delivered before is acked without calling the target again (dedup)", async () => {
    const event = { kind: "order.created", id: "evt-twice", orderId: "PO-T", status: "new", lines: [] };
    await harness.post(event);
    await eventually(() => sink.records.length === 1, 5000, "the first delivery");
    await harness.post(event); // the sender retries the same call-out
    await harness.post({ ...event, id: "evt-sentinel", orderId: "PO-S" });
    await eventually(() => sink.records.length === 2, 5000, "the sentinel");
    expect(sink.requests.map((request) => request.path)).toEqual(["/orders/PO-T", "/orders/PO-S"]);
  });
});
