import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { refusedBroker } from "../../helpers/rabbit.js";
import { startTestRouter, type TestRouter } from "../../helpers/router.js";
import { startSmtpCapture, type SmtpCapture } from "../../helpers/smtp-capture.js";
import { eventually, readyz, sendSeries } from "../spool/spool-events.js";

/** The shared broker, with a password it will refuse. */
const { url: refusedUrl, password: PASSWORD, address: broker } = refusedBroker();

describe("a router whose AMQP_URL the broker refuses (wrong password)", () => {
  let smtp: SmtpCapture;
  let router: TestRouter;

  beforeAll(async () => {
    smtp = await startSmtpCapture();
    router = await startTestRouter(
      {
        AMQP_URL: refusedUrl,
        SMTP_URL: smtp.url,
        ALERT_EMAIL_TO: "ops@example.com",
        ALERT_EMAIL_FROM: "router@example.com",
        ALERT_SPOOLING_AFTER: "200ms",
      },
      { waitUntilReady: false },
    );
  });
  afterAll(async () => {
    await router?.close();
    await smtp?.stop();
  });

  it("still answers 202 for a signed webhook: the event waits in the spool", async () => {
    const answers = await sendSeries(router.url, randomUUID(), 2);
    expect(answers.map((answer) => answer.status)).toEqual([202, 202]);
  });

  it("logs the refusal at error, naming the user and host and what to check, never the password", async () => {
    await eventually(() => router.logs.some((line) => line.level === 50 && line.code === "ACCESS_REFUSED"), 10_000, "the refusal's error line");
    const line = router.logs.find((entry) => entry.level === 50 && entry.code === "ACCESS_REFUSED")!;
    expect(line.msg).toBe(
      `RabbitMQ at ${broker} refused the credentials (ACCESS_REFUSED): check the user and password in AMQP_URL (RabbitMQ's guest user may only connect from localhost)`,
    );
    expect(JSON.stringify(router.logs)).not.toContain(PASSWORD);
  });

  it("stays ready (the spool takes events) but lists the refusal under /readyz problems", async () => {
    await eventually(async () => (await readyz(router.url)).body.problems?.length > 0, 10_000, "the problem in /readyz");
    const { status, body } = await readyz(router.url);
    expect(status).toBe(200);
    expect(body).toMatchObject({ status: "ready", events: "spool", spool: { count: 2 } });
    expect(body.problems).toEqual([
      expect.objectContaining({
        code: "broker_refused",
        message: expect.stringMatching(/^RabbitMQ at \S+ refused the credentials \(ACCESS_REFUSED\)/),
      }),
      // The shipped routes have an API endpoint: its calls cannot be spooled, and are refused meanwhile.
      expect.objectContaining({ code: "sync_calls_down" }),
    ]);
    expect(JSON.stringify(body)).not.toContain(PASSWORD);
  });

  it("emails the operators what failed and what to do, without the password — and no 'broker unreachable' email", async () => {
    await eventually(() => smtp.messages.length > 0, 10_000, "the refusal email");
    const email = smtp.messages[0]!;
    expect(email.subject).toMatch(/^\[webhook-router\] RabbitMQ refuses the credentials in AMQP_URL: ingress spooling events locally since /);
    expect(email.text).toContain(`Broker:          ${broker}`);
    expect(email.text).toMatch(/rabbitmqctl list_users/);
    expect(email.text).not.toContain(PASSWORD);
    expect(smtp.messages.some((message) => /broker unreachable/.test(message.subject))).toBe(false);
  });
});
