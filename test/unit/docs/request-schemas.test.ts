import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { INGRESS_ERRORS, MAX_VIOLATIONS } from "../../../src/contracts/ingress-errors.js";
import { loadRoutes } from "../../../src/config/load-routes.js";
import { JSON_SCHEMA_2020_12 } from "../../../src/ops/docs/asyncapi-payload.js";
import { asyncApiDocument, type DocumentSettings, ingressOpenApiDocument } from "../../../src/ops/docs/index.js";
import { asyncApiProblems, openApiProblems, parsedAsyncApi, shippedTable, tableFromYaml } from "./validators.js";

const settings: DocumentSettings = { exchange: "events", queuePrefix: "webhook-router." };
const SHIPMENT = JSON.parse(readFileSync("routes/schemas/tracktile.shipment.status.changed.json", "utf8"));

// biome-ignore lint/suspicious/noExplicitAny: the tests walk the generated documents' many shapes
type Loose = Record<string, any>;

/** Two sources: one with a draft-07 default schema, one with a 2020-12 event schema (`$id`, `$defs`, `prefixItems`) and a 2020-12 default. */
const MIXED = `
sources:
  legacy:
    verify: { preset: github, secret: s }
    schema:
      default:
        $schema: "http://json-schema.org/draft-07/schema#"
        type: object
        required: [action]
        properties: { action: { $ref: "#/definitions/action" } }
        definitions: { action: { type: string, enum: [opened, closed] } }
  shop:
    verify: { preset: shopify, secret: s }
    schema:
      default: { type: object }
      events:
        orders.create:
          $id: "https://example.com/schemas/order"
          type: object
          required: [id, line_items]
          properties:
            id: { $ref: "#/$defs/id" }
            line_items: { type: array, prefixItems: [{ $ref: "#/$defs/line" }], unevaluatedItems: false }
          $defs:
            id: { type: integer, minimum: 1 }
            line: { type: object, required: [sku], properties: { sku: { $ref: "https://example.com/schemas/order#/$defs/sku" } } }
            sku: { type: string }
destinations:
  sink: { kind: http, url: "http://127.0.0.1:9/in" }
routes:
  orders:
    events: ["shop.#", "legacy.#"]
    destination: sink
`;

const payloadOf = (document: Loose, channel: string) => (Object.values(document.channels[channel].messages)[0] as Loose).payload;

describe("the shipped routes' request schema in the generated documents", () => {
  const table = shippedTable();

  it("AsyncAPI: the Tracktile shipment schema is the CloudEvent's data, as JSON Schema 2020-12, and the parser reads it", async () => {
    const document = asyncApiDocument({ table, settings }) as Loose;
    expect(document.components.schemas["tracktile.shipment.status.changed"]).toEqual({ schemaFormat: JSON_SCHEMA_2020_12, schema: SHIPMENT });
    const payload = payloadOf(document, "tracktile.shipment.status.changed");
    expect(payload.schemaFormat).toBe(JSON_SCHEMA_2020_12);
    expect(payload.schema.allOf[1].properties.data).toEqual({ $ref: "#/components/schemas/tracktile.shipment.status.changed/schema" });
    // Channels without a schema keep AsyncAPI's own format.
    expect(payloadOf(document, "tracktile.order.status.changed").allOf[0]).toEqual({ $ref: "#/components/schemas/CloudEvent" });
    expect(document.channels.tracktile.description).toContain("Events `shipment.status.changed` have request schemas of their own");
    expect(payloadOf(document, "tracktile").allOf[1].properties).not.toHaveProperty("data");
    expect(await asyncApiProblems(document)).toEqual([]);
    const parsed = await parsedAsyncApi(document);
    const message = parsed
      .messages()
      .all()
      .find((each) => each.name() === "tracktile.shipment.status.changed")!;
    expect(message.schemaFormat()).toBe(JSON_SCHEMA_2020_12);
    expect(message.payload()!.allOf()![1]!.properties()!.data!.required()).toEqual(SHIPMENT.required);
  });

  it("OpenAPI: the schema is a component, the webhook body lists it per event, and 422 carries the violations", async () => {
    const document = ingressOpenApiDocument({ table, settings }) as Loose;
    expect(document.components.schemas["tracktile.shipment.status.changed"]).toEqual(SHIPMENT);
    for (const path of ["/webhooks/tracktile", "/webhooks/tracktile/{eventName}"]) {
      const { requestBody, responses, parameters } = document.paths[path].post;
      expect(requestBody.content["application/json"].schema.anyOf).toEqual([
        { $ref: "#/components/schemas/tracktile.shipment.status.changed", description: "event `shipment.status.changed`" },
        { description: "any other event: not validated" },
      ]);
      expect(requestBody.description).toContain("`shipment.status.changed`: `tracktile.shipment.status.changed`; any other event: not validated");
      expect(responses["422"].description).toBe(`\`schema_violation\`: ${INGRESS_ERRORS.schema_violation.description}`);
      expect(responses["422"].content["application/json"].schema.allOf).toEqual([
        { $ref: "#/components/schemas/Error" },
        { type: "object", properties: { error: { type: "string", enum: ["schema_violation"] } } },
        { $ref: "#/components/schemas/Violations" },
      ]);
      if (path.endsWith("}")) expect(parameters[0].examples).toHaveProperty("shipment_status_changed");
    }
    const violations = document.components.schemas.Violations;
    expect(violations.properties.violations.maxItems).toBe(MAX_VIOLATIONS);
    expect(violations.properties.violations.items.required).toEqual(["pointer", "message"]);
    expect(violations.properties).toHaveProperty("omitted");
    expect(await openApiProblems(document)).toEqual([]);
  });
});

describe("request schemas of either dialect in the generated documents", () => {
  const table = tableFromYaml(MIXED);

  it("AsyncAPI: a draft-07 schema stays an AsyncAPI Schema Object; a 2020-12 one is declared as 2020-12; both documents valid", async () => {
    const document = asyncApiDocument({ table, settings }) as Loose;
    expect(await asyncApiProblems(document)).toEqual([]);
    const legacy = payloadOf(document, "legacy");
    expect(legacy.allOf[1].properties.data).toEqual({ $ref: "#/components/schemas/legacy" });
    expect(document.components.schemas.legacy.properties.action).toEqual({ $ref: "#/components/schemas/legacy/definitions/action" });
    expect(document.components.schemas.legacy.$schema).toBe("http://json-schema.org/draft-07/schema#");
    // An event named only by its schema has its own channel; any other event of the source gets the default.
    expect(payloadOf(document, "shop.orders.create").schema.allOf[1].properties.data).toEqual({
      $ref: "#/components/schemas/shop.orders.create/schema",
    });
    expect(document.channels.shop.description).toContain("any other event's `data` matches the request schema `shop`");
    expect(document.components.schemas["CloudEvent.2020-12"].schemaFormat).toBe(JSON_SCHEMA_2020_12);
    const parsed = await parsedAsyncApi(document);
    const order = parsed
      .messages()
      .all()
      .find((each) => each.name() === "shop.orders.create")!;
    expect(order.payload()!.allOf()![1]!.properties()!.data!.properties()!.id!.minimum()).toBe(1);
  });

  it("rewrites a schema's own references to where the document puts it, through its $id too", () => {
    const { schemas } = (ingressOpenApiDocument({ table, settings }) as Loose).components;
    const order = schemas["shop.orders.create"];
    expect(order).not.toHaveProperty("$id");
    expect(order.properties.id).toEqual({ $ref: "#/components/schemas/shop.orders.create/$defs/id" });
    expect(order.properties.line_items.prefixItems[0]).toEqual({ $ref: "#/components/schemas/shop.orders.create/$defs/line" });
    expect(order.$defs.line.properties.sku).toEqual({ $ref: "#/components/schemas/shop.orders.create/$defs/sku" });
    expect(schemas.legacy.properties.action).toEqual({ $ref: "#/components/schemas/legacy/definitions/action" });
  });

  it("OpenAPI: draft-07 keeps its $schema; a source with a default and an event schema takes either", async () => {
    const document = ingressOpenApiDocument({ table, settings }) as Loose;
    expect(await openApiProblems(document)).toEqual([]);
    expect(document.paths["/webhooks/legacy"].post.requestBody.content["application/json"].schema).toEqual({ $ref: "#/components/schemas/legacy" });
    expect(document.paths["/webhooks/shop"].post.requestBody.content["application/json"].schema.anyOf).toEqual([
      { $ref: "#/components/schemas/shop.orders.create", description: "event `orders.create`" },
      { $ref: "#/components/schemas/shop", description: "any other event" },
    ]);
    expect(document.components.schemas.legacy.$schema).toBe("http://json-schema.org/draft-07/schema#");
  });

  it("a schema file that is both the default and an event's is one component", async () => {
    const dir = mkdtempSync(join(tmpdir(), "wr-docs-"));
    writeFileSync(join(dir, "body.json"), JSON.stringify({ type: "object", required: ["kind"] }));
    writeFileSync(
      join(dir, "routes.yaml"),
      `sources:
  hooks:
    verify: { preset: github, secret: s }
    schema: { default: { $ref: body.json }, events: { push: { $ref: body.json } } }
`,
    );
    const shared = loadRoutes(dir, {});
    const openApi = ingressOpenApiDocument({ table: shared, settings }) as Loose;
    expect(Object.keys(openApi.components.schemas)).toEqual(["Accepted", "Error", "Violations", "hooks"]);
    expect(openApi.paths["/webhooks/hooks"].post.requestBody.content["application/json"].schema).toEqual({ $ref: "#/components/schemas/hooks" });
    const asyncApi = asyncApiDocument({ table: shared, settings }) as Loose;
    expect(Object.keys(asyncApi.components.schemas)).toEqual(["CloudEvent", "CloudEvent.2020-12", "hooks"]);
    expect(payloadOf(asyncApi, "hooks.push").schema.allOf[1].properties.data).toEqual({ $ref: "#/components/schemas/hooks/schema" });
    expect(await asyncApiProblems(asyncApi)).toEqual([]);
    expect(await openApiProblems(openApi)).toEqual([]);
  });

  it("without request schemas: no 422, no schema components, the envelope alone", () => {
    const plain = tableFromYaml("sources:\n  hooks: { verify: { preset: github, secret: s } }\n");
    const openApi = ingressOpenApiDocument({ table: plain, settings }) as Loose;
    expect(openApi.paths["/webhooks/hooks"].post.responses).not.toHaveProperty("422");
    expect(Object.keys(openApi.components.schemas)).toEqual(["Accepted", "Error", "Violations"]);
    expect(Object.keys((asyncApiDocument({ table: plain, settings }) as Loose).components.schemas)).toEqual(["CloudEvent"]);
  });
});
