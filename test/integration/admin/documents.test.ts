import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadRoutes } from "../../../src/config/load-routes.js";
import { asyncApiDocument, ingressOpenApiDocument } from "../../../src/ops/docs/index.js";
import { postSigned } from "../../helpers/post.js";
import { publishedBy, tapExchange, type QueueTap } from "../../helpers/rabbit.js";
import { EXAMPLE_SECRETS, startTestRouter, type TestRouter } from "../../helpers/router.js";
import { asyncApiProblems, openApiProblems } from "../../unit/docs/validators.js";

const TOKEN = "docs-test-token-0123456789";
const SHIPMENT = JSON.parse(readFileSync("routes/schemas/tracktile.shipment.status.changed.json", "utf8"));

// biome-ignore lint/suspicious/noExplicitAny: the tests walk the served documents' many shapes
type Loose = Record<string, any>;

describe("the admin API serves the generated AsyncAPI and ingress OpenAPI documents", () => {
  let tap: QueueTap;
  let router: TestRouter;
  const get = async (path: string, token: string | null = TOKEN) => {
    // A connection per request: validating a document holds this process's event loop (the
    // router's too) for seconds, after which the admin server's keep-alive timeout and fetch's
    // reuse of the idle socket race, and the next request read ECONNRESET.
    const response = await fetch(`http://127.0.0.1:${router.adminPort}${path}`, {
      headers: { connection: "close", ...(token === null ? {} : { authorization: `Bearer ${token}` }) },
    });
    return { status: response.status, body: (await response.json()) as Loose };
  };

  beforeAll(async () => {
    tap = await tapExchange("#");
    router = await startTestRouter({ AMQP_EXCHANGE: tap.exchange, ADMIN_PORT: "0", ADMIN_TOKEN: TOKEN });
  });
  afterAll(async () => {
    await router?.close();
    await tap?.close();
  });

  it("behind the admin API's bearer token, like every other endpoint", async () => {
    for (const path of ["/asyncapi.json", "/openapi-ingress.json"]) expect((await get(path, null)).status).toBe(401);
  });

  it("/asyncapi.json is the document of this router's exchange, queue prefix and routing table, and valid", async () => {
    const served = await get("/asyncapi.json");
    expect(served.status).toBe(200);
    const table = loadRoutes("routes", { ...EXAMPLE_SECRETS });
    expect(served.body.channels["tracktile.order.status.changed"].bindings.amqp.exchange.name).toBe(tap.exchange);
    const queuePrefix = served.body.channels["deadLetters.tracktik-employee-to-odoo"].address.replace("tracktik-employee-to-odoo.dead", "");
    expect(served.body).toEqual(
      JSON.parse(JSON.stringify(asyncApiDocument({ table, settings: { exchange: tap.exchange, queuePrefix, port: router.port } }))),
    );
    expect(await asyncApiProblems(served.body)).toEqual([]);
    // The shipped Tracktile shipment schema is the data of its channel, as JSON Schema 2020-12.
    expect(served.body.components.schemas["tracktile.shipment.status.changed"].schema).toEqual(SHIPMENT);
    const shipment = Object.values(served.body.channels["tracktile.shipment.status.changed"].messages)[0] as Loose;
    expect(shipment.payload.schema.allOf[1].properties.data).toEqual({ $ref: "#/components/schemas/tracktile.shipment.status.changed/schema" });
  });

  it("/openapi-ingress.json names this router's port, and is valid", async () => {
    const served = await get("/openapi-ingress.json");
    expect(served.status).toBe(200);
    expect(served.body.servers[0].variables.port.default).toBe(String(router.port));
    expect(Object.keys(served.body.paths)).toEqual(expect.arrayContaining(["/webhooks/tracktile", "/webhooks/tracktik/{eventName}", "/healthz"]));
    expect(await openApiProblems(served.body)).toEqual([]);
    const table = loadRoutes("routes", { ...EXAMPLE_SECRETS });
    expect(served.body).toEqual(
      JSON.parse(JSON.stringify(ingressOpenApiDocument({ table, settings: { exchange: tap.exchange, queuePrefix: "x", port: router.port } }))),
    );
    expect(served.body.components.schemas["tracktile.shipment.status.changed"]).toEqual(SHIPMENT);
    const { requestBody, responses } = served.body.paths["/webhooks/tracktile"].post;
    expect(requestBody.content["application/json"].schema.anyOf[0].$ref).toBe("#/components/schemas/tracktile.shipment.status.changed");
    expect(responses["422"].content["application/json"].schema.allOf[1].properties.error.enum).toEqual(["schema_violation"]);
  });

  it("describes what the router really publishes: exchange, routing key, AMQP properties, CloudEvent body", async () => {
    const { body: document } = await get("/asyncapi.json");
    const fixture = readFileSync("test/fixtures/tracktile/order.status.changed.json", "utf8");
    const { answer, arrived } = await publishedBy(tap, () => postSigned(router.url, "tracktile", fixture));
    expect(answer.status).toBe(202);
    const [message] = arrived;
    const channel = document.channels[message!.fields.routingKey];
    expect(channel, `a channel for ${message!.fields.routingKey}`).toBeDefined();
    expect(message!.fields.exchange).toBe(channel.bindings.amqp.exchange.name);
    const described = Object.values(channel.messages)[0] as Loose;
    const operation = document.operations[`send.${message!.fields.routingKey}`];
    expect(message!.properties).toMatchObject({
      contentType: described.contentType,
      type: described.bindings.amqp.messageType,
      deliveryMode: operation.bindings.amqp.deliveryMode,
      messageId: answer.body.id,
      appId: "webhook-router",
    });
    expect(typeof message!.properties.timestamp).toBe("number");
    const event = JSON.parse(message!.content.toString("utf8")) as Loose;
    expect(Object.keys(event)).toEqual(expect.arrayContaining(document.components.schemas.CloudEvent.required));
    expect(Object.keys(event).every((key) => key in document.components.schemas.CloudEvent.properties)).toBe(true);
    expect(event.type).toBe(described.payload.allOf[1].properties.type.const);
    expect(event.source).toBe(described.payload.allOf[1].properties.source.const);
  });
});
