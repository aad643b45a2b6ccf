import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeTracktileApi, type FakeTracktileApi } from "../../helpers/fake-tracktile-api.js";
import { FakeOdoo, FakeQuickBooks, FakeShipBob } from "../../helpers/fakes/index.js";
import { postSigned } from "../../helpers/post.js";
import { startTestRouter, type TestRouter } from "../../helpers/router.js";
import { eventually } from "../../helpers/worker-setup.js";
import { randomUUID } from "node:crypto";

const fixture = (path: string) => readFileSync(`test/fixtures/${path}`, "utf8");

/** The shipped routes/ folder, with every destination pointed at a local stand-in. */
describe("the shipped example routes, end to end", () => {
  let tracktile: FakeTracktileApi;
  let quickbooks: FakeQuickBooks;
  let odoo: FakeOdoo;
  let shipbob: FakeShipBob;
  let router: TestRouter;

  beforeAll(async () => {
    [tracktile, quickbooks, odoo, shipbob] = await Promise.all([
      startFakeTracktileApi(),
      FakeQuickBooks.start(),
      FakeOdoo.start(),
      FakeShipBob.start(),
    ]);
    router = await startTestRouter(
      {
        AMQP_EXCHANGE: `test.events.${randomUUID()}`,
        TRACKTILE_API_URL: tracktile.url,
        TRACKTILE_API_TOKEN: tracktile.token,
        QBO_BASE_URL: quickbooks.url,
        QBO_TOKEN_URL: quickbooks.tokenUrl,
        QBO_REALM_ID: quickbooks.realmId,
        QBO_CLIENT_ID: "qbo-client-id",
        QBO_CLIENT_SECRET: "qbo-client-secret",
        QBO_REFRESH_TOKEN: "qbo-refresh-initial",
        ODOO_URL: odoo.url,
        ODOO_DB: odoo.database,
        ODOO_LOGIN: odoo.login,
        ODOO_API_KEY: "odoo-api-key-secret",
        SHIPBOB_BASE_URL: shipbob.url,
        SHIPBOB_TOKEN: "shipbob-pat-secret",
        SHIPBOB_CHANNEL_ID: "101",
      },
      { role: "all" },
    );
  });
  afterAll(async () => {
    await router?.close();
    await Promise.all([tracktile?.close(), quickbooks?.close(), odoo?.close(), shipbob?.close()]);
  });

  it("a completed Tracktile order → enriched with its lines → one QuickBooks invoice and one Odoo sales order", async () => {
    const answer = await postSigned(router.url, "tracktile", fixture("tracktile/order.status.changed.json"));
    expect(answer.status).toBe(202);
    await eventually(
      () => quickbooks.entities("invoice").length === 1 && odoo.records("sale.order")[0]?.state === "sale",
      10_000,
      "the invoice and the confirmed sales order",
    );
    expect(quickbooks.entities("invoice")[0]).toMatchObject({
      CustomerRef: { value: "58" },
      DocNumber: "PO-8841",
      Line: [
        { Amount: 62.5, SalesItemLineDetail: { ItemRef: { value: "27" }, Qty: 5, UnitPrice: 12.5 } },
        { Amount: 40, SalesItemLineDetail: { ItemRef: { value: "31" }, Qty: 1, UnitPrice: 40 } },
      ],
    });
    expect(odoo.records("sale.order")[0]).toMatchObject({ client_order_ref: "PO-8841", partner_id: 15, state: "sale" });
    expect(tracktile.requests.every((request) => request.authorization === `Bearer ${tracktile.token}`)).toBe(true);
  });

  it("the same order event posted again (a sender retry) creates nothing new", async () => {
    await postSigned(router.url, "tracktile", fixture("tracktile/order.status.changed.json"));
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(quickbooks.entities("invoice")).toHaveLength(1);
    expect(odoo.records("sale.order")).toHaveLength(1);
  });

  it("a Tracktile shipment in transit → one ShipBob order keyed by its short id", async () => {
    await postSigned(router.url, "tracktile", fixture("tracktile/shipment.status.changed.json"));
    await eventually(() => shipbob.orders.length === 1, 10_000, "the ShipBob order");
    expect(shipbob.orders[0]).toMatchObject({ reference_id: "SHP-001", products: [{ reference_id: "SKU-001", quantity: 5 }] });
  });

  it("a TrackTik employee created → one Odoo employee", async () => {
    await postSigned(router.url, "tracktik", fixture("tracktik/employees.created.json"), "entity:employees:created");
    await eventually(() => odoo.records("hr.employee").length === 1, 10_000, "the Odoo employee");
    expect(odoo.records("hr.employee")[0]).toMatchObject({
      name: "Amara Okafor",
      work_email: "amara.okafor@example.com",
      job_title: "Security Officer",
    });
  });
});
