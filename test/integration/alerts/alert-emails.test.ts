import { afterEach, describe, expect, it } from "vitest";
import { type Alerter, createAlerter } from "../../../src/ops/alerts/create-alerter.js";
import { type SmtpCapture, startSmtpCapture } from "../../helpers/smtp-capture.js";
import { captureLogs, deadLettered, deadLetteredMany } from "../../unit/alerts/alert-fixtures.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("alert emails over SMTP", () => {
  let smtp: SmtpCapture | undefined;
  let alerter: Alerter | undefined;
  afterEach(async () => {
    await alerter?.close(1000);
    await smtp?.stop();
    alerter = smtp = undefined;
  });

  async function setup(options: { windowMs?: number; retryDelayMs?: number } = {}) {
    smtp = await startSmtpCapture();
    const logs = captureLogs();
    alerter = createAlerter({
      smtpUrl: smtp.url,
      to: ["ops@example.com", "oncall@example.com"],
      from: "Webhook Router <router@example.com>",
      windowMs: options.windowMs ?? 60_000,
      retryDelayMs: options.retryDelayMs ?? 50,
      logger: logs.logger,
    });
    return { smtp, alerter, logs };
  }

  it("sends one email for a dead-lettered event, naming the route, event, error and replay command", async () => {
    const { smtp, alerter, logs } = await setup();
    alerter.notify(
      deadLettered({
        eventId: "ord_42",
        reason: "permanent",
        status: 400,
        attempts: 1,
        error: "QuickBooks 400: Invalid Reference Id: Customer 58 — ünknown",
      }),
    );
    const [email] = await smtp.waitFor(1);
    expect(email?.subject).toBe("[webhook-router] 1 event dead-lettered on route orders-to-quickbooks");
    expect(email?.headers.get("from")).toBe("Webhook Router <router@example.com>");
    expect(email?.headers.get("x-webhook-router-alert")).toBe("dead_lettered");
    expect(email?.rcptTo).toEqual(["ops@example.com", "oncall@example.com"]);
    expect(email?.text).toContain("route orders-to-quickbooks");
    expect(email?.text).toContain("ord_42");
    expect(email?.text).toContain("QuickBooks 400: Invalid Reference Id: Customer 58 — ünknown");
    expect(email?.text).toContain("webhook-router dlq replay --route orders-to-quickbooks --id ord_42");
    await sleep(100);
    expect(smtp.messages).toHaveLength(1);
    expect(logs.lines.find((line) => line.msg === "alert email sent")).toMatchObject({ recipients: 2, via: `smtp://127.0.0.1:${smtp.port}` });
  });

  it("turns 500 failures into the first email plus one digest with the count and the first ids", async () => {
    const { smtp, alerter } = await setup({ windowMs: 500 });
    for (const alert of deadLetteredMany(500)) alerter.notify(alert);
    const [first, digest] = await smtp.waitFor(2, 3000);
    expect(first?.text).toContain("Event ord_1 was dead-lettered");
    expect(digest?.subject).toBe("[webhook-router] 499 events dead-lettered on route orders-to-quickbooks");
    expect(digest?.text).toContain("Event ids (first 10 of 499):");
    expect(digest?.text).toContain(
      ["ord_2", "ord_3", "ord_4", "ord_5", "ord_6", "ord_7", "ord_8", "ord_9", "ord_10", "ord_11"].map((id) => `    ${id}`).join("\n"),
    );
    expect(digest?.text).toContain("… and 489 more");
    expect(digest?.text).toContain("Last error (event ord_500):");
    await sleep(1200); // two more windows: nothing more to say
    expect(smtp.messages).toHaveLength(2);
  });

  it("sends the email to the route's own recipients as well as ALERT_EMAIL_TO", async () => {
    const { smtp, alerter } = await setup();
    alerter.notify(deadLettered({ recipients: ["erp-team@example.com", "ops@example.com"] }));
    const [email] = await smtp.waitFor(1);
    expect(email?.rcptTo).toEqual(["ops@example.com", "oncall@example.com", "erp-team@example.com"]);
    expect(email?.headers.get("to")).toBe("ops@example.com, oncall@example.com, erp-team@example.com");
  });

  it("does not block or throw while the server is down, retries, logs, and delivers once it is back", async () => {
    const { smtp, alerter, logs } = await setup({ windowMs: 700, retryDelayMs: 50 });
    await smtp.stop();
    // Not blocking is by construction: notify returns nothing to wait on (no timing asserted here).
    let returned: unknown = "not called";
    expect(() => {
      returned = alerter.notify(deadLettered({ eventId: "while-down" }));
    }).not.toThrow();
    expect(returned).toBeUndefined();
    await until(() => logs.lines.some((line) => line.msg === "alert email not sent; kept for the next digest"));
    const failure = logs.lines.find((line) => line.msg === "alert email not sent; kept for the next digest");
    expect(failure).toMatchObject({ level: "error", subject: "[webhook-router] 1 event dead-lettered on route orders-to-quickbooks" });
    expect(String(failure?.err)).toContain("ECONNREFUSED");
    expect(logs.lines.filter((line) => line.msg === "alert email failed; retrying")).toHaveLength(2);

    await smtp.restart();
    const [email] = await smtp.waitFor(1, 3000);
    expect(email?.text).toContain("while-down");
    expect(email?.text).toContain("This is a digest");
  });

  it("keeps the alert through temporary refusals (451) and sends it when the server accepts again", async () => {
    const { smtp, alerter, logs } = await setup({ windowMs: 500, retryDelayMs: 30 });
    smtp.failWith(451);
    alerter.notify(deadLettered({ eventId: "refused-1" }));
    await until(() => smtp.refused >= 3);
    alerter.notify(deadLettered({ eventId: "refused-2" }));
    smtp.failWith(undefined);
    const [email] = await smtp.waitFor(1, 3000);
    expect(email?.subject).toBe("[webhook-router] 2 events dead-lettered on route orders-to-quickbooks");
    expect(email?.text).toMatch(/refused-1\n\s+refused-2/);
    expect(logs.lines.some((line) => line.msg === "alert email failed; retrying" && String(line.err).includes("451"))).toBe(true);
  });

  it("sends pending digests on close", async () => {
    const { smtp, alerter } = await setup({ windowMs: 60_000 });
    for (const alert of deadLetteredMany(5)) alerter.notify(alert);
    await smtp.waitFor(1);
    await alerter.close(2000);
    expect(smtp.messages.map((m) => m.subject)).toEqual([
      "[webhook-router] 1 event dead-lettered on route orders-to-quickbooks",
      "[webhook-router] 4 events dead-lettered on route orders-to-quickbooks",
    ]);
  });
});

async function until(condition: () => boolean, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await sleep(10);
  }
}
