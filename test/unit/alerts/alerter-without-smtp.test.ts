import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createAlerter } from "../../../src/ops/alerts/create-alerter.js";
import { captureLogs, deadLettered } from "./alert-fixtures.js";

function setup() {
  const logs = captureLogs();
  const alerter = createAlerter({ logger: logs.logger, windowMs: 60_000 });
  const alertLines = () => logs.lines.filter((line) => line.alert !== undefined);
  return { logs, alerter, alertLines };
}

describe("alerter without SMTP", () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: new Date("2025-06-03T10:00:00Z") });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("says once at start that alerts go to the log only", () => {
    const { logs } = setup();
    expect(logs.lines).toEqual([expect.objectContaining({ level: "warn", msg: "SMTP_URL is not set: alerts will be written to the log only" })]);
  });

  it("writes a dead-lettered event as one compact warn line: kind, route, event id, reason and the replay command", async () => {
    const { logs, alerter, alertLines } = setup();
    alerter.notify(
      deadLettered({ eventId: "logged-1", reason: "permanent", status: 400, attempts: 1, error: "QuickBooks answered 400:\nInvalid Reference Id" }),
    );
    await vi.advanceTimersByTimeAsync(0);
    expect(alertLines()).toEqual([
      {
        level: "warn",
        time: expect.any(String),
        service: "webhook-router",
        component: "alerts",
        alert: "dead_lettered",
        route: "orders-to-quickbooks",
        destination: "quickbooks-prod",
        id: "logged-1",
        reason: "permanent",
        status: 400,
        attempts: 1,
        error: "QuickBooks answered 400: Invalid Reference Id",
        replay: "webhook-router dlq replay --route orders-to-quickbooks --id logged-1",
        msg: "alert: 1 event dead-lettered on route orders-to-quickbooks",
      },
    ]);
    // Not the email body: nothing in the line spans several lines.
    expect(logs.raw()).not.toContain("\\n");
    expect(logs.raw()).not.toContain("What to do");
  });

  it("writes a digest as one compact line too: the count, the first ids, replay of the route and how to list them", async () => {
    const { alerter, alertLines } = setup();
    alerter.notify(deadLettered({ eventId: "first" }));
    await vi.advanceTimersByTimeAsync(0);
    for (let i = 0; i < 12; i++) alerter.notify(deadLettered({ eventId: `later-${i}`, reason: i < 10 ? "exhausted" : "permanent" }));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(alertLines()).toHaveLength(2);
    const digest = alertLines()[1];
    expect(digest).toMatchObject({
      level: "warn",
      alert: "dead_lettered",
      digest: true,
      route: "orders-to-quickbooks",
      events: 12,
      reason: { exhausted: 10, permanent: 2 },
      replay: "webhook-router dlq replay --route orders-to-quickbooks",
      inspect: "webhook-router dlq list --route orders-to-quickbooks",
      msg: "alert: 12 events dead-lettered on route orders-to-quickbooks",
    });
    expect(digest?.ids).toEqual(Array.from({ length: 10 }, (_, i) => `later-${i}`));
    expect(digest).not.toHaveProperty("id");
  });

  it("names the source and the reasons of a verification burst", async () => {
    const { alerter, alertLines } = setup();
    const firstAt = new Date("2025-06-03T09:59:30Z");
    alerter.notify({
      kind: "verification_failures",
      sourceId: "tracktile",
      count: 20,
      reasons: { bad_signature: 18, timestamp_out_of_tolerance: 2 },
      firstAt,
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(alertLines()).toEqual([
      expect.objectContaining({
        alert: "verification_failures",
        source: "tracktile",
        events: 20,
        reason: { bad_signature: 18, timestamp_out_of_tolerance: 2 },
        since: "2025-06-03T09:59:30Z",
        msg: "alert: 20 failed signature verifications on source tracktile",
      }),
    ]);
  });

  it("writes what is still pending at close, without waiting for the window", async () => {
    const { alerter, alertLines } = setup();
    alerter.notify(deadLettered({ eventId: "a" }));
    await vi.advanceTimersByTimeAsync(0);
    alerter.notify(deadLettered({ eventId: "b" }));
    await alerter.close(100);
    expect(alertLines().map((line) => line.id)).toEqual(["a", "b"]);
  });
});
