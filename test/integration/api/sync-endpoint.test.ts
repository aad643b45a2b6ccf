import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeHttpSink } from "../../helpers/fakes/index.js";
import { eventually, startWorkerHarness, type WorkerHarness } from "../../helpers/worker-setup.js";

const routes = (sinkUrl: string) => `
sources:
  stock:
    verify: { preset: header-token, header: x-token, secret: stock-secret }
    schema:
      default: { type: object, required: [sku], properties: { sku: { type: string } } }
    api: { route: stock-lookup, deadline: 1500ms }
  quote:
    verify: { preset: header-token, header: x-token, secret: stock-secret }
    api: { route: quote-lookup, deadline: 3s }
destinations:
  erp: { kind: http, url: "${sinkUrl}/stock/{payload.sku}", timeoutMs: 3000 }
  erp-quick: { kind: http, url: "${sinkUrl}/quote/{payload.sku}", timeoutMs: 300 }
routes:
  stock-lookup:
    events: stock.#
    destination: erp
    mapping: "{ 'sku': data.sku }"
    sync: true
    response:
      mapping: "{ 'sku': $event.data.sku, 'record': id, 'status': $status }"
      schema: { type: object, required: [sku, record], properties: { record: { type: string } } }
  quote-lookup:
    events: quote.#
    destination: erp-quick
    sync: true
`;

async function call(harness: WorkerHarness, body: unknown, headers: Record<string, string> = {}, endpoint = "stock") {
  const response = await fetch(`${harness.router.url}/api/${endpoint}`, {
    method: "POST",
    headers: { "x-token": "stock-secret", ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> };
}

describe("POST /api/{endpointId}: a synchronous call through RabbitMQ direct reply-to", () => {
  let sink: FakeHttpSink;
  let harness: WorkerHarness;

  beforeAll(async () => {
    sink = await FakeHttpSink.start({ status: 200 });
    harness = await startWorkerHarness(routes(sink.url));
  });
  afterAll(async () => {
    await harness?.close();
    await sink?.close();
  });

  it("answers with the destination's answer, mapped by the response mapping", async () => {
    const answer = await call(harness, { sku: "SKU-1" });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ sku: "SKU-1", record: "rec-1", status: 200 });
    expect(answer.headers.get("x-event-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(sink.requestsTo("/stock/SKU-1")).toHaveLength(1);
  });

  it("runs two calls with the same body twice: each call is its own event", async () => {
    const before = sink.records.length;
    const [first, second] = await Promise.all([call(harness, { sku: "SKU-2" }), call(harness, { sku: "SKU-2" })]);
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(first.headers.get("x-event-id")).not.toBe(second.headers.get("x-event-id"));
    expect(sink.records.length - before).toBe(2);
  });

  it("refuses a wrong token (401) and a body against the request schema (422) before anything runs", async () => {
    const before = sink.requests.length;
    expect((await call(harness, { sku: "SKU-3" }, { "x-token": "wrong" })).status).toBe(401);
    const invalid = await call(harness, { sku: 3 });
    expect(invalid.status).toBe(422);
    expect(invalid.body).toMatchObject({ error: "schema_violation", violations: [{ pointer: "/sku", message: "must be string" }] });
    expect(sink.requests.length).toBe(before);
  });

  it("answers 404 unknown_endpoint for an endpoint not configured, and for an API endpoint posted as a webhook", async () => {
    const unknown = await fetch(`${harness.router.url}/api/nope`, { method: "POST", body: "{}" });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: "unknown_endpoint" });
    const asWebhook = await fetch(`${harness.router.url}/webhooks/stock`, { method: "POST", headers: { "x-token": "stock-secret" }, body: "{}" });
    expect(asWebhook.status).toBe(404);
  });

  it("answers 502 when the mapped answer breaks the response schema", async () => {
    sink.failNext(1, 200, { id: 42 });
    const answer = await call(harness, { sku: "SKU-4" });
    expect(answer.status).toBe(502);
    expect(answer.body).toMatchObject({ error: "destination_failed" });
    expect(String(answer.body.message)).toContain("/record must be string");
  });

  it("past the deadline answers 504 with the event id; the work still finishes, once, and is logged", async () => {
    const before = sink.records.length;
    sink.delayNext(1, 2500);
    const started = Date.now();
    const answer = await call(harness, { sku: "SKU-SLOW" });
    expect(Date.now() - started).toBeLessThan(2400);
    expect(answer.status).toBe(504);
    const id = answer.headers.get("x-event-id");
    expect(answer.body).toEqual({ error: "deadline_exceeded", message: expect.stringContaining("1500 ms"), id });
    await eventually(
      () => harness.router.logs.some((line) => line.msg === "sync call answered after its deadline" && line.id === id),
      10_000,
      "the late answer",
    );
    expect(sink.records.length - before).toBe(1);
    expect(sink.requestsTo("/stock/SKU-SLOW")).toHaveLength(1);
  });

  describe("the destination's errors", () => {
    it("a 404 passes through as 422 with the destination's message", async () => {
      sink.failNext(1, 404, { message: "no such sku" });
      const answer = await call(harness, { sku: "SKU-404" });
      expect(answer.status).toBe(422);
      expect(answer.body).toMatchObject({ error: "destination_rejected" });
      expect(String(answer.body.message)).toContain("no such sku");
    });

    it("a 409 passes through as 409", async () => {
      sink.failNext(1, 409, { message: "sku locked" });
      const answer = await call(harness, { sku: "SKU-409" });
      expect(answer.status).toBe(409);
      expect(answer.body).toMatchObject({ error: "destination_conflict", message: expect.stringContaining("sku locked") });
    });

    it("a 5xx is a 502, and the call is not dead-lettered (its caller decides)", async () => {
      sink.failNext(1, 503, { message: "down for maintenance" });
      const answer = await call(harness, { sku: "SKU-503" });
      expect(answer.status).toBe(502);
      expect(answer.body).toMatchObject({ error: "destination_failed" });
      await expect(harness.nextIn(`${harness.prefix}stock-lookup.dead`, 500)).rejects.toThrow(/no message/);
    });

    it("a destination slower than its timeout is a 504 destination_timeout", async () => {
      sink.delayNext(1, 800);
      const answer = await call(harness, { sku: "SKU-T" }, {}, "quote");
      expect(answer.status).toBe(504);
      expect(answer.body).toMatchObject({ error: "destination_timeout" });
    });
  });

  describe("Idempotency-Key", () => {
    it("a retried call returns the first answer without a second destination call", async () => {
      const first = await call(harness, { sku: "SKU-K1" }, { "idempotency-key": "k-1" });
      expect(first.status).toBe(200);
      const again = await call(harness, { sku: "SKU-K1" }, { "idempotency-key": "k-1" });
      expect(again).toMatchObject({ status: 200, body: first.body });
      expect(again.headers.get("idempotent-replayed")).toBe("true");
      expect(again.headers.get("x-event-id")).toBe(first.headers.get("x-event-id"));
      expect(sink.requestsTo("/stock/SKU-K1")).toHaveLength(1);
    });

    it("a retry while the first call runs gets 409 in_progress; after its late answer, that answer", async () => {
      sink.delayNext(1, 2000);
      const first = await call(harness, { sku: "SKU-K2" }, { "idempotency-key": "k-2" });
      expect(first.status).toBe(504);
      const during = await call(harness, { sku: "SKU-K2" }, { "idempotency-key": "k-2" });
      expect(during).toMatchObject({ status: 409, body: { error: "in_progress" } });
      await eventually(
        () => harness.router.logs.some((line) => line.msg === "sync call answered after its deadline" && line.id === first.body.id),
        10_000,
        "the late answer",
      );
      // The late answer is stored just after its log line.
      let after = await call(harness, { sku: "SKU-K2" }, { "idempotency-key": "k-2" });
      for (let tries = 0; after.status === 409 && tries < 50; tries += 1) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        after = await call(harness, { sku: "SKU-K2" }, { "idempotency-key": "k-2" });
      }
      expect(after).toMatchObject({ status: 200, body: { sku: "SKU-K2" } });
      expect(sink.requestsTo("/stock/SKU-K2")).toHaveLength(1);
    });

    it("keys are per endpoint, and an error answer is kept like any other", async () => {
      sink.failNext(1, 404, { message: "no such sku" });
      const first = await call(harness, { sku: "SKU-K3" }, { "idempotency-key": "k-3" });
      expect(first.status).toBe(422);
      expect((await call(harness, { sku: "SKU-K3" }, { "idempotency-key": "k-3" })).status).toBe(422);
      expect(sink.requestsTo("/stock/SKU-K3")).toHaveLength(1);
      expect((await call(harness, { sku: "Q-K3" }, { "idempotency-key": "k-3" }, "quote")).status).toBe(200);
    });

    it("refuses an empty or over-long key", async () => {
      expect((await call(harness, { sku: "SKU-K4" }, { "idempotency-key": "x".repeat(256) })).status).toBe(400);
    });
  });
});
