import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { AlertJournalEntry } from "../../../src/ops/alerts/index.js";
import { createAlerter } from "../../../src/ops/alerts/create-alerter.js";
import { captureLogs, deadLettered, deadLetteredMany, fakeTransport } from "./alert-fixtures.js";

const WINDOW = 15 * 60_000;

function setup(options: { smtp?: boolean } = {}) {
  const logs = captureLogs();
  const transport = fakeTransport();
  const journal: AlertJournalEntry[] = [];
  const alerter = createAlerter({
    logger: logs.logger,
    ...(options.smtp === false ? {} : { transport }),
    to: ["ops@example.com"],
    windowMs: WINDOW,
    retryDelayMs: 1000,
    sendAttempts: 2,
    journal: { record: (entry) => journal.push(entry) },
  });
  // The row as it stands now: the last entry written for each id.
  const rows = () => [...new Map(journal.map((entry) => [entry.id, entry])).values()];
  return { transport, alerter, journal, rows };
}

describe("the alerts journal", () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: new Date("2025-06-03T10:00:00Z") });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("records an email sent with its subject, recipients, event and route", async () => {
    const { alerter, journal, transport } = setup();
    alerter.notify(deadLettered({ recipients: ["billing@example.com"] }));
    await vi.advanceTimersByTimeAsync(0);
    expect(journal).toEqual([
      {
        id: expect.stringMatching(/^al_/),
        kind: "dead_lettered",
        status: "sent",
        subject: transport.sent[0]!.subject,
        recipients: ["ops@example.com", "billing@example.com"],
        at: Date.parse("2025-06-03T10:00:00Z"),
        eventId: "ord_1",
        routeId: "orders-to-quickbooks",
        sourceId: null,
      },
    ]);
  });

  it("keeps a held digest's row current once per tick, not once per alert, and turns it into the digest's email", async () => {
    const { alerter, journal, rows, transport } = setup();
    const [first, ...rest] = deadLetteredMany(500);
    alerter.notify(first!);
    await vi.advanceTimersByTimeAsync(0);
    for (const alert of rest.slice(0, 250)) alerter.notify(alert);
    await vi.advanceTimersByTimeAsync(1000);
    const held = rows().find((row) => row.status === "held")!;
    expect(held).toMatchObject({ kind: "dead_lettered", heldCount: 250, eventId: null, routeId: "orders-to-quickbooks" });
    expect(held.subject).toBe("[webhook-router] 250 events dead-lettered on route orders-to-quickbooks");
    for (const alert of rest.slice(250)) alerter.notify(alert);
    await vi.advanceTimersByTimeAsync(1000);
    // One write per tick whatever the number of alerts folded in.
    expect(journal.filter((entry) => entry.status === "held")).toHaveLength(2);
    expect(rows().find((row) => row.id === held.id)).toMatchObject({ status: "held", heldCount: 499 });

    await vi.advanceTimersByTimeAsync(WINDOW);
    expect(transport.sent).toHaveLength(2);
    expect(rows()).toHaveLength(2);
    expect(rows().find((row) => row.id === held.id)).toMatchObject({
      status: "sent",
      heldCount: 499,
      subject: "[webhook-router] 499 events dead-lettered on route orders-to-quickbooks",
    });
  });

  it("records a failed email with the error, and its alerts as held for the next digest", async () => {
    const { alerter, rows, transport } = setup();
    transport.failWith = "connect ECONNREFUSED 127.0.0.1:25";
    alerter.notify(deadLettered());
    await vi.advanceTimersByTimeAsync(1000 + 1000);
    const [failed, held] = rows();
    expect(failed).toMatchObject({ status: "failed", eventId: "ord_1", error: "connect ECONNREFUSED 127.0.0.1:25" });
    expect(held).toMatchObject({ status: "held", heldCount: 1 });
    expect(held!.id).not.toBe(failed!.id);
  });

  it("records nothing without SMTP: no email is sent, the alert is a log line", async () => {
    const { alerter, journal } = setup({ smtp: false });
    alerter.notify(deadLettered());
    await vi.advanceTimersByTimeAsync(2000);
    expect(journal).toEqual([]);
  });
});
