import { describe, expect, it } from "vitest";
import { routeQueues } from "../../../src/broker/route-topology.js";
import type { Outcome } from "../../../src/contracts/outcome.js";
import { attemptOf, type IncomingMessage, settlement } from "../../../src/worker/settlement.js";

const route = { id: "orders", queues: routeQueues("wr.", "orders") };
const firstHop: IncomingMessage = { headers: undefined, routingKey: "tracktile.order.created" };
const now = new Date("2026-11-20T14:03:11.000Z");

const settle = (outcome: Outcome, attempt = 1, message: IncomingMessage = firstHop) => settlement(outcome, attempt, message, route, now);

describe("settling a processed message", () => {
  it("a delivered, duplicate or filtered event is just acked", () => {
    expect(settle({ kind: "delivered", receipt: { targetId: "42" } })).toEqual({ kind: "ack" });
    expect(settle({ kind: "duplicate" })).toEqual({ kind: "ack" });
    expect(settle({ kind: "filtered", stage: "filter" })).toEqual({ kind: "ack" });
    expect(settle({ kind: "filtered", stage: "when" })).toEqual({ kind: "ack" });
  });

  it("a retry goes to the delay queue of its next attempt, expiring after its delay, with the last error and status", () => {
    const outcome: Outcome = { kind: "retry", next: 3, delayMs: 10_000, error: "target answered 503", status: 503 };
    expect(settle(outcome, 2)).toEqual({
      kind: "copy",
      queue: "wr.orders.retry.3",
      expiration: "10000",
      headers: {
        "x-attempt": 3,
        "x-last-error": "target answered 503",
        "x-last-status": 503,
        "x-original-routing-key": "tracktile.order.created",
      },
    });
  });

  it("a retry without a status (a network error) carries no x-last-status", () => {
    const next = settle({ kind: "retry", next: 2, delayMs: 5000, error: "ECONNREFUSED" });
    expect(next.kind === "copy" && next.headers).not.toHaveProperty("x-last-status");
  });

  it("a busy event waits in the busy queue and keeps its attempt number", () => {
    const fromBusy = { headers: { "x-attempt": 4, "x-original-routing-key": "a.b" }, routingKey: "wr.orders.busy" };
    expect(settle({ kind: "busy", delayMs: 2000, heldBy: "host/1/ab" }, 4, fromBusy)).toEqual({
      kind: "copy",
      queue: "wr.orders.busy",
      expiration: "2000",
      headers: { "x-attempt": 4, "x-original-routing-key": "a.b" },
    });
  });

  it("a dead event goes to the dead-letter queue with the route, error, reason, attempts, time and target status", () => {
    const outcome: Outcome = { kind: "dead", reason: "permanent", error: "target answered 422: bad SKU", status: 422 };
    expect(settle(outcome, 2)).toEqual({
      kind: "copy",
      queue: "wr.orders.dead",
      expiration: undefined,
      headers: {
        "x-route": "orders",
        "x-error": "target answered 422: bad SKU",
        "x-error-kind": "permanent",
        "x-attempts": 2,
        "x-failed-at": "2026-11-20T14:03:11.000Z",
        "x-target-status": 422,
        "x-original-routing-key": "tracktile.order.created",
      },
    });
  });

  it("a dead event whose target never answered (poison, mapping) carries no x-target-status", () => {
    const next = settle({ kind: "dead", reason: "mapping", error: "no value for {data.sku}" });
    expect(next.kind === "copy" && next.headers).not.toHaveProperty("x-target-status");
  });

  it("keeps the first routing key across hops: a copy from a retry queue still names the event's key", () => {
    const fromRetry = { headers: { "x-attempt": 2, "x-original-routing-key": "tracktile.order.created" }, routingKey: "wr.orders.retry.2" };
    const next = settle({ kind: "retry", next: 3, delayMs: 1, error: "503" }, 2, fromRetry);
    expect(next.kind === "copy" && next.headers["x-original-routing-key"]).toBe("tracktile.order.created");
  });

  it("clips an error longer than 1000 characters, with an ellipsis", () => {
    const long = "e".repeat(1500);
    const dead = settle({ kind: "dead", reason: "exhausted", error: long });
    const retry = settle({ kind: "retry", next: 2, delayMs: 1, error: long });
    expect(dead.kind === "copy" && dead.headers["x-error"]).toBe(`${"e".repeat(1000)}…`);
    expect(retry.kind === "copy" && retry.headers["x-last-error"]).toBe(`${"e".repeat(1000)}…`);
    const exact = settle({ kind: "dead", reason: "exhausted", error: "e".repeat(1000) });
    expect(exact.kind === "copy" && exact.headers["x-error"]).toBe("e".repeat(1000));
  });

  it("keeps the sender's own headers but drops the broker's bookkeeping of the old message", () => {
    const message = {
      headers: {
        "x-tenant": "acme",
        "x-death": [{ count: 1 }],
        "x-delivery-count": 3,
        "x-first-death-queue": "q",
        "x-first-death-reason": "expired",
      },
      routingKey: "tracktile.order.created",
    };
    const next = settle({ kind: "busy", delayMs: 1 }, 1, message);
    expect(next.kind === "copy" && next.headers).toEqual({ "x-tenant": "acme", "x-attempt": 1, "x-original-routing-key": "tracktile.order.created" });
  });
});

describe("the attempt a message carries", () => {
  it("is 1 when absent or unreadable, else the header's number", () => {
    expect(attemptOf(undefined)).toBe(1);
    expect(attemptOf({})).toBe(1);
    expect(attemptOf({ "x-attempt": "nonsense" })).toBe(1);
    expect(attemptOf({ "x-attempt": 0 })).toBe(1);
    expect(attemptOf({ "x-attempt": 3 })).toBe(3);
    expect(attemptOf({ "x-attempt": "4" })).toBe(4);
  });
});
