import { expect } from "vitest";
import { createAdapter } from "../../../src/adapters/index.js";
import type { Adapter, Delivery } from "../../../src/adapters/port.js";
import type { DeliveryReceipt } from "../../../src/contracts/outcome.js";
import { destinationSchema } from "../../../src/adapters/schema.js";
import { createMemoryTokenStore } from "../../../src/adapters/memory-token-store.js";
import {
  FakeHttpSink,
  FakeOdoo,
  FakeQuickBooks,
  FakeShipBob,
  silentLogger,
  type FakeServer,
  type RecordedRequest,
} from "../../helpers/fakes/index.js";
import { FakeTrackTikApi } from "../../helpers/fake-tracktik-api.js";
import { FakeTracktileCustomers } from "../../helpers/fake-tracktile-customers.js";
import { FakeTrackViaApi } from "../../helpers/fake-trackvia-api.js";

/** One adapter wired to its fake, as the conformance suite drives it. */
export interface ConformanceRun {
  readonly fake: FakeServer;
  /** A new adapter instance (a fresh one stands for a restarted worker). */
  adapter(overrides?: { timeoutMs?: number }): Adapter;
  /** A mapped payload for `delivery`'s event, as the route's mapping would produce it. */
  payload(reference: string): unknown;
  /** Records the target holds now. */
  created(): number;
  /** Asserts the fake received exactly the expected call(s) for one fresh delivery. */
  expectDelivered(delivery: Delivery, receipt: DeliveryReceipt): void;
  /** The request that creates the record (not a lookup or a token call). */
  isCreate(request: RecordedRequest): boolean;
  /** API requests (not token endpoint calls) received so far. */
  apiRequests(): RecordedRequest[];
  /** Values that must never appear in an error message: configured and issued credentials. */
  secrets(): string[];
  /** Token refreshes so far, for adapters that can renew a refused token. */
  refreshes?(): number;
  close(): Promise<void>;
}

export interface ConformanceCase {
  readonly name: string;
  /** A payload the adapter must reject before calling the target; absent when any payload goes. */
  readonly badPayload?: unknown;
  start(): Promise<ConformanceRun>;
}

const logger = silentLogger();

function build(config: unknown, tokens = createMemoryTokenStore()): (overrides?: { timeoutMs?: number }) => Adapter {
  return (overrides = {}) =>
    createAdapter("target", destinationSchema.parse({ ...(config as object), ...overrides }), { logger, amqpUrl: "amqp://unused", tokens });
}

const orderLines = [{ sku: "SKU-001", quantity: 5, unitPrice: 12.5 }];

const http: ConformanceCase = {
  name: "http (oauth2)",
  async start() {
    const fake = await FakeHttpSink.start({ auth: { type: "oauth2", clientId: "sink-client", clientSecret: "sink-client-secret" } });
    const auth = { type: "oauth2", tokenUrl: fake.tokenUrl, clientId: "sink-client", clientSecret: "sink-client-secret" };
    return {
      fake,
      adapter: build({ kind: "http", url: `${fake.url}/orders/{payload.orderId}`, auth }),
      payload: (reference) => ({ orderId: reference, lines: orderLines }),
      created: () => fake.records.length,
      isCreate: (request) => request.path.startsWith("/orders/"),
      apiRequests: () => fake.requests.filter((request) => request.path !== "/oauth/token"),
      secrets: () => ["sink-client-secret", ...fake.issuedTokens],
      refreshes: () => fake.tokenRequests,
      expectDelivered(delivery, receipt) {
        const [call, ...more] = fake.requests.filter((request) => request.path !== "/oauth/token");
        expect(more).toEqual([]);
        expect(call).toMatchObject({ method: "POST", path: `/orders/${(delivery.payload as { orderId: string }).orderId}`, json: delivery.payload });
        expect(call?.headers).toMatchObject({
          "idempotency-key": delivery.eventId,
          "content-type": "application/json",
          authorization: `Bearer ${fake.issuedTokens[0]}`,
        });
        expect(receipt).toEqual({ status: 201, targetId: fake.records[0]?.id, response: { id: fake.records[0]?.id } });
      },
      close: () => fake.close(),
    };
  },
};

function odoo(api: "jsonrpc" | "json2"): ConformanceCase {
  return {
    name: `odoo (${api})`,
    badPayload: { model: "sale.order", values: {} },
    async start() {
      const fake = await FakeOdoo.start();
      const config = { kind: "odoo", url: fake.url, database: "odoo", login: "api@example.com", apiKey: "odoo-api-key-secret", api };
      return {
        fake,
        adapter: build(config),
        payload: (reference) => ({
          model: "sale.order",
          reference: { field: "client_order_ref", value: reference },
          values: { partner_id: 15, order_line: [[0, 0, { product_id: 27, product_uom_qty: 5, price_unit: 12.5 }]] },
        }),
        created: () => fake.records("sale.order").length,
        isCreate: (request) =>
          api === "json2" ? request.path.endsWith("/create") : (request.json as { params?: { args?: unknown[] } })?.params?.args?.[4] === "create",
        apiRequests: () => fake.requests,
        secrets: () => ["odoo-api-key-secret"],
        expectDelivered(delivery, receipt) {
          const reference = (delivery.payload as { reference: { value: string } }).reference.value;
          const [search, create, ...more] = fake.calls;
          expect(more).toEqual([]);
          expect(search).toMatchObject({ api, model: "sale.order", method: "search_read" });
          expect(search?.args[0] ?? search?.kwargs.domain).toEqual([["client_order_ref", "=", reference]]);
          expect(create).toMatchObject({ api, model: "sale.order", method: "create" });
          expect(create?.args[0] ?? (create?.kwargs.vals_list as unknown[] | undefined)?.[0]).toMatchObject({
            client_order_ref: reference,
            partner_id: 15,
          });
          const [record] = fake.records("sale.order");
          expect(receipt).toEqual({ targetId: String(record?.id), response: { id: record?.id, model: "sale.order", alreadyDone: false } });
          if (api === "json2") {
            expect(fake.requests.map((request) => request.path)).toEqual(["/json/2/sale.order/search_read", "/json/2/sale.order/create"]);
            for (const request of fake.requests)
              expect(request.headers).toMatchObject({ authorization: "bearer odoo-api-key-secret", "x-odoo-database": "odoo" });
          } else {
            expect(fake.requests.map((request) => request.path)).toEqual(["/jsonrpc", "/jsonrpc", "/jsonrpc"]);
            expect(fake.logins).toBe(1);
          }
        },
        close: () => fake.close(),
      };
    },
  };
}

const quickbooks: ConformanceCase = {
  name: "quickbooks",
  badPayload: { entity: "invoice" },
  async start() {
    const fake = await FakeQuickBooks.start();
    const config = {
      kind: "quickbooks",
      baseUrl: fake.url,
      tokenUrl: fake.tokenUrl,
      realmId: fake.realmId,
      clientId: fake.clientId,
      clientSecret: fake.clientSecret,
      refreshToken: "qbo-refresh-initial",
    };
    // One store for every adapter instance: the rotated refresh token must survive a "restart".
    const tokens = createMemoryTokenStore();
    const isApi = (request: RecordedRequest) => request.path.startsWith("/v3/");
    return {
      fake,
      adapter: build(config, tokens),
      payload: (reference) => ({
        entity: "invoice",
        body: {
          CustomerRef: { value: "58" },
          DocNumber: reference,
          Line: [{ DetailType: "SalesItemLineDetail", Amount: 62.5, SalesItemLineDetail: { ItemRef: { value: "27" }, Qty: 5, UnitPrice: 12.5 } }],
        },
      }),
      created: () => fake.entities("invoice").length,
      isCreate: isApi,
      apiRequests: () => fake.requests.filter(isApi),
      secrets: () => [fake.clientSecret, ...fake.issuedRefreshTokens, ...fake.issuedAccessTokens],
      refreshes: () => fake.refreshes,
      expectDelivered(delivery, receipt) {
        const [call, ...more] = fake.requests.filter(isApi);
        expect(more).toEqual([]);
        expect(call).toMatchObject({
          method: "POST",
          path: `/v3/company/${fake.realmId}/invoice`,
          json: (delivery.payload as { body: unknown }).body,
        });
        expect(call?.query).toEqual({
          minorversion: "75",
          requestid:
            `${delivery.routeId}:${delivery.eventId}`.length <= 50
              ? `${delivery.routeId}:${delivery.eventId}`
              : expect.stringMatching(/^[0-9a-f]{40}$/),
        });
        expect(call?.headers).toMatchObject({ authorization: `Bearer ${fake.issuedAccessTokens[0]}`, accept: "application/json" });
        expect(receipt).toEqual({ status: 200, targetId: fake.entities("invoice")[0]?.Id });
      },
      close: () => fake.close(),
    };
  },
};

const shipbob: ConformanceCase = {
  name: "shipbob",
  badPayload: { order_number: "8841" },
  async start() {
    const fake = await FakeShipBob.start();
    return {
      fake,
      adapter: build({ kind: "shipbob", baseUrl: fake.url, token: fake.token, channelId: fake.channelId }),
      payload: (reference) => ({
        reference_id: reference,
        order_number: reference.replace(/\D/g, ""),
        type: "DTC",
        shipping_method: "Standard",
        recipient: {
          name: "Ada Buyer",
          email: "buyer@example.com",
          address: { address1: "1 Main St", city: "Chicago", state: "IL", country: "US", zip_code: "60601" },
        },
        products: [{ reference_id: "SKU-001", name: "Widget", quantity: 5 }],
      }),
      created: () => fake.orders.length,
      isCreate: () => true,
      apiRequests: () => fake.requests,
      secrets: () => [fake.token],
      expectDelivered(delivery, receipt) {
        const [call, ...more] = fake.requests;
        expect(more).toEqual([]);
        expect(call).toMatchObject({ method: "POST", path: "/2026-07/order", json: delivery.payload });
        expect(call?.headers).toMatchObject({
          authorization: `Bearer ${fake.token}`,
          shipbob_channel_id: fake.channelId,
          "content-type": "application/json",
        });
        expect(receipt).toEqual({ status: 201, targetId: String(fake.orders[0]?.id) });
      },
      close: () => fake.close(),
    };
  },
};

// The platforms' APIs have no idempotency key: their cases update a record that exists (the
// two-way sync's write), which a repeat leaves as it was. `created()` counts records changed.

const trackvia: ConformanceCase = {
  name: "trackvia (update)",
  badPayload: { recordId: 1 },
  async start() {
    const fake = await FakeTrackViaApi.start();
    const tokens = createMemoryTokenStore();
    const isApi = (request: RecordedRequest) => request.path.startsWith("/openapi/");
    return {
      fake,
      adapter: build({ kind: "trackvia", baseUrl: fake.url, userKey: fake.userKey, refreshToken: "tv-refresh-initial", viewId: 12 }, tokens),
      payload: (reference) => ({ recordId: fake.seed("12", { Reference: reference }).id, data: { Reference: reference, Status: "Synced" } }),
      created: () => [...fake.records.values()].filter((record) => record.Status === "Synced").length,
      isCreate: isApi,
      apiRequests: () => fake.requests.filter(isApi),
      secrets: () => [fake.userKey, ...fake.issuedRefreshTokens, ...fake.issuedAccessTokens],
      refreshes: () => fake.refreshes,
      expectDelivered(delivery, receipt) {
        const { recordId, data } = delivery.payload as { recordId: number; data: unknown };
        const [call, ...more] = fake.requests.filter(isApi);
        expect(more).toEqual([]);
        expect(call).toMatchObject({
          method: "PUT",
          path: `/openapi/views/12/records/${recordId}`,
          query: { user_key: fake.userKey },
          json: { data: [data] },
        });
        expect(call?.headers).toMatchObject({ authorization: `Bearer ${fake.issuedAccessTokens[0]}`, "content-type": "application/json" });
        expect(receipt).toEqual({ status: 200, targetId: String(recordId) });
      },
      close: () => fake.close(),
    };
  },
};

const tracktik: ConformanceCase = {
  name: "tracktik (update)",
  async start() {
    const fake = await FakeTrackTikApi.start();
    const tokens = createMemoryTokenStore();
    const isApi = (request: RecordedRequest) => request.path.startsWith("/rest/v1/");
    let nextId = 900;
    const config = {
      kind: "tracktik",
      baseUrl: fake.url,
      clientId: fake.clientId,
      clientSecret: fake.clientSecret,
      username: fake.username,
      password: fake.password,
      method: "PUT",
      path: "/rest/v1/employees/{payload.id}",
    };
    return {
      fake,
      adapter: build(config, tokens),
      payload: (reference) => {
        nextId += 1;
        fake.entities("employees").set(nextId, { id: nextId, firstName: "Ada", lastName: reference });
        return { id: nextId, firstName: "Ada", lastName: reference, jobTitle: "Supervisor" };
      },
      created: () => [...fake.entities("employees").values()].filter((employee) => employee.jobTitle === "Supervisor").length,
      isCreate: isApi,
      apiRequests: () => fake.requests.filter(isApi),
      secrets: () => [fake.clientSecret, fake.password, ...fake.issuedRefreshTokens],
      refreshes: () => fake.logins + fake.refreshes,
      expectDelivered(delivery, receipt) {
        const { id } = delivery.payload as { id: number };
        const [call, ...more] = fake.requests.filter(isApi);
        expect(more).toEqual([]);
        expect(call).toMatchObject({ method: "PUT", path: `/rest/v1/employees/${id}`, json: delivery.payload });
        expect(call?.headers.authorization).toMatch(/^Bearer tt-access-/);
        expect(receipt).toEqual({ status: 200, targetId: String(id) });
      },
      close: () => fake.close(),
    };
  },
};

const tracktile: ConformanceCase = {
  name: "tracktile (update)",
  async start() {
    const fake = await FakeTracktileCustomers.start();
    return {
      fake,
      adapter: build({ kind: "tracktile", baseUrl: fake.url, url: "/customers/{payload.tracktileId}", method: "PUT", token: fake.token }),
      payload: (reference) => {
        fake.customers.set(`cus_${reference}`, { id: `cus_${reference}` });
        return { tracktileId: `cus_${reference}`, name: "Acme Industries", externalRef: reference };
      },
      created: () => [...fake.customers.values()].filter((customer) => customer.name === "Acme Industries").length,
      isCreate: () => true,
      apiRequests: () => fake.requests,
      secrets: () => [fake.token],
      expectDelivered(delivery, receipt) {
        const { tracktileId } = delivery.payload as { tracktileId: string };
        const [call, ...more] = fake.requests;
        expect(more).toEqual([]);
        expect(call).toMatchObject({ method: "PUT", path: `/customers/${tracktileId}`, json: delivery.payload });
        expect(call?.headers).toMatchObject({ authorization: `Bearer ${fake.token}`, "content-type": "application/json" });
        expect(receipt).toEqual({ status: 200, targetId: tracktileId, response: { ...(delivery.payload as object), id: tracktileId } });
      },
      close: () => fake.close(),
    };
  },
};

/** Every HTTP-speaking adapter kind, each with its fake. */
export const conformanceCases: readonly ConformanceCase[] = [
  http,
  odoo("jsonrpc"),
  odoo("json2"),
  quickbooks,
  shipbob,
  trackvia,
  tracktik,
  tracktile,
];
