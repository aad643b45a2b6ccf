import { describe, expect, it } from "vitest";
import { type DocumentSettings, ingressOpenApiDocument } from "../../../src/ops/docs/index.js";
import { INGRESS_ERRORS } from "../../../src/contracts/ingress-errors.js";
import { openApiProblems, shippedTable, tableFromYaml } from "./validators.js";

const settings: DocumentSettings = { exchange: "events", queuePrefix: "webhook-router.", port: 8080 };

// biome-ignore lint/suspicious/noExplicitAny: the tests walk the generated document's many shapes
type Loose = Record<string, any>;

const WHSEC = `whsec_${Buffer.from("a standard webhooks key").toString("base64")}`;
const EVERY_PRESET = `
sources:
  tt: { verify: { preset: tracktile, secret: s } }
  stripe: { verify: { preset: stripe, secret: s } }
  gh: { verify: { preset: github, secret: s } }
  shop: { verify: { preset: shopify, secret: s }, limits: { body: 64kb, rateLimit: false } }
  slack: { verify: { preset: slack, secret: s } }
  acme:
    verify: { preset: hmac, header: x-acme-signature, format: kv, algorithm: sha512, encoding: base64, signedContent: "{timestamp}.{body}", secret: s }
  sw: { verify: { preset: standard-webhooks, secret: "${WHSEC}" } }
  tik: { verify: { preset: tracktik, header: x-my-secret, secret: s } }
  token: { verify: { preset: header-token, scheme: Bearer, secret: s } }
  erp: { verify: { preset: basic, username: erp, secret: s } }
`;

describe("the OpenAPI document of the ingress", () => {
  const table = shippedTable();
  const document = ingressOpenApiDocument({ table, settings }) as Loose;

  it("is valid OpenAPI 3.1 for @readme/openapi-parser: no error, no warning", async () => {
    expect(document.openapi).toBe("3.1.0");
    expect(await openApiProblems(document)).toEqual([]);
  });

  it("the validator does find problems: two operations with one operationId are refused", async () => {
    const broken = structuredClone(document);
    broken.paths["/webhooks/tracktik"].post.operationId = broken.paths["/webhooks/trackvia"].post.operationId;
    expect((await openApiProblems(broken)).join("\n")).toMatch(/operationId/);
  });

  it("has both webhook URLs of every shipped source, each with the source's verification", () => {
    for (const { id, api } of table.sources.values()) {
      // An API endpoint is not a webhook: it is not served under /webhooks/.
      if (api) {
        expect(document.paths[`/webhooks/${id}`]).toBeUndefined();
        continue;
      }
      for (const path of [`/webhooks/${id}`, `/webhooks/${id}/{eventName}`]) {
        expect(document.paths[path]?.post?.security, path).toEqual([{ [id]: [] }]);
      }
    }
    expect(document.components.securitySchemes.tracktik).toMatchObject({ type: "apiKey", in: "header", name: "x-tracktik-secret" });
    expect(document.components.securitySchemes.trackvia).toMatchObject({ type: "apiKey", in: "header", name: "x-trackvia-token" });
    expect(document.components.securitySchemes.tracktile.description).toContain("`x-tracktile-signature: t=<unix s>,v1=<hex>[,v1=…]`");
    expect(document.components.securitySchemes.tracktile.description).toContain("within 300 s");
  });

  it("documents the ingress's answers: 202 {id}, each error status with its codes, Retry-After on 429 and 503", () => {
    const { responses } = document.paths["/webhooks/tracktile"].post;
    expect(Object.keys(responses)).toEqual(["202", "400", "401", "408", "413", "415", "422", "429", "431", "500", "503"]);
    expect(responses["202"].content["application/json"].schema).toEqual({ $ref: "#/components/schemas/Accepted" });
    expect(Object.keys(responses["429"].headers)).toEqual(["Retry-After"]);
    expect(Object.keys(responses["503"].headers)).toEqual(["Retry-After"]);
    expect(document.paths["/webhooks/{sourceId}"].post.responses["404"].content["application/json"].schema.allOf[1].properties.error.enum).toEqual([
      "unknown_source",
    ]);
    expect(document.paths["/webhooks/{sourceId}"].get.responses["405"].headers.Allow.schema).toEqual({ type: "string", const: "POST" });
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(["/healthz", "/readyz", "/metrics"]));
  });

  it("every status lists only codes the ingress answers with that status, from the one catalogue", () => {
    for (const pathItem of Object.values(document.paths) as Loose[]) {
      for (const operation of Object.values(pathItem).filter((value) => typeof value === "object" && "responses" in value) as Loose[]) {
        for (const [status, response] of Object.entries(operation.responses) as Array<[string, Loose]>) {
          const codes: string[] = response.content?.["application/json"]?.schema?.allOf?.[1]?.properties?.error?.enum ?? [];
          for (const code of codes) expect(INGRESS_ERRORS[code as keyof typeof INGRESS_ERRORS].status, code).toBe(Number(status));
        }
      }
    }
  });

  it("shows the routing table's examples as request bodies; a source without a request schema takes any JSON body", () => {
    const body = document.paths["/webhooks/tracktile"].post.requestBody.content["application/json"];
    expect(Object.values(body.examples).map((example) => (example as Loose).value.kind)).toContain("order.status.changed");
    expect(document.paths["/webhooks/trackvia"].post.requestBody.content["application/json"].schema).toEqual({});
    expect(document.paths["/webhooks/trackvia"].post.responses).not.toHaveProperty("422");
  });

  it("describes every verification preset: a security scheme, and the other headers the scheme signs", async () => {
    const every = ingressOpenApiDocument({ table: tableFromYaml(EVERY_PRESET), settings }) as Loose;
    expect(await openApiProblems(every)).toEqual([]);
    const schemes = every.components.securitySchemes;
    const headerOf = (id: string) => schemes[id].name;
    expect(Object.fromEntries(Object.keys(schemes).map((id) => [id, schemes[id].type === "http" ? schemes[id].scheme : headerOf(id)]))).toEqual({
      acme: "x-acme-signature",
      erp: "basic",
      gh: "x-hub-signature-256",
      shop: "x-shopify-hmac-sha256",
      slack: "x-slack-signature",
      stripe: "stripe-signature",
      sw: "webhook-signature",
      tik: "x-my-secret",
      token: "authorization",
      tt: "x-tracktile-signature",
    });
    const required = (id: string) => (every.paths[`/webhooks/${id}`].post.parameters ?? []).map((parameter: Loose) => parameter.name);
    expect(required("sw").sort()).toEqual(["webhook-id", "webhook-timestamp"]);
    expect(required("slack")).toEqual(["x-slack-request-timestamp"]);
    expect(required("gh")).toEqual([]);
    expect(schemes.token.description).toContain("`Bearer <secret>`");
    expect(schemes.erp.description).toContain("user `erp`");
    expect(schemes.acme.description).toContain("base64 HMAC-SHA512 of `{timestamp}.{body}`");
    expect(JSON.stringify(every).includes(WHSEC), "a secret in the document").toBe(false);
    const shop = every.paths["/webhooks/shop"].post;
    expect(shop.responses).not.toHaveProperty("429");
    expect(shop.description).toContain("Body at most 64 KiB");
  });
});
