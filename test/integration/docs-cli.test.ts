import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { JSON_SCHEMA_2020_12 } from "../../src/ops/docs/asyncapi-payload.js";
import { asyncApiDocument, ingressOpenApiDocument } from "../../src/ops/docs/index.js";
import { shippedTable } from "../unit/docs/validators.js";

const run = promisify(execFile);
/** An operator's shell far from the router: the routes and three plain settings, no secret at all. */
const SETTINGS = { ROUTES_DIR: "routes", AMQP_EXCHANGE: "orders", QUEUE_PREFIX: "wr.", PORT: "8181" };
const docs = (args: string[], env: Record<string, string> = SETTINGS) =>
  run(process.execPath, ["dist/cli/main.js", "docs", ...args], { env: { PATH: process.env.PATH, ENV_FILE: "", ...env } }).then(
    (result) => ({ code: 0, ...result }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );

const settings = { exchange: "orders", queuePrefix: "wr.", port: 8181 };
const plain = (value: unknown) => JSON.parse(JSON.stringify(value));
const SHIPMENT = JSON.parse(readFileSync("routes/schemas/tracktile.shipment.status.changed.json", "utf8"));

describe("webhook-router docs", () => {
  it("prints the AsyncAPI document (the default) as JSON, without any secret set", async () => {
    const result = await docs([]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual(plain(asyncApiDocument({ table: shippedTable(), settings })));
    expect((await docs(["asyncapi"])).stdout).toBe(result.stdout);
    const printed = JSON.parse(result.stdout);
    expect(printed.components.schemas["tracktile.shipment.status.changed"]).toEqual({ schemaFormat: JSON_SCHEMA_2020_12, schema: SHIPMENT });
  });

  it("prints the ingress's OpenAPI document, as YAML with --format yaml", async () => {
    const result = await docs(["openapi", "--format", "yaml"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^openapi: 3\.1\.0\n/);
    const printed = parse(result.stdout);
    expect(printed).toEqual(plain(ingressOpenApiDocument({ table: shippedTable(), settings })));
    expect(printed.components.schemas["tracktile.shipment.status.changed"]).toEqual(SHIPMENT);
    expect(printed.paths["/webhooks/tracktile/{eventName}"].post.responses).toHaveProperty("422");
    expect(Object.keys(printed.paths["/api/trackvia-quote"].post.responses)).toEqual(expect.arrayContaining(["200", "409", "422", "502", "504"]));
  });

  it("refuses an unknown document or format with the usage, exit 2", async () => {
    for (const args of [["swagger"], ["openapi", "--format", "xml"]]) {
      const result = await docs(args);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/docs \[asyncapi\|openapi\]/);
    }
  });

  it("says on stderr when a variable a document shows is unset: a source's header name", async () => {
    const result = await docs(["openapi"], { ...SETTINGS, ROUTES_DIR: "test/fixtures/routes/docs-header-var" });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/note: not set here, so the documents show a stand-in where these are used: ACME_HEADER$/m);
    expect(result.stderr).not.toMatch(/ACME_SECRET/);
  });
});
