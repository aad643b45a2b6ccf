import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeHttpSink } from "../../helpers/fakes/index.js";
import { tapExchange, type QueueTap } from "../../helpers/rabbit.js";
import { eventually, routeToSink, startWorkerHarness, type WorkerHarness } from "../../helpers/worker-setup.js";

describe("numeric sender ids above 2^53", () => {
  let sink: FakeHttpSink;
  let tap: QueueTap;
  let harness: WorkerHarness;

  beforeAll(async () => {
    sink = await FakeHttpSink.start();
    tap = await tapExchange("app.#");
    harness = await startWorkerHarness(routeToSink(sink.url), { AMQP_EXCHANGE: tap.exchange });
  });
  afterAll(async () => {
    await harness?.close();
    await tap?.close();
    await sink?.close();
  });

  /** Posts the bytes as they are: JSON.stringify of a JS number would already have rounded it. */
  async function postRaw(body: string) {
    const response = await fetch(`${harness.router.url}/webhooks/app`, { method: "POST", headers: { "x-token": "app-secret" }, body });
    return { status: response.status, text: await response.text() };
  }

  it("keep every digit in the 202, the CloudEvent and its message-id, and both are delivered", async () => {
    const ids = ["18446744073709551617", "18446744073709551616"];
    for (const id of ids) {
      expect(await postRaw(`{"kind":"order.created","id":${id}}`)).toEqual({ status: 202, text: `{"id":"${id}"}` });
    }
    const messages = await tap.waitFor(2);
    expect(messages.map((message) => message.properties.messageId)).toEqual(ids);
    expect(messages.map((message) => (JSON.parse(message.content.toString("utf8")) as { id: string }).id)).toEqual(ids);
    // Not one delivery and one "duplicate": two events, two calls.
    await eventually(() => sink.records.length === 2, 10_000, "both deliveries");
    expect(sink.records.map((record) => record.idempotencyKey).sort()).toEqual([...ids].sort());
  });
});
