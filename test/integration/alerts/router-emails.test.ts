import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeHttpSink } from "../../helpers/fakes/index.js";
import { startSmtpCapture, type SmtpCapture } from "../../helpers/smtp-capture.js";
import { eventually, startWorkerHarness, type WorkerHarness } from "../../helpers/worker-setup.js";

const routes = (sinkUrl: string) => `
destinations:
  books: { kind: http, url: "${sinkUrl}/invoices" }
routes:
  orders-to-books:
    events: app.#
    destination: books
    retry: { attempts: 2, baseDelay: 50ms, maxDelay: 1s, jitter: 0 }
    failureEmails: [billing-team@example.com]
`;

describe("failure emails from a running router", () => {
  let smtp: SmtpCapture;
  let sink: FakeHttpSink;
  let harness: WorkerHarness;

  beforeAll(async () => {
    smtp = await startSmtpCapture();
    sink = await FakeHttpSink.start();
    harness = await startWorkerHarness(routes(sink.url), {
      SMTP_URL: smtp.url,
      ALERT_EMAIL_TO: "ops@example.com",
      ALERT_EMAIL_FROM: "router@example.com",
      ALERT_DIGEST_WINDOW: "2s",
    });
  });
  afterAll(async () => {
    await harness?.close();
    await sink?.close();
    await smtp?.stop();
  });

  it("a rejected event → one email to ops and the route's owners, naming route, event, error and the replay command", async () => {
    sink.failNext(1, 422, { error: "customer 58 does not exist" });
    await harness.post({ kind: "order.completed", id: "evt-mail-1" });
    await eventually(() => smtp.messages.length === 1, 10_000, "the email");
    const [email] = smtp.messages;
    expect([...email!.rcptTo].sort()).toEqual(["billing-team@example.com", "ops@example.com"]);
    expect(email!.subject).toMatch(/dead-lettered on route orders-to-books/);
    expect(email!.text).toContain("evt-mail-1");
    expect(email!.text).toMatch(/422/);
    expect(email!.text).toMatch(/customer 58 does not exist/);
    expect(email!.text).toContain("webhook-router dlq replay --route orders-to-books --id evt-mail-1");
  });

  it("a burst of failures in the window → one digest, not one email each", async () => {
    sink.failNext(20, 422, { error: "bad" });
    for (let i = 0; i < 20; i += 1) await harness.post({ kind: "order.completed", id: `evt-burst-${i}` });
    await eventually(() => smtp.messages.length === 2, 10_000, "the digest");
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(smtp.messages).toHaveLength(2);
    expect(smtp.messages[1]!.subject).toMatch(/20 events dead-lettered on route orders-to-books/);
  });

  it("a 401 from the target → a credentials email naming the destination", async () => {
    sink.failNext(1, 401, { error: "token expired" });
    await harness.post({ kind: "order.completed", id: "evt-401" });
    await eventually(() => smtp.messages.some((email) => /credentials/i.test(email.subject)), 10_000, "the credentials email");
    const email = smtp.messages.find((message) => /credentials/i.test(message.subject))!;
    expect(email.text).toMatch(/books/);
    expect(email.text).toContain("evt-401");
  });
});
