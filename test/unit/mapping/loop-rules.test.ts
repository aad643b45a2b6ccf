import { describe, expect, it } from "vitest";
import { loadRoutes } from "../../../src/config/load-routes.js";
import type { CloudEvent } from "../../../src/contracts/cloud-event.js";
import { applyRoute } from "../../../src/mapping/apply-route.js";
import { compileRoutes } from "../../../src/mapping/compile-routes.js";
import { integrationAuthor, reportedRecord, writtenRecord } from "../../../src/mapping/loop-rules.js";
import { EXAMPLE_SECRETS } from "../../helpers/router.js";
import { compiled, event } from "./route-fixtures.js";

const shipped = compileRoutes(loadRoutes("routes", EXAMPLE_SECRETS));
const toTracktile = shipped.get("erp-customer-updated-to-tracktile")!;
const toErp = shipped.get("tracktile-customer-updated-to-erp")!;

const cloudEvent = (type: string, data: unknown): CloudEvent => ({ ...event(data), type });

/** What the route writes for this event, and the mark `remember` keeps of it. */
async function write(route: typeof toTracktile, data: unknown) {
  const input = cloudEvent(route.route.events[0]!, data);
  const result = await applyRoute(route, input, {});
  if (result.filtered) throw new Error("filtered");
  return { payload: result.payload, mark: await writtenRecord(route.loop!, result.payload, input, {}) };
}

describe("the shipped two-way customer sync's loop breakers", () => {
  const partner = { _model: "res.partner", _id: 42, name: "Acme Foods Ltd", email: "ap@acme.example", phone: false, x_tracktile_id: "cus_100" };

  it("recognize Tracktile's report of the ERP's write: same record, same fingerprint, whatever the key order", async () => {
    const { mark } = await write(toTracktile, partner);
    // Tracktile's webhook: flat, its own key order, an empty phone left out.
    const report = { phone: null, email: "ap@acme.example", customerId: "cus_100", kind: "customer.updated", name: "Acme Foods Ltd" };
    expect(await reportedRecord(toErp.loop!, cloudEvent("tracktile.customer.updated", report), {})).toEqual(mark);
    expect(mark).toMatchObject({ system: "tracktile", entity: "customer", id: "cus_100" });
  });

  it("tell a later genuine change on Tracktile's side from the echo", async () => {
    const { mark } = await write(toTracktile, partner);
    const changed = { customerId: "cus_100", name: "Acme Foods Ltd", email: "orders@acme.example" };
    const reported = await reportedRecord(toErp.loop!, cloudEvent("tracktile.customer.updated", changed), {});
    expect(reported!.id).toBe(mark!.id);
    expect(reported!.fingerprint).not.toBe(mark!.fingerprint);
  });

  it("recognize the ERP's report of Tracktile's change written there (Odoo's false for an empty field)", async () => {
    const { mark } = await write(toErp, { customerId: "cus_100", name: "Acme Foods Ltd", email: "orders@acme.example" });
    const odooWebhook = { ...partner, email: "orders@acme.example" };
    expect(await reportedRecord(toTracktile.loop!, cloudEvent("erp.customer.updated", odooWebhook), {})).toEqual(mark);
  });

  it("name the integration's own user as the author of its changes, and nobody else", async () => {
    const by = (lastUpdatedBy: unknown) => integrationAuthor(toErp.loop!, cloudEvent("tracktile.customer.updated", { lastUpdatedBy }), {});
    expect(await by(EXAMPLE_SECRETS.TRACKTILE_API_USER)).toBe(EXAMPLE_SECRETS.TRACKTILE_API_USER);
    expect(await by("dana@acme-factory.example")).toBeUndefined();
    expect(await by(undefined)).toBeUndefined();
    expect(await by({ name: EXAMPLE_SECRETS.TRACKTILE_API_USER })).toBeUndefined();
  });
});

describe("a loop rule that cannot read the record's id", () => {
  it("fails the event as a mapping error, naming the rule", async () => {
    const { result } = compiled({
      echo: { system: "crm", entity: "customer", id: "data.customerId", fields: ["data.name"] },
      remember: { system: "erp", entity: "customer", id: "$event.data.nothing", fields: ["name"] },
    });
    await expect(reportedRecord(result!.loop!, event({ name: "x" }), {})).rejects.toThrow(/echo\.id produced nothing for this event/);
    await expect(writtenRecord(result!.loop!, { name: "x" }, event({}), {})).rejects.toThrow(/remember\.id produced nothing/);
    await expect(reportedRecord(result!.loop!, event({ customerId: { a: 1 } }), {})).rejects.toThrow(/echo\.id produced \{"a":1\}/);
  });

  it("runs after enrichment when it reads an enrichment result", () => {
    const { result } = compiled({
      enrich: [{ as: "customer", url: "https://api.example.com/customers/{event.data.id}" }],
      skipAuthoredBy: { field: "$customer.lastUpdatedBy", users: ["bot"] },
    });
    expect(result!.loop!.checksNeedEnrichment).toBe(true);
  });
});
