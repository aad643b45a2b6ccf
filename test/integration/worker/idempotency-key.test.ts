import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeHttpSink } from "../../helpers/fakes/index.js";
import { eventually, startWorkerHarness, type WorkerHarness } from "../../helpers/worker-setup.js";

const routes = (sinkUrl: string) => `
destinations:
  sink: { kind: http, url: "${sinkUrl}/in" }
  # A value undici will not put in a header: as a secret pasted with its line break would be.
  broken: { kind: http, url: "${sinkUrl}/broken", headers: { X-Tenant: "acme\\nX-Injected: 1" } }
routes:
  to-sink:
    events: app.order.*
    destination: sink
    retry: { attempts: 3, baseDelay: 50ms, maxDelay: 1s, jitter: 0 }
  to-broken:
    events: app.broken.*
    destination: broken
    retry: { attempts: 3, baseDelay: 50ms, maxDelay: 1s, jitter: 0 }
`;

const derived = (id: string) => `sha256-${createHash("sha256").update(Buffer.from(id, "utf8")).digest("hex")}`;

describe("event ids outside visible ASCII still get an Idempotency-Key", () => {
  let sink: FakeHttpSink;
  let harness: WorkerHarness;

  beforeAll(async () => {
    sink = await FakeHttpSink.start();
    harness = await startWorkerHarness(routes(sink.url));
  });
  afterAll(async () => {
    await harness?.close();
    await sink?.close();
  });

  it("delivers 订单-1, ord-🚚 and an id with a control character once each, keyed by the derived key", async () => {
    const ids = ["订单-1", "ord-🚚", "ctl-\u0007-1"];
    for (const id of ids) expect(await harness.post({ kind: "order.created", id })).toEqual({ status: 202, body: { id } });
    await eventually(() => sink.records.length === ids.length, 10_000, "three deliveries");
    expect(sink.records.map((record) => record.idempotencyKey).sort()).toEqual(ids.map(derived).sort());
    expect(sink.requestsTo("/in")).toHaveLength(ids.length);
  });

  it("keeps a visible-ASCII id as the key, unchanged", async () => {
    await harness.post({ kind: "order.created", id: "evt_ord_7f3a91" });
    await eventually(() => sink.records.some((record) => record.idempotencyKey === "evt_ord_7f3a91"), 10_000, "the delivery");
  });

  it("a request that cannot be built is dead-lettered at once as permanent, nothing sent", async () => {
    await harness.post({ kind: "broken.created", id: "evt-broken-1" });
    const message = await harness.nextIn(`${harness.prefix}to-broken.dead`, 10_000);
    expect(message.properties.headers).toMatchObject({ "x-error-kind": "permanent", "x-attempts": 1 });
    expect(String(message.properties.headers?.["x-error"])).toContain("could not build the request (invalid x-tenant header)");
    expect(sink.requestsTo("/broken")).toEqual([]);
  });
});
