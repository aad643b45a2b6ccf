import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createAdapter } from "../../../src/adapters/index.js";
import type { Adapter } from "../../../src/adapters/port.js";
import { destinationSchema } from "../../../src/adapters/schema.js";
import { createMemoryTokenStore } from "../../../src/adapters/memory-token-store.js";
import { deliveryOf, failureOf, FakeOdoo, silentLogger } from "../../helpers/fakes/index.js";

let odoo: FakeOdoo;
beforeEach(async () => {
  odoo = await FakeOdoo.start();
});
afterEach(() => odoo.close());

function odooAdapter(api: "jsonrpc" | "json2", overrides: Record<string, unknown> = {}): Adapter {
  const config = { kind: "odoo", url: odoo.url, database: "odoo", login: "api@example.com", apiKey: "odoo-api-key-secret", api, ...overrides };
  return createAdapter("erp", destinationSchema.parse(config), {
    logger: silentLogger(),
    amqpUrl: "amqp://unused",
    tokens: createMemoryTokenStore(),
  });
}

const order = (reference: string, extra: Record<string, unknown> = {}) => ({
  model: "sale.order",
  reference: { field: "client_order_ref", value: reference },
  values: { partner_id: 15, order_line: [[0, 0, { product_id: 27, product_uom_qty: 5, price_unit: 12.5 }]] },
  ...extra,
});

describe("odoo adapter (JSON-RPC): errors that arrive as HTTP 200", () => {
  it.each([
    ["odoo.exceptions.ValidationError", "permanent"],
    ["odoo.exceptions.UserError", "permanent"],
    ["odoo.exceptions.MissingError", "permanent"],
    ["odoo.exceptions.AccessError", "credentials"],
    ["odoo.exceptions.AccessDenied", "credentials"],
    ["psycopg2.errors.SerializationFailure", "transient"],
  ])("%s is %s", async (name, kind) => {
    odoo.raiseNext(1, name, "You cannot do that: partner is archived");
    const error = await failureOf(odooAdapter("jsonrpc").deliver(deliveryOf(order("PO-1"))));
    expect(error).toMatchObject({ kind, status: 200 });
    expect(error.message).toContain(`Odoo raised ${name.split(".").pop()}: You cannot do that`);
    expect(error.message).not.toContain("Traceback");
  });

  it("a create that breaks a constraint is permanent and says which field", async () => {
    const error = await failureOf(odooAdapter("jsonrpc").deliver(deliveryOf({ ...order("PO-1"), values: {} })));
    expect(error.kind).toBe("permanent");
    expect(error.message).toContain("partner_id");
  });

  it("a refused login (result false) is a credentials error", async () => {
    const error = await failureOf(odooAdapter("jsonrpc", { apiKey: "a-wrong-api-key" }).deliver(deliveryOf(order("PO-1"))));
    expect(error.kind).toBe("credentials");
    expect(error.message).toContain('login "api@example.com" on database "odoo"');
    expect(error.message).not.toContain("a-wrong-api-key");
  });

  it("a revoked key after login is a credentials error (AccessDenied)", async () => {
    const adapter = odooAdapter("jsonrpc");
    await adapter.deliver(deliveryOf(order("PO-1")));
    odoo.revokeKey();
    await expect(failureOf(adapter.deliver(deliveryOf(order("PO-2"))))).resolves.toMatchObject({ kind: "credentials" });
  });

  it("logs in once and reuses the uid", async () => {
    const adapter = odooAdapter("jsonrpc");
    await adapter.deliver(deliveryOf(order("PO-1")));
    await adapter.deliver(deliveryOf(order("PO-2")));
    expect(odoo.logins).toBe(1);
  });

  it("an expired session (code 100) logs in again once and repeats the call", async () => {
    const adapter = odooAdapter("jsonrpc");
    await adapter.deliver(deliveryOf(order("PO-1")));
    odoo.expireSession();
    await expect(adapter.deliver(deliveryOf(order("PO-2")))).resolves.toMatchObject({ targetId: expect.any(String) });
    expect(odoo.logins).toBe(2);
    expect(odoo.records("sale.order")).toHaveLength(2);
  });

  it("an answer that is not JSON-RPC (wrong url) is permanent", async () => {
    const error = await failureOf(odooAdapter("jsonrpc", { url: `${odoo.url}/web` }).deliver(deliveryOf(order("PO-1"))));
    expect(error).toMatchObject({ kind: "permanent", status: 404 });
  });
});

describe.each(["jsonrpc", "json2"] as const)("odoo adapter (%s): find by reference, then create", (api) => {
  it("skips a record that exists, reporting alreadyDone and its id", async () => {
    const existing = odoo.seed("sale.order", { client_order_ref: "PO-7", partner_id: 3 });
    await expect(odooAdapter(api).deliver(deliveryOf(order("PO-7")))).resolves.toEqual({
      targetId: String(existing),
      alreadyDone: true,
      response: { id: existing, model: "sale.order", alreadyDone: true },
    });
    expect(odoo.calls.map((call) => call.method)).toEqual(["search_read"]);
  });

  it("finds an archived record too, instead of creating a second one", async () => {
    odoo.seed("sale.order", { client_order_ref: "PO-7", partner_id: 3, active: false });
    await expect(odooAdapter(api).deliver(deliveryOf(order("PO-7")))).resolves.toMatchObject({ alreadyDone: true });
    expect(odoo.records("sale.order")).toHaveLength(1);
  });

  it("writes the values to an existing record with onExisting: update", async () => {
    const existing = odoo.seed("sale.order", { client_order_ref: "PO-7", partner_id: 3 });
    await odooAdapter(api).deliver(deliveryOf(order("PO-7", { onExisting: "update" })));
    expect(odoo.records("sale.order")).toEqual([expect.objectContaining({ id: existing, partner_id: 15, client_order_ref: "PO-7" })]);
  });

  it("confirms a new record when asked", async () => {
    const receipt = await odooAdapter(api).deliver(deliveryOf(order("PO-9", { confirm: true })));
    expect(odoo.calls.map((call) => call.method)).toEqual(["search_read", "create", "action_confirm"]);
    expect(odoo.records("sale.order")).toEqual([expect.objectContaining({ id: Number(receipt.targetId), state: "sale" })]);
  });

  it("a retry confirms a record whose confirmation failed last time", async () => {
    const adapter = odooAdapter(api);
    const delivery = deliveryOf(order("PO-9", { confirm: true }));
    const isConfirm = (request: { path: string; json: unknown }) =>
      request.path.endsWith("/action_confirm") || (request.json as { params?: { args?: unknown[] } })?.params?.args?.[4] === "action_confirm";
    odoo.failNext(1, 502, "Bad Gateway", undefined, isConfirm);
    await expect(failureOf(adapter.deliver(delivery))).resolves.toMatchObject({ kind: "transient", status: 502 });
    expect(odoo.records("sale.order")).toEqual([expect.objectContaining({ state: "draft" })]);
    await expect(adapter.deliver({ ...delivery, attempt: 2 })).resolves.toMatchObject({ alreadyDone: true });
    expect(odoo.records("sale.order")).toEqual([expect.objectContaining({ state: "sale" })]);
  });

  it("adds the reference field to the values it creates", async () => {
    await odooAdapter(api).deliver(deliveryOf(order("PO-5")));
    expect(odoo.records("sale.order")[0]).toMatchObject({ client_order_ref: "PO-5" });
  });

  it("rejects values whose reference field contradicts reference.value", async () => {
    const payload = { ...order("PO-5"), values: { partner_id: 15, client_order_ref: "PO-6" } };
    const error = await failureOf(odooAdapter(api).deliver(deliveryOf(payload)));
    expect(error.kind).toBe("permanent");
    expect(odoo.calls).toEqual([]);
  });
});

describe("odoo adapter (JSON-2)", () => {
  it.each([
    ["odoo.exceptions.ValidationError", 422, "permanent"],
    ["odoo.exceptions.AccessError", 403, "credentials"],
    ["odoo.exceptions.MissingError", 404, "permanent"],
  ])("%s (HTTP %i) is %s, described by name and message", async (name, status, kind) => {
    odoo.raiseNext(1, name, "Nope");
    const error = await failureOf(odooAdapter("json2").deliver(deliveryOf(order("PO-1"))));
    expect(error).toMatchObject({ kind, status });
    expect(error.message).toContain(`Odoo raised ${name.split(".").pop()}: Nope`);
  });

  it("an invalid API key (401) is a credentials error", async () => {
    const error = await failureOf(odooAdapter("json2", { apiKey: "expired-api-key" }).deliver(deliveryOf(order("PO-1"))));
    expect(error).toMatchObject({ kind: "credentials", status: 401 });
    expect(error.message).not.toContain("expired-api-key");
  });

  it("needs neither login nor database", async () => {
    const config = { kind: "odoo", url: odoo.url, apiKey: "odoo-api-key-secret", api: "json2" };
    const adapter = createAdapter("erp", destinationSchema.parse(config), { logger: silentLogger(), amqpUrl: "", tokens: createMemoryTokenStore() });
    await adapter.deliver(deliveryOf(order("PO-1")));
    expect(odoo.requests[0]?.headers["x-odoo-database"]).toBeUndefined();
  });
});
