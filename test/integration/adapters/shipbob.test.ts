import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createAdapter } from "../../../src/adapters/index.js";
import { destinationSchema } from "../../../src/adapters/schema.js";
import { createMemoryTokenStore } from "../../../src/adapters/memory-token-store.js";
import { deliveryOf, failureOf, FakeShipBob, silentLogger } from "../../helpers/fakes/index.js";

let shipbob: FakeShipBob;
beforeEach(async () => {
  shipbob = await FakeShipBob.start();
});
afterEach(() => shipbob.close());

function shipbobAdapter(overrides: Record<string, unknown> = {}) {
  const config = { kind: "shipbob", baseUrl: shipbob.url, token: shipbob.token, channelId: shipbob.channelId, ...overrides };
  return createAdapter("wms", destinationSchema.parse(config), { logger: silentLogger(), amqpUrl: "", tokens: createMemoryTokenStore() });
}

const order = (reference: string) => ({
  reference_id: reference,
  order_number: "8841",
  type: "DTC",
  products: [{ reference_id: "SKU-001", quantity: 5 }],
});

describe("shipbob adapter", () => {
  it("a duplicate reference_id (422) means the order exists: success with alreadyDone", async () => {
    await shipbobAdapter().deliver(deliveryOf(order("PO-8841")));
    await expect(shipbobAdapter().deliver(deliveryOf(order("PO-8841")))).resolves.toEqual({ status: 422, alreadyDone: true });
    expect(shipbob.orders).toHaveLength(1);
  });

  it("any other 422 is permanent", async () => {
    shipbob.failNext(1, 422, { title: "Unprocessable Entity", detail: "Product SKU-001 is not active" });
    const error = await failureOf(shipbobAdapter().deliver(deliveryOf(order("PO-1"))));
    expect(error).toMatchObject({ kind: "permanent", status: 422 });
    expect(error.message).toContain("SKU-001 is not active");
  });

  it("429 with x-retry-after is transient with that wait", async () => {
    shipbob.failNext(1, 429, { title: "Too Many Requests" }, { "x-retry-after": "12" });
    await expect(failureOf(shipbobAdapter().deliver(deliveryOf(order("PO-1"))))).resolves.toMatchObject({ kind: "transient", retryAfterMs: 12_000 });
  });

  it("a channel the token cannot use (403) is a credentials error", async () => {
    await expect(failureOf(shipbobAdapter({ channelId: 999 }).deliver(deliveryOf(order("PO-1"))))).resolves.toMatchObject({
      kind: "credentials",
      status: 403,
    });
  });

  it("posts to the configured version and reports the order id", async () => {
    const receipt = await shipbobAdapter({ version: "2025-07" }).deliver(deliveryOf(order("PO-2")));
    expect(shipbob.requests[0]?.path).toBe("/2025-07/order");
    expect(receipt).toEqual({ status: 201, targetId: String(shipbob.orders[0]?.id) });
  });

  it("rejects an order without reference_id before calling: it could not be made idempotent", async () => {
    const error = await failureOf(shipbobAdapter().deliver(deliveryOf({ order_number: "1" })));
    expect(error.kind).toBe("permanent");
    expect(error.message).toContain("reference_id");
    expect(shipbob.requests).toEqual([]);
  });
});
