import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { FakeHttpSink } from "../../helpers/fakes/index.js";
import { tapExchange, type QueueTap } from "../../helpers/rabbit.js";
import { eventually, startWorkerHarness, type WorkerHarness } from "../../helpers/worker-setup.js";

// Numbers JSON.parse cannot keep: 2^64 + 1 rounds, 1e400 overflows to Infinity, 1.50 loses its zero.
const DATA = '{"n":18446744073709551617,"x":1e400,"k":1.50}';

// Two routes without a mapping (the identity: "the event's data, unchanged") and one with a mapping.
const routes = (sinkUrl: string, feedExchange: string) => `
destinations:
  sink: { kind: http, url: "${sinkUrl}/in/{event.id}" }
  feed: { kind: amqp, exchange: "${feedExchange}", routingKey: "out" }
routes:
  to-sink:
    events: app.#
    destination: sink
  to-feed:
    events: app.#
    destination: feed
  mapped:
    events: app.#
    mapping: '{ "n": data.n, "k": data.k }'
    destination: sink
`;

describe("a route without a mapping delivers the event's data byte for byte", () => {
  let sink: FakeHttpSink;
  let feed: QueueTap;
  let harness: WorkerHarness;

  beforeAll(async () => {
    sink = await FakeHttpSink.start();
    feed = await tapExchange("#", `test.feed.${randomUUID()}`);
    harness = await startWorkerHarness(routes(sink.url, feed.exchange));
  });
  afterAll(async () => {
    await harness?.close();
    await feed?.close();
    await sink?.close();
  });
  afterEach(() => {
    sink.requests.length = 0;
  });

  async function postRaw(name: string, body: string): Promise<string> {
    const response = await fetch(`${harness.router.url}/webhooks/app/${name}`, { method: "POST", headers: { "x-token": "app-secret" }, body });
    expect(response.status).toBe(202);
    return ((await response.json()) as { id: string }).id;
  }

  it("big integers, 1e400 and 1.50 reach the http target and the exchange exactly as the sender wrote them", async () => {
    const id = await postRaw("numbers.sent", DATA);
    await eventually(() => sink.requests.filter((request) => request.path === `/in/${id}`).length === 2, 5000, "both http deliveries");
    const [message] = await feed.waitFor(1);
    const bodies = sink.requests.map((request) => request.body).sort();
    // The mapped route re-serializes: it gets doubles, as the README says.
    expect(bodies).toEqual([DATA, '{"n":18446744073709552000,"k":1.5}'].sort());
    expect(message!.content.toString("utf8")).toBe(DATA);
  });

  it("keeps strings with escapes, unicode and nested keys named data intact", async () => {
    const data = '{ "data" : {"s":"a\\"}\\\\","t":"é\\u00e9 ✓"}, "arr":[1,{"data":2}] }';
    const id = await postRaw("strings.sent", data);
    await eventually(() => sink.requests.some((request) => request.path === `/in/${id}` && request.body === data), 5000, "the identity delivery");
  });
});
