import { randomUUID } from "node:crypto";
import amqplib, { type Channel, type ChannelModel } from "amqplib";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { openConnection } from "../../../src/broker/connection.js";
import { createAdapter } from "../../../src/adapters/index.js";
import type { Adapter } from "../../../src/adapters/port.js";
import { destinationSchema } from "../../../src/adapters/schema.js";
import { createMemoryTokenStore } from "../../../src/adapters/memory-token-store.js";
import { deliveryOf, failureOf, sampleEvent, silentLogger } from "../../helpers/fakes/index.js";
import { AMQP_URL, tapExchange, type QueueTap } from "../../helpers/rabbit.js";

let admin: ChannelModel;
let channel: Channel;
const cleanup: Array<() => Promise<unknown>> = [];

beforeAll(async () => {
  admin = await amqplib.connect(AMQP_URL);
  channel = await admin.createChannel();
});
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step().catch(() => {});
});
afterAll(() => admin.close());

function amqpAdapter(config: Record<string, unknown>): Adapter {
  const adapter = createAdapter("feed", destinationSchema.parse({ kind: "amqp", ...config }), {
    logger: silentLogger(),
    amqpUrl: AMQP_URL,
    openAmqp: openConnection,
    tokens: createMemoryTokenStore(),
  });
  cleanup.push(() => adapter.close?.() ?? Promise.resolve());
  return adapter;
}

async function tap(pattern = "#"): Promise<QueueTap> {
  const queueTap = await tapExchange(pattern, `test.adapter.${randomUUID()}`);
  cleanup.push(() => queueTap.close());
  return queueTap;
}

describe("amqp adapter", () => {
  it("publishes the mapped payload as persistent JSON with messageId and CloudEvents headers", async () => {
    const feed = await tap();
    const adapter = amqpAdapter({ exchange: feed.exchange, routingKey: "orders.{payload.region}.{event.type}" });
    const event = sampleEvent();
    await expect(adapter.deliver(deliveryOf({ region: "eu", total: 62.5 }, { event }))).resolves.toEqual({});
    const [message] = await feed.waitFor(1);
    expect(message?.fields.routingKey).toBe("orders.eu.tracktile.order.created");
    expect(JSON.parse(String(message?.content))).toEqual({ region: "eu", total: 62.5 });
    expect(message?.properties).toMatchObject({ messageId: event.id, contentType: "application/json", deliveryMode: 2 });
    expect(message?.properties.headers).toMatchObject({
      "ce-id": event.id,
      "ce-type": event.type,
      "ce-source": event.source,
      "ce-specversion": "1.0",
    });
  });

  it("resolves only after the broker's confirm: the message is already queued", async () => {
    const exchange = `test.adapter.${randomUUID()}`;
    const adapter = amqpAdapter({ exchange, routingKey: "k" });
    cleanup.push(() => channel.deleteExchange(exchange));
    await adapter.deliver(deliveryOf({ warm: true }));
    const { queue } = await channel.assertQueue("", { exclusive: true });
    await channel.bindQueue(queue, exchange, "#");
    await adapter.deliver(deliveryOf({ n: 1 }));
    expect((await channel.checkQueue(queue)).messageCount).toBe(1);
  });

  it("rejects as transient when the broker refuses the message (nack)", async () => {
    const exchange = `test.adapter.${randomUUID()}`;
    await channel.assertExchange(exchange, "topic", { durable: true });
    cleanup.push(() => channel.deleteExchange(exchange));
    // A queue that refuses every message makes the broker nack the publish.
    const { queue } = await channel.assertQueue("", { exclusive: true, arguments: { "x-max-length": 0, "x-overflow": "reject-publish" } });
    await channel.bindQueue(queue, exchange, "#");
    const error = await failureOf(amqpAdapter({ exchange, routingKey: "k" }).deliver(deliveryOf({ n: 1 })));
    expect(error.kind).toBe("transient");
    expect(error.message).toContain("did not confirm");
  });

  it("an exchange of another type is a permanent configuration problem", async () => {
    const exchange = `test.adapter.${randomUUID()}`;
    await channel.assertExchange(exchange, "fanout", { durable: true });
    cleanup.push(() => channel.deleteExchange(exchange));
    const error = await failureOf(amqpAdapter({ exchange, routingKey: "k" }).deliver(deliveryOf({})));
    expect(error.kind).toBe("permanent");
    expect(error.message).toContain("PRECONDITION");
  });

  it("an unreachable broker is transient, and the URL's password never shows", async () => {
    const error = await failureOf(
      amqpAdapter({ exchange: "unused", routingKey: "k", url: "amqp://guest:s3cret-pass@127.0.0.1:1" }).deliver(deliveryOf({})),
    );
    expect(error.kind).toBe("transient");
    expect(error.message).toContain("ECONNREFUSED");
    expect(error.message).not.toContain("s3cret-pass");
  });

  it("refused broker credentials are a credentials error", async () => {
    const url = AMQP_URL.replace(/\/\/([^:]+):[^@]*@/, "//$1:wrong-password@");
    const error = await failureOf(amqpAdapter({ exchange: "unused", routingKey: "k", url }).deliver(deliveryOf({})));
    expect(error.kind).toBe("credentials");
    expect(error.message).not.toContain("wrong-password");
  });

  it("after the channel closes under it, the next delivery reconnects and declares the exchange again", async () => {
    const feed = await tap();
    const adapter = amqpAdapter({ exchange: feed.exchange, routingKey: "k" });
    await adapter.deliver(deliveryOf({ n: 1 }));
    await channel.deleteExchange(feed.exchange);
    await expect(failureOf(adapter.deliver(deliveryOf({ n: 2 })))).resolves.toMatchObject({ kind: "transient" });
    await expect(adapter.deliver(deliveryOf({ n: 3 }))).resolves.toEqual({});
    await channel.checkExchange(feed.exchange);
  });

  it("after close(), deliveries fail as transient instead of reconnecting", async () => {
    const feed = await tap();
    const adapter = amqpAdapter({ exchange: feed.exchange, routingKey: "k" });
    await adapter.deliver(deliveryOf({ n: 1 }));
    await adapter.close?.();
    await expect(failureOf(adapter.deliver(deliveryOf({ n: 2 })))).resolves.toMatchObject({ kind: "transient" });
  });
});
