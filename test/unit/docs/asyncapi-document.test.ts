import { describe, expect, it } from "vitest";
import { HEADERS } from "../../../src/contracts/message-headers.js";
import { asyncApiDocument, type DocumentSettings } from "../../../src/ops/docs/index.js";
import { asyncApiProblems, parsedAsyncApi, shippedTable, tableFromYaml } from "./validators.js";

const settings: DocumentSettings = { exchange: "events", queuePrefix: "webhook-router." };

describe("the AsyncAPI document of the exchange", () => {
  const table = shippedTable();
  const document = asyncApiDocument({ table, settings });

  it("is valid AsyncAPI 3.0 for the official parser: no error, no warning", async () => {
    expect(document.asyncapi).toBe("3.0.0");
    expect(await asyncApiProblems(document)).toEqual([]);
  });

  it("the parser does find problems: a document with a broken reference is refused", async () => {
    const broken = structuredClone(document) as { operations: Record<string, { channel: object }> };
    Object.values(broken.operations)[0]!.channel = { $ref: "#/channels/nowhere" };
    expect((await asyncApiProblems(broken)).length).toBeGreaterThan(0);
  });

  it("lists every shipped source's channels: each named event, any event of each source, each polling source's event, each route's dead letters", async () => {
    const parsed = await parsedAsyncApi(document);
    const addresses = parsed
      .channels()
      .all()
      .map((channel) => channel.address())
      .sort();
    const perSource = [...table.sources.values()].filter((source) => !source.api).map(({ id }) => `${id}.{eventName}`);
    const named = [
      "erp.customer.updated",
      "tracktik.employees.created",
      "tracktile.customer.updated",
      "tracktile.order.status.changed",
      "tracktile.shipment.status.changed",
    ];
    const dead = [...table.routes.keys()].map((id) => `webhook-router.${id}.dead`);
    const polled = [...table.polls.values()].map((poll) => `${poll.id}.${poll.event.name}`);
    expect(polled).toEqual(["tracktile-products.product.changed"]);
    expect(addresses).toEqual([...perSource, ...named, ...polled, ...dead].sort());
    expect(perSource.sort()).toEqual(["erp.{eventName}", "tracktik.{eventName}", "tracktile.{eventName}", "trackvia.{eventName}"]);
  });

  it("binds each event channel to the durable topic exchange by routing key; the router sends persistent, timestamped messages", () => {
    const custom = asyncApiDocument({ table, settings: { exchange: "orders-exchange", queuePrefix: "wr." } });
    const channel = custom.channels["tracktile.order.status.changed"] as { bindings: { amqp: object } };
    expect(channel.bindings.amqp).toEqual({
      is: "routingKey",
      exchange: { name: "orders-exchange", type: "topic", durable: true, autoDelete: false },
      bindingVersion: "0.3.0",
    });
    expect(custom.operations["send.tracktile.order.status.changed"]).toMatchObject({
      action: "send",
      bindings: { amqp: { deliveryMode: 2, timestamp: true } },
    });
    expect(custom.info.description).toContain("durable topic exchange `orders-exchange`");
    expect(custom.info.description).toContain("`content-type`: application/cloudevents+json");
    expect(custom.info.description).toContain("`message-id`: the event id");
    expect(custom.channels["deadLetters.tracktik-employee-to-odoo"]).toMatchObject({ address: "wr.tracktik-employee-to-odoo.dead" });
  });

  it("describes where a sender-named event's name comes from, and which routes consume it", () => {
    const tracktik = document.channels.tracktik as { parameters: { eventName: { description: string; examples: string[] } }; description: string };
    expect(tracktik.parameters.eventName.description).toContain("with `entity:` stripped");
    expect(tracktik.parameters.eventName.examples).toEqual(["employees.created"]);
    expect(tracktik.description).toContain("`tracktik-employee-to-odoo` (queue `webhook-router.tracktik-employee-to-odoo`)");
    expect((document.channels.trackvia as { description: string }).description).toContain("No route of this router consumes it");
  });

  it("gives each named event the CloudEvent envelope, and the routing table's examples as the router would publish them", () => {
    const channel = document.channels["tracktile.order.status.changed"] as {
      messages: Record<string, { payload: { allOf: object[] }; examples: Array<{ name: string; payload: Record<string, unknown> }> }>;
    };
    const message = channel.messages["tracktile.order.status.changed.cloudEvent"]!;
    expect(message.payload.allOf[0]).toEqual({ $ref: "#/components/schemas/CloudEvent" });
    expect(message.payload.allOf[1]).toMatchObject({
      properties: { type: { const: "tracktile.order.status.changed" }, source: { const: "/webhooks/tracktile" } },
    });
    expect(message.examples.map((example) => example.name)).toContain("tracktile-order-completed-to-quickbooks: a completed order with two lines");
    expect(message.examples[0]!.payload).toMatchObject({
      specversion: "1.0",
      source: "/webhooks/tracktile",
      type: "tracktile.order.status.changed",
      datacontenttype: "application/json",
      data: { id: "evt_ord_7f3a91", kind: "order.status.changed", orderId: "ord_8841" },
    });
    expect(document.components.schemas.CloudEvent.required).toEqual(["specversion", "id", "source", "type", "time", "datacontenttype", "data"]);
  });

  it("a dead-letter channel documents every x-* header the router writes on dead letters", () => {
    const channel = document.channels["deadLetters.tracktik-employee-to-odoo"] as {
      messages: { deadLetter: { headers: { properties: Record<string, { enum?: string[] }> } } };
      bindings: { amqp: object };
    };
    const { properties } = channel.messages.deadLetter.headers;
    expect(Object.keys(properties).sort()).toEqual(Object.values(HEADERS).sort());
    expect(properties[HEADERS.errorKind]!.enum).toEqual(["exhausted", "permanent", "credentials", "mapping", "poison"]);
    expect(channel.bindings.amqp).toMatchObject({ is: "queue", queue: { name: "webhook-router.tracktik-employee-to-odoo.dead", durable: true } });
  });

  it("a source with no route still has its any-event channel; patterns with wildcards name no event of their own", async () => {
    const small = tableFromYaml(`
sources:
  shop:
    verify: { preset: shopify, secret: s }
  hooks:
    verify: { preset: github, secret: s }
destinations:
  sink: { kind: http, url: "http://127.0.0.1:9/in" }
routes:
  orders:
    events: ["shop.orders.*", "#"]
    destination: sink
`);
    const generated = asyncApiDocument({ table: small, settings });
    expect(Object.keys(generated.channels).sort()).toEqual(["deadLetters.orders", "hooks", "shop"]);
    expect((generated.channels.hooks as { description: string }).description).toContain("Consumed by route `orders`");
    expect(await asyncApiProblems(generated)).toEqual([]);
  });
});
