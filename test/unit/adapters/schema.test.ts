import { describe, expect, it } from "vitest";
import { openConnection } from "../../../src/broker/connection.js";
import { createAdapter } from "../../../src/adapters/index.js";
import { destinationSchema } from "../../../src/adapters/schema.js";
import { createMemoryTokenStore } from "../../../src/adapters/memory-token-store.js";
import { silentLogger } from "../../helpers/fakes/index.js";

const problems = (input: unknown) => {
  const result = destinationSchema.safeParse(input);
  return result.success ? [] : result.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
};

describe("destinationSchema defaults", () => {
  it("http", () => {
    expect(destinationSchema.parse({ kind: "http", url: "https://crm.example.com/orders/{event.data.orderId}" })).toEqual({
      kind: "http",
      url: "https://crm.example.com/orders/{event.data.orderId}",
      method: "POST",
      headers: {},
      auth: "none",
      idempotencyHeader: "Idempotency-Key",
      timeoutMs: 10_000,
    });
  });

  it("http oauth2 auth", () => {
    const auth = { type: "oauth2", tokenUrl: "https://id.example.com/token/", clientId: "c", clientSecret: "s" };
    expect(destinationSchema.parse({ kind: "http", url: "https://x.example.com", auth })).toMatchObject({
      auth: { ...auth, tokenUrl: "https://id.example.com/token", clientAuth: "basic" },
    });
  });

  it("odoo", () => {
    expect(destinationSchema.parse({ kind: "odoo", url: "https://erp.example.com/", database: "prod", login: "api", apiKey: "k" })).toEqual({
      kind: "odoo",
      url: "https://erp.example.com",
      database: "prod",
      login: "api",
      apiKey: "k",
      api: "jsonrpc",
      timeoutMs: 10_000,
    });
  });

  it("quickbooks", () => {
    expect(destinationSchema.parse({ kind: "quickbooks", realmId: "9130350000000001", clientId: "c", clientSecret: "s", refreshToken: "r" })).toEqual(
      {
        kind: "quickbooks",
        baseUrl: "https://quickbooks.api.intuit.com",
        realmId: "9130350000000001",
        clientId: "c",
        clientSecret: "s",
        refreshToken: "r",
        tokenUrl: "https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer",
        minorVersion: 75,
        timeoutMs: 10_000,
      },
    );
  });

  it("shipbob", () => {
    expect(destinationSchema.parse({ kind: "shipbob", token: "t", channelId: 101 })).toEqual({
      kind: "shipbob",
      baseUrl: "https://api.shipbob.com",
      version: "2026-07",
      token: "t",
      channelId: "101",
      timeoutMs: 10_000,
    });
  });

  it("amqp", () => {
    expect(destinationSchema.parse({ kind: "amqp", exchange: "partners", routingKey: "orders.{event.type}" })).toEqual({
      kind: "amqp",
      exchange: "partners",
      routingKey: "orders.{event.type}",
      timeoutMs: 10_000,
    });
  });
});

describe("destinationSchema refuses", () => {
  it.each([
    ["an unknown kind", { kind: "sap" }],
    ["an unknown field (typo)", { kind: "shipbob", token: "t", channelId: 1, chanelId: 2 }],
    ["a URL with a bad placeholder", { kind: "http", url: "https://x.example.com/{data.id}" }],
    ["a non-http URL", { kind: "http", url: "ftp://x.example.com/{event.id}" }],
    ["a placeholder in the host", { kind: "http", url: "https://{event.data.tenant}.example.com/orders" }],
    ["GET (no body)", { kind: "http", url: "https://x.example.com", method: "GET" }],
    ["an empty secret (unset ${VAR})", { kind: "http", url: "https://x.example.com", auth: { type: "bearer", token: "" } }],
    ["JSON-RPC without login", { kind: "odoo", url: "https://erp.example.com", database: "db", apiKey: "k" }],
    ["a minor version below 75", { kind: "quickbooks", realmId: "1", clientId: "c", clientSecret: "s", refreshToken: "r", minorVersion: 70 }],
    ["a reserved exchange", { kind: "amqp", exchange: "amq.topic", routingKey: "k" }],
    ["a zero timeout", { kind: "shipbob", token: "t", channelId: 1, timeoutMs: 0 }],
  ])("%s", (_what, input) => {
    expect(problems(input)).not.toEqual([]);
  });

  it("asks for a quoted realm id: YAML rounds 16-digit numbers", () => {
    // biome-ignore lint/correctness/noPrecisionLoss: the rounded number is what YAML hands over, the case under test
    expect(problems({ kind: "quickbooks", realmId: 9130350000000001, clientId: "c", clientSecret: "s", refreshToken: "r" })).toEqual([
      'realmId: must be a quoted string, e.g. realmId: "9130350000000001" (YAML loses digits of long numbers)',
    ]);
  });

  it("names the field of a missing JSON-RPC login", () => {
    expect(problems({ kind: "odoo", url: "https://erp.example.com", database: "db", apiKey: "k" })).toEqual(["login: is required with api: jsonrpc"]);
  });
});

describe("createAdapter", () => {
  it.each([
    { kind: "http", url: "https://x.example.com" },
    { kind: "odoo", url: "https://erp.example.com", apiKey: "k", api: "json2" },
    { kind: "quickbooks", realmId: "1", clientId: "c", clientSecret: "s", refreshToken: "r" },
    { kind: "shipbob", token: "t", channelId: 1 },
    { kind: "amqp", exchange: "x", routingKey: "k" },
  ])("builds a $kind adapter without connecting", async (config) => {
    const adapter = createAdapter("d", destinationSchema.parse(config), {
      logger: silentLogger(),
      amqpUrl: "amqp://127.0.0.1:1",
      openAmqp: openConnection,
      tokens: createMemoryTokenStore(),
    });
    expect(adapter.kind).toBe(config.kind);
    await adapter.close?.();
  });
});

describe("createMemoryTokenStore", () => {
  it("keeps the latest value per key", async () => {
    const store = createMemoryTokenStore({ a: "1" });
    await store.set("a", "2");
    expect(await store.get("a")).toBe("2");
    expect(await store.get("b")).toBeUndefined();
  });
});
