import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createAlerter } from "../../../src/ops/alerts/create-alerter.js";
import { captureLogs, deadLettered, deadLetteredMany, fakeTransport } from "./alert-fixtures.js";

const WINDOW = 15 * 60_000;

function setup(options: { windowMs?: number; maxStreams?: number } = {}) {
  const logs = captureLogs();
  const transport = fakeTransport();
  const alerter = createAlerter({
    logger: logs.logger,
    transport,
    to: ["ops@example.com"],
    windowMs: options.windowMs ?? WINDOW,
    maxStreams: options.maxStreams,
    retryDelayMs: 1000,
  });
  return { logs, transport, alerter };
}

describe("alert throttling", () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: new Date("2025-06-03T10:00:00Z") });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("emails the first alert at once", async () => {
    const { transport, alerter } = setup();
    alerter.notify(deadLettered());
    await vi.advanceTimersByTimeAsync(0);
    expect(transport.sent).toHaveLength(1);
    expect(transport.sent[0]?.subject).toBe("[webhook-router] 1 event dead-lettered on route orders-to-quickbooks");
  });

  it("turns 500 failures in a minute into the first email plus one digest", async () => {
    const { transport, alerter } = setup();
    for (const alert of deadLetteredMany(500)) {
      alerter.notify(alert);
      await vi.advanceTimersByTimeAsync(120); // 500 × 120 ms = one minute
    }
    expect(transport.sent).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(WINDOW);
    expect(transport.sent).toHaveLength(2);
    const digest = transport.sent[1];
    expect(digest?.subject).toBe("[webhook-router] 499 events dead-lettered on route orders-to-quickbooks");
    expect(digest?.text).toContain("Event ids (first 10 of 499):");
    for (let i = 2; i <= 11; i++) expect(digest?.text).toContain(`    ord_${i}\n`);
    expect(digest?.text).not.toContain("ord_12\n");
    expect(digest?.text).toContain("… and 489 more");
    expect(digest?.text).toContain("between 2025-06-03T10:00:00Z and 2025-06-03T10:00:59Z");
    await vi.advanceTimersByTimeAsync(3 * WINDOW);
    expect(transport.sent).toHaveLength(2);
  });

  it("sends at most one digest per window while failures go on", async () => {
    const { transport, alerter } = setup({ windowMs: 500 });
    for (let i = 0; i < 30; i++) {
      alerter.notify(deadLettered({ eventId: `e${i}` }));
      await vi.advanceTimersByTimeAsync(50); // 1.5 s of failures: three windows
    }
    await vi.advanceTimersByTimeAsync(500);
    expect(transport.sent.map((email) => email.subject.match(/\d+ events?/)?.[0])).toEqual(["1 event", "9 events", "10 events", "10 events"]);
  });

  it("drops a pending 'still spooling' digest once the recovery email goes out", async () => {
    const { transport, alerter } = setup({ windowMs: 1000 });
    const since = new Date();
    alerter.notify({ kind: "spooling", since, depth: 10 });
    await vi.advanceTimersByTimeAsync(300);
    alerter.notify({ kind: "spooling", since, depth: 50 });
    alerter.notify({ kind: "spool_recovered", since, until: new Date(), peakDepth: 50 });
    await vi.advanceTimersByTimeAsync(5000);
    expect(transport.sent.map((email) => email.subject.split(":")[0])).toEqual(["[webhook-router] broker unreachable", "[webhook-router] recovered"]);
  });

  it("emails at once again after a quiet window", async () => {
    const { transport, alerter } = setup({ windowMs: 500 });
    alerter.notify(deadLettered({ eventId: "a" }));
    await vi.advanceTimersByTimeAsync(600);
    alerter.notify(deadLettered({ eventId: "b" }));
    await vi.advanceTimersByTimeAsync(0);
    expect(transport.sent).toHaveLength(2);
    expect(transport.sent[1]?.text).toContain("Event b was dead-lettered");
  });

  it("keeps one stream per kind and route", async () => {
    const { transport, alerter } = setup();
    alerter.notify(deadLettered({ routeId: "a" }));
    alerter.notify(deadLettered({ routeId: "b" }));
    alerter.notify({ kind: "credentials", routeId: "a", destination: "d", eventId: "x", status: 401, error: "expired" });
    alerter.notify(deadLettered({ routeId: "a", eventId: "again" }));
    await vi.advanceTimersByTimeAsync(0);
    expect(transport.sent.map((email) => email.headers["X-Webhook-Router-Stream"])).toEqual(["dead_lettered:a", "dead_lettered:b", "credentials:a"]);
  });

  it("logs, rather than holds, alerts for streams past the limit", async () => {
    const { transport, alerter, logs } = setup({ maxStreams: 2 });
    for (const routeId of ["a", "b", "c"]) alerter.notify(deadLettered({ routeId }));
    await vi.advanceTimersByTimeAsync(0);
    expect(transport.sent).toHaveLength(2);
    expect(logs.lines.find((line) => line.msg.startsWith("too many alert streams"))).toMatchObject({ level: "warn", alert: { routeId: "c" } });
  });

  it("sends pending digests on close", async () => {
    const { transport, alerter } = setup();
    for (const alert of deadLetteredMany(3)) alerter.notify(alert);
    await vi.advanceTimersByTimeAsync(0);
    await alerter.close(1000);
    expect(transport.sent.map((email) => email.subject)).toEqual([
      "[webhook-router] 1 event dead-lettered on route orders-to-quickbooks",
      "[webhook-router] 2 events dead-lettered on route orders-to-quickbooks",
    ]);
  });
});
