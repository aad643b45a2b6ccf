import { describe, expect, it } from "vitest";
import { addToBatch, startBatch } from "../../../src/ops/alerts/alert-batch.js";
import { alertFromOutcome } from "../../../src/ops/alerts/alert-from-outcome.js";
import { createCommands } from "../../../src/ops/alerts/commands.js";
import { renderEmail } from "../../../src/ops/alerts/render-email.js";
import { deadLettered } from "./alert-fixtures.js";

const context = { commands: createCommands(), windowMs: 15 * 60_000 };
const at = new Date("2025-06-03T10:02:05Z");
const enrichment = { step: "order", call: "GET api.tracktile.io/orders/ord_8841" };
const outcomeContext = { routeId: "orders-to-quickbooks", eventId: "ord_1", attempt: 1, destination: "quickbooks-prod" };

describe("alerts for a failed enrichment call", () => {
  it("carry the step and its call from the worker's outcome", () => {
    const failedCall = { stage: "enrichment", ...enrichment } as const;
    expect(alertFromOutcome({ kind: "dead", reason: "permanent", error: "404", status: 404, failedCall }, outcomeContext)).toMatchObject({
      kind: "dead_lettered",
      enrichment,
    });
    expect(alertFromOutcome({ kind: "dead", reason: "credentials", error: "401", status: 401, failedCall }, outcomeContext)).toMatchObject({
      kind: "credentials",
      enrichment,
    });
    const destination = alertFromOutcome(
      { kind: "dead", reason: "permanent", error: "422", status: 422, failedCall: { stage: "destination" } },
      outcomeContext,
    );
    expect(destination).not.toHaveProperty("enrichment");
  });

  it("say the enrichment failed and the destination was not called, never that the destination rejected it", () => {
    const { text } = renderEmail(startBatch(deadLettered({ reason: "permanent", status: 404, attempts: 1, enrichment }), at, false), context);
    expect(text).toContain('its enrichment call "order" (GET api.tracktile.io/orders/ord_8841) failed, so the destination was not called');
    expect(text).toMatch(/Failed call:\s+enrichment "order": GET api.tracktile.io\/orders\/ord_8841/);
    expect(text).toMatch(/Destination:\s+quickbooks-prod \(not called\)/);
    expect(text).toMatch(/Enrichment status:\s+404/);
    expect(text).not.toMatch(/destination rejected/i);
  });

  it("keep enrichment and destination failures apart in a digest, each with its own advice", () => {
    const batch = startBatch(deadLettered({ reason: "exhausted", enrichment }), at, true);
    addToBatch(batch, deadLettered({ reason: "exhausted", eventId: "ord_2" }), at);
    const { text } = renderEmail(batch, context);
    expect(text).toMatch(/Reason:\s+exhausted \(enrichment\) 1, exhausted 1/);
    expect(text).toContain("- exhausted (enrichment): Every retry of the enrichment call failed");
    expect(text).toContain("- exhausted: Every retry failed: the destination was down");
  });
});
