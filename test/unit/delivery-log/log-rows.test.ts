import { describe, expect, it } from "vitest";
import { outcomeRows, receiptRows, replayRows } from "../../../src/ops/delivery-log/log-rows.js";
import { normalizedEvent } from "./fixtures.js";

const context = { routeId: "orders-to-erp", eventId: "evt-1", attempt: 2 };

describe("what each outcome adds to the delivery log", () => {
  it("a delivery: the target's status, its latency (to 0.01 ms), and the route delivered", () => {
    const [attempt, state] = outcomeRows({ kind: "delivered", receipt: { status: 201, targetId: "INV-1" }, targetMs: 12.3456 }, context, 1000);
    expect(attempt).toEqual({
      kind: "attempt",
      eventId: "evt-1",
      routeId: "orders-to-erp",
      attempt: 2,
      at: 1000,
      outcome: "delivered",
      status: 201,
      latencyMs: 12.35,
      error: null,
      reason: null,
      delayMs: null,
    });
    expect(state).toMatchObject({ kind: "state", state: "delivered", attempts: 2, at: 1000, ifNew: false });
  });

  it("a retry: status, error, the delay before the next attempt, and the route retrying", () => {
    const [attempt, state] = outcomeRows({ kind: "retry", next: 3, delayMs: 5000, error: "HTTP 503: busy", status: 503, targetMs: 4 }, context, 1);
    expect(attempt).toMatchObject({ outcome: "retry", status: 503, error: "HTTP 503: busy", delayMs: 5000, latencyMs: 4, reason: null });
    expect(state).toMatchObject({ state: "retrying" });
  });

  it("a dead letter: its reason, and an error clipped to 1000 characters", () => {
    const [attempt, state] = outcomeRows({ kind: "dead", reason: "permanent", error: "x".repeat(5000), status: 422 }, context, 1);
    expect(attempt).toMatchObject({ outcome: "dead", reason: "permanent", status: 422, latencyMs: null });
    expect((attempt as { error: string }).error).toHaveLength(1000);
    expect(state).toMatchObject({ state: "dead" });
  });

  it("a filtered event and a duplicate: filtered, and delivered (it already was)", () => {
    expect(outcomeRows({ kind: "filtered", stage: "filter" }, context, 1)[1]).toMatchObject({ state: "filtered" });
    expect(outcomeRows({ kind: "duplicate" }, context, 1)).toMatchObject([{ outcome: "duplicate", status: null }, { state: "delivered" }]);
  });

  it("an echo (two-way sync): its rule as the reason, no error, and the route in state echo", () => {
    const fingerprintEcho = outcomeRows({ kind: "echo", rule: "fingerprint", record: "tracktile customer cus_100", writtenBy: "w" }, context, 1);
    expect(fingerprintEcho).toMatchObject([{ outcome: "echo", reason: "fingerprint", error: null, status: null }, { state: "echo" }]);
    const authored = outcomeRows({ kind: "echo", rule: "authored-by", author: "sync-bot" }, context, 1);
    expect(authored).toMatchObject([{ outcome: "echo", reason: "authored-by" }, { state: "echo" }]);
  });

  it("a copy held back while another worker delivers: an attempt with its delay, and no change of state", () => {
    expect(outcomeRows({ kind: "busy", delayMs: 5000, heldBy: "host/1/ab" }, context, 1)).toEqual([
      expect.objectContaining({ kind: "attempt", outcome: "busy", delayMs: 5000, status: null, error: null }),
    ]);
  });

  it("a receipt: the event, pending for each of its routes (only if nothing newer is known), the body only when asked", () => {
    const event = normalizedEvent("tracktile", "order.created", "evt-9", { orderId: "PO-1" }, "PO-1");
    const rows = receiptRows({ sourceId: "tracktile", event, via: "spool", routeIds: ["a", "b"], payload: false }, 5);
    expect(rows[0]).toMatchObject({
      kind: "receipt",
      eventId: "evt-9",
      sourceId: "tracktile",
      type: "tracktile.order.created",
      subject: "PO-1",
      via: "spool",
      payload: null,
    });
    expect(rows.slice(1)).toEqual([
      { kind: "state", eventId: "evt-9", routeId: "a", state: "pending", attempts: 0, at: 5, ifNew: true },
      { kind: "state", eventId: "evt-9", routeId: "b", state: "pending", attempts: 0, at: 5, ifNew: true },
    ]);
    const withBody = receiptRows({ sourceId: "tracktile", event, via: "broker", routeIds: [], payload: true }, 5);
    expect(JSON.parse((withBody[0] as { payload: string }).payload)).toMatchObject({ id: "evt-9", data: { orderId: "PO-1" } });
  });

  it("a replay: a `replayed` line in the history (attempt 0), and pending again, overriding the dead state", () => {
    expect(replayRows("r", "evt-1", 7)).toEqual([
      {
        kind: "attempt",
        eventId: "evt-1",
        routeId: "r",
        attempt: 0,
        at: 7,
        outcome: "replayed",
        status: null,
        latencyMs: null,
        error: null,
        reason: null,
        delayMs: null,
      },
      { kind: "state", eventId: "evt-1", routeId: "r", state: "pending", attempts: 0, at: 7, ifNew: false },
    ]);
  });
});
