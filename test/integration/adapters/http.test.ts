import { afterEach, describe, expect, it } from "vitest";
import { createAdapter } from "../../../src/adapters/index.js";
import { DeliveryError } from "../../../src/adapters/port.js";
import { destinationSchema } from "../../../src/adapters/schema.js";
import { TemplateValueError } from "../../../src/adapters/template.js";
import { createMemoryTokenStore } from "../../../src/adapters/memory-token-store.js";
import { deliveryOf, failureOf, FakeHttpSink, sampleEvent, silentLogger, type SinkAuth } from "../../helpers/fakes/index.js";

let sink: FakeHttpSink;
afterEach(() => sink?.close());

function httpAdapter(config: Record<string, unknown>) {
  return createAdapter("crm", destinationSchema.parse({ kind: "http", ...config }), {
    logger: silentLogger(),
    amqpUrl: "amqp://unused",
    tokens: createMemoryTokenStore(),
  });
}

const oauthClient = { clientId: "crm-client", clientSecret: "crm-client-secret" };
async function oauthSink(extra: Partial<Extract<SinkAuth, { type: "oauth2" }>> = {}) {
  sink = await FakeHttpSink.start({ auth: { type: "oauth2", ...oauthClient, ...extra } });
  return { type: "oauth2", tokenUrl: sink.tokenUrl, ...oauthClient };
}

describe("http adapter: URL templates", () => {
  it("fills placeholders from the event and the payload, URL-encoded", async () => {
    sink = await FakeHttpSink.start();
    const adapter = httpAdapter({ url: `${sink.url}/tenants/{payload.tenant}/orders/{event.data.orderId}?src={event.source}`, method: "PUT" });
    const event = sampleEvent({ data: { orderId: "PO 88/41?x" } });
    await adapter.deliver(deliveryOf({ tenant: "acme & co" }, { event }));
    const [request] = sink.requests;
    expect(request?.method).toBe("PUT");
    expect(request?.path).toBe("/tenants/acme%20%26%20co/orders/PO%2088%2F41%3Fx");
    expect(request?.query).toEqual({ src: "tracktile" });
  });

  it("rejects an event that lacks a placeholder's value as the mapping's fault, without calling", async () => {
    sink = await FakeHttpSink.start();
    const adapter = httpAdapter({ url: `${sink.url}/orders/{event.data.missing}` });
    const failure = adapter.deliver(deliveryOf({}));
    await expect(failure).rejects.toBeInstanceOf(TemplateValueError);
    await expect(failure).rejects.toThrow(/http destination "crm".*\{event\.data\.missing\}/);
    expect(sink.requests).toEqual([]);
  });
});

describe("http adapter: headers and auth", () => {
  it("sends static headers, the payload as JSON and a custom idempotency header", async () => {
    sink = await FakeHttpSink.start({ idempotencyHeader: "x-request-id" });
    const adapter = httpAdapter({ url: `${sink.url}/in`, headers: { "X-Tenant": "acme" }, idempotencyHeader: "X-Request-Id" });
    const delivery = deliveryOf({ a: 1 });
    await adapter.deliver(delivery);
    expect(sink.requests[0]?.headers).toMatchObject({ "x-tenant": "acme", "x-request-id": delivery.eventId, "content-type": "application/json" });
    expect(sink.requests[0]?.headers["idempotency-key"]).toBeUndefined();
    expect(sink.requests[0]?.json).toEqual({ a: 1 });
  });

  it("omits the idempotency header when it is false", async () => {
    sink = await FakeHttpSink.start();
    await httpAdapter({ url: `${sink.url}/in`, idempotencyHeader: false }).deliver(deliveryOf({ a: 1 }));
    expect(sink.requests[0]?.headers["idempotency-key"]).toBeUndefined();
  });

  it.each([
    ["bearer", { type: "bearer", token: "static-bearer-token" }],
    ["basic", { type: "basic", username: "crm", password: "basic-password" }],
    ["header", { type: "header", name: "X-API-Key", value: "api-key-value" }],
  ] as const)("authenticates with %s credentials", async (_name, auth) => {
    sink = await FakeHttpSink.start({ auth });
    await expect(httpAdapter({ url: `${sink.url}/in`, auth }).deliver(deliveryOf({}))).resolves.toMatchObject({ status: 201 });
    const wrong = {
      ...auth,
      ...("token" in auth ? { token: "wrong-token" } : "password" in auth ? { password: "wrong-pass" } : { value: "wrong-key" }),
    };
    const error = await failureOf(httpAdapter({ url: `${sink.url}/in`, auth: wrong }).deliver(deliveryOf({})));
    expect(error).toMatchObject({ kind: "credentials", status: 401 });
    expect(sink.requests).toHaveLength(2);
  });
});

describe("http adapter: OAuth2 client credentials", () => {
  it("fetches one token and reuses it across deliveries and concurrent calls", async () => {
    const auth = await oauthSink();
    const adapter = httpAdapter({ url: `${sink.url}/in`, auth });
    await Promise.all([adapter.deliver(deliveryOf({ n: 1 })), adapter.deliver(deliveryOf({ n: 2 }))]);
    await adapter.deliver(deliveryOf({ n: 3 }));
    expect(sink.tokenRequests).toBe(1);
    expect(sink.records).toHaveLength(3);
    const [tokenCall] = sink.requestsTo("/oauth/token");
    expect(tokenCall?.form).toEqual({ grant_type: "client_credentials" });
    expect(tokenCall?.headers.authorization).toBe(`Basic ${Buffer.from("crm-client:crm-client-secret").toString("base64")}`);
  });

  it("renews a token shortly before it expires", async () => {
    // 1 s lifetime: the adapter stops using it after half, so the second call needs a new one.
    const auth = await oauthSink({ tokenLifetimeSeconds: 1 });
    const adapter = httpAdapter({ url: `${sink.url}/in`, auth });
    await adapter.deliver(deliveryOf({}));
    await new Promise((resolve) => setTimeout(resolve, 600));
    await adapter.deliver(deliveryOf({}));
    expect(sink.tokenRequests).toBe(2);
  });

  it("on a 401, fetches a new token once and repeats the call", async () => {
    const auth = await oauthSink();
    const adapter = httpAdapter({ url: `${sink.url}/in`, auth });
    await adapter.deliver(deliveryOf({ n: 1 }));
    sink.expireToken();
    const delivery = deliveryOf({ n: 2 });
    await expect(adapter.deliver(delivery)).resolves.toEqual({ status: 201, targetId: "rec-2", response: { id: "rec-2" } });
    expect(sink.tokenRequests).toBe(2);
    const calls = sink.requestsTo("/in");
    expect(calls).toHaveLength(3);
    expect(calls[2]?.headers.authorization).toBe(`Bearer ${sink.issuedTokens[1]}`);
    expect(calls[2]?.headers["idempotency-key"]).toBe(delivery.eventId);
  });

  it("sends scope and, with clientAuth body, the client credentials in the form", async () => {
    const auth = await oauthSink();
    await httpAdapter({ url: `${sink.url}/in`, auth: { ...auth, scope: "orders.write", clientAuth: "body" } }).deliver(deliveryOf({}));
    const [tokenCall] = sink.requestsTo("/oauth/token");
    expect(tokenCall?.form).toEqual({
      grant_type: "client_credentials",
      scope: "orders.write",
      ...{ client_id: "crm-client", client_secret: "crm-client-secret" },
    });
    expect(tokenCall?.headers.authorization).toBeUndefined();
  });

  it("a refused client is a credentials error that names the OAuth error, without the secret", async () => {
    const auth = await oauthSink();
    const adapter = httpAdapter({ url: `${sink.url}/in`, auth: { ...auth, clientSecret: "wrong-client-secret" } });
    const error = await failureOf(adapter.deliver(deliveryOf({})));
    expect(error).toMatchObject({ kind: "credentials", status: 401 });
    expect(error.message).toContain("invalid_client");
    // Names who was called: the destination, its call, then the token endpoint.
    expect(error.message).toContain('http destination "crm" (POST 127.0.0.1');
    expect(error.message).toContain("/in) token endpoint");
    expect(error.message).not.toContain("wrong-client-secret");
    expect(sink.requestsTo("/in")).toEqual([]);
  });

  it("a token endpoint outage is transient", async () => {
    const auth = await oauthSink();
    sink.failTokenNext(1, 503);
    const error = await failureOf(httpAdapter({ url: `${sink.url}/in`, auth }).deliver(deliveryOf({})));
    expect(error).toMatchObject({ kind: "transient", status: 503 });
  });
});

describe("http adapter: answers", () => {
  it("does not follow a redirect: a POST must not silently become a GET", async () => {
    sink = await FakeHttpSink.start();
    sink.failNext(1, 301, "", { location: "https://elsewhere.example.com/in" });
    const error = await failureOf(httpAdapter({ url: `${sink.url}/in` }).deliver(deliveryOf({})));
    expect(error).toBeInstanceOf(DeliveryError);
    expect(error).toMatchObject({ kind: "permanent", status: 301 });
    expect(error.message).toContain("elsewhere.example.com");
  });
});
