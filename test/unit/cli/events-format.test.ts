import { describe, expect, it } from "vitest";
import { formatJourney, formatSummary } from "../../../src/cli/events.js";

const rejected = {
  id: "evt_9",
  source: "orders",
  type: "orders.order.created",
  subject: null,
  time: "2026-11-20T14:03:11.000Z",
  receivedAt: "2026-11-20T14:03:12.000Z",
  via: "rejected",
  receipts: 1,
  call: null,
  payload: null,
  routes: [],
};

describe("webhook-router events, for an event refused for its request schema", () => {
  it("says it was rejected (422) and went to no route", () => {
    expect(formatSummary(rejected)).toBe("2026-11-20T14:03:12.000Z  evt_9  orders.order.created  rejected  (no routes)");
    expect(formatJourney(rejected)).toEqual([
      "event evt_9  type orders.order.created  source orders  subject -  time 2026-11-20T14:03:11.000Z",
      "rejected 2026-11-20T14:03:12.000Z: the body did not match the source's request schema (422; 1 receipt(s))",
      "no routes",
    ]);
  });
});

describe("webhook-router events, for a call to an API endpoint", () => {
  const call = {
    ...rejected,
    id: "3c1f",
    source: "trackvia-quote",
    type: "trackvia-quote.call",
    via: "broker",
    call: "timed-out",
    routes: [{ route: "trackvia-quote-to-odoo", state: "delivered" as const, attempts: 1, updatedAt: "2026-11-20T14:03:25.000Z" }],
  };

  it("shows how the call ended for its caller", () => {
    expect(formatSummary(call)).toBe("2026-11-20T14:03:12.000Z  3c1f  trackvia-quote.call  api:timed-out  trackvia-quote-to-odoo=delivered(1)");
    expect(formatJourney({ ...call, routes: [] })[1]).toBe(
      "API call 2026-11-20T14:03:12.000Z: timed out (504 deadline_exceeded; the call still ran, once) (1 receipt(s))",
    );
  });
});
