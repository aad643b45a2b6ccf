import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Alert } from "../../../src/ops/alerts/alert.js";
import { createAlerter } from "../../../src/ops/alerts/create-alerter.js";
import { captureLogs, deadLettered, fakeTransport } from "./alert-fixtures.js";

function setup() {
  const logs = captureLogs();
  const transport = fakeTransport();
  const alerter = createAlerter({ logger: logs.logger, transport, to: ["ops@example.com"], windowMs: 10_000, retryDelayMs: 1000 });
  return { logs, transport, alerter };
}

describe("alerter when sending fails", () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: new Date("2025-06-03T10:00:00Z") });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("returns from notify at once while the server hangs", () => {
    const { transport, alerter } = setup();
    transport.hang = true;
    const started = performance.now();
    for (let i = 0; i < 1000; i++) alerter.notify(deadLettered({ eventId: `e${i}` }));
    expect(performance.now() - started).toBeLessThan(200);
  });

  it("tries three times with backoff, logs the subject, then sends the alert in the next digest", async () => {
    const { transport, alerter, logs } = setup();
    transport.failWith = "Connection refused (ECONNREFUSED)";
    expect(() => alerter.notify(deadLettered({ eventId: "lost-1" }))).not.toThrow();
    await vi.advanceTimersByTimeAsync(0);
    expect(transport.tries).toBe(1);
    await vi.advanceTimersByTimeAsync(1000);
    expect(transport.tries).toBe(2);
    await vi.advanceTimersByTimeAsync(2000);
    expect(transport.tries).toBe(3);
    const retries = logs.lines.filter((line) => line.msg === "alert email failed; retrying");
    expect(retries.map((line) => line.delayMs)).toEqual([1000, 2000]);
    expect(logs.lines.find((line) => line.msg === "alert email not sent; kept for the next digest")).toMatchObject({
      level: "error",
      subject: "[webhook-router] 1 event dead-lettered on route orders-to-quickbooks",
      err: "Connection refused (ECONNREFUSED)",
    });

    alerter.notify(deadLettered({ eventId: "later-2" }));
    transport.failWith = undefined;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(transport.sent).toHaveLength(1);
    const digest = transport.sent[0];
    expect(digest?.subject).toBe("[webhook-router] 2 events dead-lettered on route orders-to-quickbooks");
    expect(digest?.text).toMatch(/lost-1\n\s+later-2/);
  });

  it("keeps retrying window after window while the server stays down, with one batch in memory", async () => {
    const { transport, alerter } = setup();
    transport.failWith = "451 try again later";
    for (let window = 0; window < 5; window++) {
      for (let i = 0; i < 100; i++) alerter.notify(deadLettered({ eventId: `w${window}-${i}` }));
      await vi.advanceTimersByTimeAsync(10_000);
    }
    transport.failWith = undefined;
    await vi.advanceTimersByTimeAsync(20_000);
    expect(transport.sent).toHaveLength(1);
    expect(transport.sent[0]?.subject).toContain("500 events dead-lettered");
    expect(transport.sent[0]?.text).toContain("w0-0\n");
    expect(transport.sent[0]?.text).toContain("… and 490 more");
  });

  it("holds a stream's digests while its previous email is still being sent", async () => {
    const { transport, alerter } = setup();
    transport.hang = true;
    for (let window = 0; window < 5; window++) {
      alerter.notify(deadLettered({ eventId: `w${window}` }));
      await vi.advanceTimersByTimeAsync(10_000);
    }
    expect(transport.tries).toBe(1);
  });

  it("gives up on a hanging server at close, within the time given, and logs what was lost", async () => {
    const { transport, alerter, logs } = setup();
    transport.hang = true;
    alerter.notify(deadLettered());
    const closing = alerter.close(500);
    await vi.advanceTimersByTimeAsync(500);
    await expect(closing).resolves.toBeUndefined();
    expect(logs.lines.some((line) => line.msg === "alert emails still sending at shutdown; giving up on them")).toBe(true);
  });

  it("cuts retry waits short at close for a last try", async () => {
    const { transport, alerter, logs } = setup();
    transport.failWith = "451 try again later";
    alerter.notify(deadLettered({ eventId: "at-close" }));
    await vi.advanceTimersByTimeAsync(0);
    const closing = alerter.close(200);
    await vi.advanceTimersByTimeAsync(200);
    await closing;
    expect(transport.tries).toBe(3);
    const lost = logs.lines.find((line) => line.msg === "alert email not sent before shutdown");
    expect(lost?.text).toContain("at-close");
  });

  it("never throws from notify, even for an alert it cannot render", async () => {
    const { alerter, logs } = setup();
    expect(() => alerter.notify({ kind: "nonsense" } as unknown as Alert)).not.toThrow();
    expect(() => alerter.notify(null as unknown as Alert)).not.toThrow();
    await vi.advanceTimersByTimeAsync(0);
    expect(logs.lines.filter((line) => line.level === "error").length).toBeGreaterThanOrEqual(2);
  });

  it("logs alerts after close instead of dropping them silently", async () => {
    const { alerter, logs } = setup();
    await alerter.close(10);
    alerter.notify(deadLettered({ eventId: "too-late" }));
    expect(logs.lines.find((line) => line.msg === "alert after shutdown; not emailed")).toMatchObject({ alert: { eventId: "too-late" } });
  });
});

describe("alerter configuration", () => {
  it("refuses an SMTP URL without ALERT_EMAIL_TO, at construction", () => {
    const logs = captureLogs();
    expect(() => createAlerter({ logger: logs.logger, smtpUrl: "smtp://127.0.0.1:25" })).toThrow(/ALERT_EMAIL_TO is required/);
    expect(() => createAlerter({ logger: logs.logger, smtpUrl: "http://x", to: ["a@b.c"] })).toThrow(/smtp:\/\//);
    expect(() => createAlerter({ logger: logs.logger, windowMs: 0 })).toThrow(/positive/);
  });
});
