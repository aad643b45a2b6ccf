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
