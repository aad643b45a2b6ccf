import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadRoutes } from "../../../src/config/load-routes.js";
import { problemLines, routesDir } from "../../helpers/config-problems.js";
import { EXAMPLE_SECRETS } from "../../helpers/router.js";

const source = (schema: string) => `sources:
  orders:
    verify: { preset: header-token, secret: s }
    event: { type: body:kind }
${schema}
`;

/** A routes folder with `routes.yaml` and, beside it, these files (paths relative to the folder). */
function folder(yaml: string, files: Record<string, unknown> = {}): string {
  const dir = routesDir(yaml);
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir, name, ".."), { recursive: true });
    writeFileSync(join(dir, name), typeof content === "string" ? content : JSON.stringify(content));
  }
  return dir;
}

const ORDER = { type: "object", required: ["orderId"], properties: { orderId: { type: "string" }, email: { type: "string", format: "email" } } };

describe("request schemas in the routing table", () => {
  it("compiles an inline default and a $ref file per event name; an event with neither is not validated", () => {
    const dir = folder(
      source(`    schema:
      default: { type: object, required: [id] }
      events:
        order.created: { $ref: schemas/order.json }`),
      { "schemas/order.json": ORDER },
    );
    const schemas = loadRoutes(dir, {}).sources.get("orders")!.requestSchemas!;
    expect(schemas.validatorFor("order.created")!({ orderId: "o1" })).toEqual([]);
    expect(schemas.validatorFor("order.created")!({ orderId: 7, email: "nope" })).toEqual([
      { pointer: "/orderId", message: "must be string" },
      { pointer: "/email", message: 'must match format "email"' },
    ]);
    expect(schemas.validatorFor("order.updated")!({})).toEqual([{ pointer: "/id", message: "is required" }]);
    expect(schemas.documents).toEqual({ default: { type: "object", required: ["id"] }, events: { "order.created": ORDER } });
  });

  it("reads and compiles a file named twice once (a schema with an $id may not be added twice)", () => {
    const dir = folder(source("    schema:\n      default: { $ref: o.json }\n      events:\n        order.created: { $ref: ./o.json }"), {
      "o.json": { $id: "https://example.com/order", ...ORDER },
    });
    const schemas = loadRoutes(dir, {}).sources.get("orders")!.requestSchemas!;
    expect(schemas.validatorFor("order.created")).toBe(schemas.validatorFor("anything"));
  });

  it("leaves a source without `schema:` alone: nothing to compile, nothing to validate", () => {
    const table = loadRoutes(folder(source("")), {});
    expect(table.sources.get("orders")!.requestSchemas).toBeUndefined();
  });

  it("validates only the named events when there is no default", () => {
    const dir = folder(source("    schema:\n      events:\n        order.created: { type: object, required: [orderId] }"));
    const schemas = loadRoutes(dir, {}).sources.get("orders")!.requestSchemas!;
    expect(schemas.validatorFor("order.deleted")).toBeUndefined();
    expect(schemas.validatorFor("order.created")!({})).toEqual([{ pointer: "/orderId", message: "is required" }]);
  });

  it("points at each violation: nested items, additional properties, with ~ and / escaped", () => {
    const dir = folder(
      source(`    schema:
      default:
        type: object
        additionalProperties: false
        properties:
          lines: { type: array, items: { type: object, required: [sku] } }`),
    );
    const validate = loadRoutes(dir, {}).sources.get("orders")!.requestSchemas!.validatorFor("any")!;
    expect(validate({ lines: [{ sku: "a" }, {}], "a/b~c": 1 })).toEqual([
      { pointer: "/a~1b~0c", message: "is not allowed (additionalProperties)" },
      { pointer: "/lines/1/sku", message: "is required" },
    ]);
  });

  it("takes a draft-07 schema where its $schema says so", () => {
    const dir = folder(source("    schema:\n      default: { $ref: v7.json }"), {
      "v7.json": {
        $schema: "http://json-schema.org/draft-07/schema#",
        type: "object",
        definitions: { n: { type: "number" } },
        properties: { n: { $ref: "#/definitions/n" } },
      },
    });
    const validate = loadRoutes(dir, {}).sources.get("orders")!.requestSchemas!.validatorFor("any")!;
    expect(validate({ n: "x" })).toEqual([{ pointer: "/n", message: "must be number" }]);
  });

  it("reports a missing file, a file that is not JSON and an invalid schema, each at its line in the routes file", () => {
    const dir = folder(
      source(`    schema:
      default: { typ: object }
      events:
        order.created: { $ref: schemas/missing.json }
        order.updated: { $ref: broken.json }
        order.deleted: { type: string, format: not-a-format }`),
      { "broken.json": "{ nope" },
    );
    const lines = problemLines(() => loadRoutes(dir, {}));
    expect(lines).toEqual([
      expect.stringMatching(/routes\.yaml:6:7 at sources\.orders\.schema\.default: invalid JSON Schema: strict mode: unknown keyword: "typ"/),
      expect.stringMatching(
        /routes\.yaml:8:26 at sources\.orders\.schema\.events\.order\.created\.\$ref: cannot read the schema file \/tmp\/.*\/schemas\/missing\.json \(ENOENT\)/,
      ),
      expect.stringMatching(
        /routes\.yaml:9:26 at sources\.orders\.schema\.events\.order\.updated\.\$ref: the schema file .*broken\.json is not JSON/,
      ),
      expect.stringMatching(
        /routes\.yaml:10:9 at sources\.orders\.schema\.events\.order\.deleted: invalid JSON Schema: unknown format "not-a-format"/,
      ),
    ]);
  });

  it("refuses a bare JSON Schema where `default:`/`events:` belong, and an event name that is not dot words", () => {
    const lines = problemLines(() => loadRoutes(folder(source("    schema:\n      type: object\n      events:\n        'order created': {}")), {}));
    expect(lines.join("\n")).toMatch(/sources\.orders\.schema.*type/);
    expect(lines.join("\n")).toMatch(/an event name is dot words/);
  });

  it("ships a schema for Tracktile's shipment events that real Tracktile payloads pass", () => {
    const tracktile = loadRoutes("routes", EXAMPLE_SECRETS);
    const validate = tracktile.sources.get("tracktile")!.requestSchemas!.validatorFor("shipment.status.changed")!;
    const payload = JSON.parse(readFileSync("test/fixtures/tracktile/shipment.status.changed.json", "utf8"));
    expect(validate(payload)).toEqual([]);
    expect(validate({ ...payload, shipmentId: undefined, currentShipmentStatus: 7 })).toEqual([
      { pointer: "/shipmentId", message: "is required" },
      { pointer: "/currentShipmentStatus", message: "must be string" },
    ]);
  });
});
