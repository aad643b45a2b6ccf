import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeOdoo } from "../../helpers/fakes/index.js";
import { EXAMPLE_SECRETS, startTestRouter, type TestRouter } from "../../helpers/router.js";

/** The shipped `trackvia-quote` endpoint (routes/), against the Odoo stand-in. */
describe("POST /api/trackvia-quote, as shipped", () => {
  let odoo: FakeOdoo;
  let router: TestRouter;

  beforeAll(async () => {
    odoo = await FakeOdoo.start();
    router = await startTestRouter(
      {
        AMQP_EXCHANGE: `test.events.${randomUUID()}`,
        ODOO_URL: odoo.url,
        ODOO_DB: odoo.database,
        ODOO_LOGIN: odoo.login,
        ODOO_API_KEY: "odoo-api-key-secret",
      },
      { role: "all" },
    );
  });
  afterAll(async () => {
    await router?.close();
    await odoo?.close();
  });

  const quote = async (body: unknown, key?: string) => {
    const response = await fetch(`${router.url}/api/trackvia-quote`, {
      method: "POST",
      headers: { "x-trackvia-token": EXAMPLE_SECRETS.TRACKVIA_WEBHOOK_SECRET, ...(key ? { "idempotency-key": key } : {}) },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  it("creates the record's quotation in Odoo and answers with its id; a retry with the same key gets the same answer", async () => {
    const body = { recordId: 5012, customerId: "cus_100", lines: [{ productId: "prd_widget", quantity: 3, price: 12.5 }] };
    const first = await quote(body, "tv-5012");
    expect(first.status).toBe(200);
    const [order] = odoo.records("sale.order");
    expect(first.body).toEqual({ quotationId: order?.id, reference: "TV-5012", existing: false });
    expect(order).toMatchObject({ client_order_ref: "TV-5012", partner_id: 15 });
    expect(await quote(body, "tv-5012")).toEqual(first);
    expect(odoo.records("sale.order")).toHaveLength(1);
    // Without the key, a second call is a second call: Odoo's reference finds the quotation.
    expect(await quote(body)).toEqual({ status: 200, body: { ...first.body, existing: true } });
  });

  it("refuses a body against the endpoint's request schema with 422 and its pointers", async () => {
    const answer = await quote({ recordId: 1, customerId: "cus_100", lines: [] });
    expect(answer).toMatchObject({ status: 422, body: { error: "schema_violation", violations: [{ pointer: "/lines" }] } });
  });
});
