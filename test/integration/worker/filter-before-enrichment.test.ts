import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startFakeTracktileApi, type FakeTracktileApi } from "../../helpers/fake-tracktile-api.js";
import { FakeHttpSink } from "../../helpers/fakes/index.js";
import { eventually, startWorkerHarness, type WorkerHarness } from "../../helpers/worker-setup.js";

// `filter` reads the event alone and runs first; `when` reads the enrichment and runs after it.
const routes = (sinkUrl: string, apiUrl: string, token: string) => `
destinations:
  sink: { kind: http, url: "${sinkUrl}/invoices" }
routes:
  completed-orders:
    events: app.order.#
    filter: data.status = "completed"
    enrich:
      - as: order
        url: ${apiUrl}/orders/{event.data.orderId}
        headers: { Authorization: "Bearer ${token}" }
    when: $order.currency = "USD"
    mapping: '{ "ref": $order.shortId }'
    destination: sink
    retry: { attempts: 2, baseDelay: 50ms, maxDelay: 1s, jitter: 0 }
`;

describe("the filter runs on the event before any enrichment; `when` runs after it", () => {
  let api: FakeTracktileApi;
  let sink: FakeHttpSink;
  let harness: WorkerHarness;
  const outcomes = (id: string) => harness.router.logs.filter((line) => line.id === id && typeof line.outcome === "string");

  beforeAll(async () => {
    [api, sink] = await Promise.all([startFakeTracktileApi(), FakeHttpSink.start()]);
    api.orders.set("ord_eur", { id: "ord_eur", shortId: "PO-EUR", currency: "EUR", orderItems: [] });
    harness = await startWorkerHarness(routes(sink.url, api.url, api.token));
  });
  afterAll(async () => {
    await harness?.close();
    await Promise.all([sink?.close(), api?.close()]);
  });
  afterEach(() => {
    api.requests.length = 0;
    sink.requests.length = 0;
    sink.records.length = 0;
  });

  it("an event the filter drops makes no call of any kind, even to an enrichment API that would fail", async () => {
    api.failNext(5, 404);
    await harness.post({ kind: "order.status.changed", id: "evt-started", orderId: "ord_missing", status: "inProgress" });
    await eventually(() => outcomes("evt-started").length === 1, 5000, "the outcome line");
    expect(outcomes("evt-started")[0]).toMatchObject({ outcome: "filtered", stage: "filter", attempt: 1 });
    expect(api.requests).toHaveLength(0);
    expect(sink.requests).toHaveLength(0);
    api.failNext(0, 404);
  });

  it("logs a filtered event at info, like every other outcome", async () => {
    await harness.post({ kind: "order.status.changed", id: "evt-ready", orderId: "ord_8841", status: "ready" });
    await eventually(() => outcomes("evt-ready").length === 1, 5000, "the outcome line");
    expect(outcomes("evt-ready")[0]).toMatchObject({ level: 30, outcome: "filtered" });
  });

  it("an event past the filter is enriched, then `when` decides with the enrichment in hand", async () => {
    await harness.post({ kind: "order.status.changed", id: "evt-eur", orderId: "ord_eur", status: "completed" });
    await eventually(() => outcomes("evt-eur").length === 1, 5000, "the outcome line");
    expect(outcomes("evt-eur")[0]).toMatchObject({ outcome: "filtered", stage: "when" });
    expect(api.requests.map((request) => request.path)).toEqual(["/orders/ord_eur"]);
    expect(sink.requests).toHaveLength(0);

    await harness.post({ kind: "order.status.changed", id: "evt-usd", orderId: "ord_8841", status: "completed" });
    await eventually(() => sink.records.length === 1, 5000, "the delivery");
    expect(sink.records[0]!.json).toEqual({ ref: "PO-8841" });
  });
});
