import { describe, expect, it } from "vitest";
import { type DocumentSettings, ingressOpenApiDocument } from "../../../src/ops/docs/index.js";
import { openApiProblems, shippedTable, tableFromYaml } from "./validators.js";

const settings: DocumentSettings = { exchange: "events", queuePrefix: "webhook-router.", port: 8080 };

// biome-ignore lint/suspicious/noExplicitAny: the tests walk the generated document's many shapes
type Loose = Record<string, any>;

const codesOf = (response: Loose): string[] => response.content["application/json"].schema.allOf[1].properties.error.enum;

describe("the OpenAPI document of the ingress: synchronous API endpoints", () => {
  const document = ingressOpenApiDocument({ table: shippedTable(), settings }) as Loose;
  const call = document.paths["/api/trackvia-quote"]?.post as Loose;

  it("has POST /api/trackvia-quote with its verification, the Idempotency-Key header and the request schema", async () => {
    expect(await openApiProblems(document)).toEqual([]);
    expect(call.operationId).toBe("call_trackvia-quote");
    expect(call.security).toEqual([{ "trackvia-quote": [] }]);
    expect(document.components.securitySchemes["trackvia-quote"]).toMatchObject({ type: "apiKey", in: "header", name: "x-trackvia-token" });
    expect(call.parameters.map((parameter: Loose) => parameter.name)).toEqual(["Idempotency-Key"]);
    expect(call.parameters[0]).toMatchObject({ in: "header", required: false, schema: { minLength: 1, maxLength: 255 } });
    const body = call.requestBody.content["application/json"];
    expect(body.schema).toEqual({ $ref: "#/components/schemas/trackvia-quote" });
    expect(document.components.schemas["trackvia-quote"].required).toEqual(["recordId", "customerId", "lines"]);
    expect(Object.values(body.examples).map((example) => (example as Loose).value.recordId)).toContain(5012);
    expect(call.description).toContain("trackvia-quote-to-odoo");
    expect(call.description).toContain("Deadline 10000 ms");
  });

  it("answers 200 with the route's response schema, and every error status with its codes and headers", () => {
    const { responses } = call;
    expect(Object.keys(responses)).toEqual(["200", "400", "401", "408", "409", "413", "415", "422", "429", "431", "500", "502", "503", "504"]);
    expect(responses["200"].content["application/json"].schema).toEqual({ $ref: "#/components/schemas/trackvia-quote.response" });
    expect(document.components.schemas["trackvia-quote.response"]).toMatchObject({ required: ["quotationId", "reference", "existing"] });
    expect(Object.keys(responses["200"].headers)).toEqual(["X-Event-Id", "Idempotent-Replayed"]);
    expect(codesOf(responses["400"])).toContain("invalid_idempotency_key");
    expect(codesOf(responses["401"])).toEqual(["invalid_signature"]);
    expect(codesOf(responses["409"])).toEqual(["destination_conflict", "already_processed", "in_progress"]);
    expect(codesOf(responses["422"])).toEqual(["schema_violation", "destination_rejected"]);
    expect(codesOf(responses["502"])).toEqual(["destination_failed"]);
    expect(codesOf(responses["504"])).toEqual(["destination_timeout", "deadline_exceeded"]);
    // `violations` only on schema_violation; `id` only on deadline_exceeded.
    expect(responses["422"].content["application/json"].schema.allOf[2].anyOf[0]).toEqual({
      properties: { error: { not: { const: "schema_violation" } } },
    });
    expect(JSON.stringify(responses["504"].content["application/json"].schema.allOf[2])).toContain('"required":["id"]');
    for (const status of ["409", "422", "502", "504"]) expect(Object.keys(responses[status].headers), status).toContain("X-Event-Id");
    expect(Object.keys(responses["503"].headers)).toEqual(["Retry-After", "X-Event-Id"]);
    expect(document.components.headers["Idempotent-Replayed"].schema).toEqual({ type: "string", const: "true" });
  });

  it("any other endpoint id is 404 unknown_endpoint, any other method 405; an API endpoint is not a webhook", () => {
    const other = document.paths["/api/{endpointId}"];
    expect(codesOf(other.post.responses["404"])).toEqual(["unknown_endpoint"]);
    expect(codesOf(other.get.responses["405"])).toEqual(["method_not_allowed"]);
    expect(document.paths["/webhooks/trackvia-quote"]).toBeUndefined();
    expect(document.tags.map((tag: Loose) => tag.name)).toContain("trackvia-quote");
  });

  it("an endpoint without request or response schema, verified with HMAC: any body, any answer, no 422 schema_violation", async () => {
    const table = tableFromYaml(`
sources:
  lookup:
    verify: { preset: standard-webhooks, secret: "whsec_${Buffer.from("k").toString("base64")}" }
    api: { route: answer, deadline: 2s }
destinations:
  erp: { kind: http, url: "http://127.0.0.1:9/x" }
routes:
  answer: { events: lookup.#, sync: true, destination: erp }
`);
    const only = ingressOpenApiDocument({ table, settings }) as Loose;
    expect(await openApiProblems(only)).toEqual([]);
    const post = only.paths["/api/lookup"].post;
    expect(post.parameters.map((parameter: Loose) => parameter.name).sort()).toEqual(["Idempotency-Key", "webhook-id", "webhook-timestamp"]);
    expect(post.requestBody.content["application/json"].schema).toEqual({});
    expect(post.responses["200"].content["application/json"].schema).toEqual({ description: "the mapped answer (any JSON)" });
    expect(codesOf(post.responses["422"])).toEqual(["destination_rejected"]);
    expect(post.description).toContain("Deadline 2000 ms");
  });

  it("an async endpoint answers 202 {id}, takes X-Callback-Url, refuses a bad one with 400, and describes the signed callback POST", async () => {
    const secret = `whsec_${Buffer.from("callback-secret-0123456789").toString("base64")}`;
    const table = tableFromYaml(`
sources:
  jobs:
    verify: { preset: header-token, header: x-token, secret: t }
    api:
      route: job-run
      mode: async
      callback: { url: "https://hooks.example.com/jobs", allowRequestUrl: true, secret: "${secret}" }
  fixed-jobs:
    verify: { preset: header-token, header: x-token, secret: t }
    api: { route: fixed-run, mode: async, callback: { url: "https://hooks.example.com/fixed", secret: "${secret}" } }
destinations:
  erp: { kind: http, url: "http://127.0.0.1:9/x" }
routes:
  job-run:
    events: jobs.#
    sync: true
    destination: erp
    response: { mapping: "{ 'record': id }", schema: { type: object, required: [record] } }
  fixed-run: { events: fixed-jobs.#, sync: true, destination: erp }
`);
    const only = ingressOpenApiDocument({ table, settings }) as Loose;
    expect(await openApiProblems(only)).toEqual([]);
    const post = only.paths["/api/jobs"].post;
    expect(post.summary).toContain("asynchronous");
    expect(Object.keys(post.responses)).toEqual(["202", "400", "401", "408", "413", "415", "429", "431", "500", "503"]);
    expect(post.responses["202"].content["application/json"].schema).toEqual({ $ref: "#/components/schemas/Accepted" });
    expect(Object.keys(post.responses["202"].headers)).toEqual(["X-Event-Id"]);
    expect(codesOf(post.responses["400"])).toContain("invalid_callback_url");
    const callbackUrl = post.parameters.find((parameter: Loose) => parameter.name === "X-Callback-Url");
    expect(callbackUrl).toMatchObject({ in: "header", required: false });
    expect(callbackUrl.description).toContain("`https`");
    expect(callbackUrl.description).toContain("public");

    const urls = post.callbacks.result;
    expect(Object.keys(urls)).toEqual(["{$request.header.X-Callback-Url}", "https://hooks.example.com/jobs"]);
    const callback = urls["https://hooks.example.com/jobs"].post;
    expect(callback.parameters.map((parameter: Loose) => [parameter.name, parameter.required])).toEqual([
      ["webhook-id", true],
      ["webhook-timestamp", true],
      ["webhook-signature", true],
    ]);
    const [success, failure] = callback.requestBody.content["application/json"].schema.oneOf;
    expect(success.required).toEqual(["id", "status", "body"]);
    expect(success.properties.body).toEqual({ $ref: "#/components/schemas/jobs.response" });
    expect(only.components.schemas["jobs.response"]).toMatchObject({ required: ["record"] });
    expect(failure.required).toEqual(["id", "status", "error"]);
    expect(failure.properties.error).toEqual({ $ref: "#/components/schemas/Error" });
    expect(callback.description).toContain("5 POSTs");

    // Without allowRequestUrl the caller names no URL: only the configured one is called back.
    const fixed = only.paths["/api/fixed-jobs"].post;
    expect(fixed.parameters.map((parameter: Loose) => parameter.name)).toEqual(["Idempotency-Key"]);
    expect(Object.keys(fixed.callbacks.result)).toEqual(["https://hooks.example.com/fixed"]);
    expect(
      fixed.callbacks.result["https://hooks.example.com/fixed"].post.requestBody.content["application/json"].schema.oneOf[0].properties.body,
    ).toEqual({
      description: "the mapped answer (any JSON)",
    });
  });

  it("without API endpoints there is no /api/ path", () => {
    const only = ingressOpenApiDocument({ table: tableFromYaml("sources:\n  s: { verify: { preset: github, secret: s } }\n"), settings }) as Loose;
    expect(Object.keys(only.paths).filter((path) => path.startsWith("/api/"))).toEqual([]);
  });
});
