import { describe, expect, it } from "vitest";
import { alertFromOutcome } from "../../../src/ops/alerts/alert-from-outcome.js";

const context = { routeId: "orders-to-quickbooks", eventId: "ord_1", attempt: 3, destination: "quickbooks-prod", recipients: ["owner@example.com"] };

describe("alerts from worker outcomes", () => {
  it("raise nothing for delivered, duplicate, filtered or retried events", () => {
    expect(alertFromOutcome({ kind: "filtered", stage: "filter" }, context)).toBeUndefined();
    expect(alertFromOutcome({ kind: "retry", next: 2, delayMs: 1000, error: "503" }, context)).toBeUndefined();
  });

  it("raise a dead_lettered alert with the route's recipients", () => {
    expect(alertFromOutcome({ kind: "dead", reason: "exhausted", error: "503 (after 3 attempts)", status: 503 }, context)).toEqual({
      kind: "dead_lettered",
      routeId: "orders-to-quickbooks",
      eventId: "ord_1",
      reason: "exhausted",
      error: "503 (after 3 attempts)",
      status: 503,
      attempts: 3,
      destination: "quickbooks-prod",
      recipients: ["owner@example.com"],
    });
  });

  it("raise a credentials alert for a 401/403", () => {
    expect(alertFromOutcome({ kind: "dead", reason: "credentials", error: "expired", status: 401 }, context)).toMatchObject({
      kind: "credentials",
      destination: "quickbooks-prod",
      status: 401,
    });
  });

  it("name a poison message without an id as such", () => {
    expect(alertFromOutcome({ kind: "dead", reason: "poison", error: "not JSON" }, { ...context, eventId: undefined })).toMatchObject({
      eventId: "(unknown id)",
    });
  });
});
