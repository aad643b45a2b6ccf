import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { refusedBroker } from "../../helpers/rabbit.js";
import { startTestRouter, type TestRouter } from "../../helpers/router.js";
import { startSmtpCapture, type SmtpCapture } from "../../helpers/smtp-capture.js";
import { eventually, readyz } from "../spool/spool-events.js";

/** The shared broker, with a password it will refuse. */
const { url: refusedUrl, password: PASSWORD, address: broker } = refusedBroker();

describe("a worker-only process whose AMQP_URL the broker refuses (wrong password)", () => {
  let smtp: SmtpCapture;
  let router: TestRouter;

  beforeAll(async () => {
    smtp = await startSmtpCapture();
    router = await startTestRouter(
      { AMQP_URL: refusedUrl, SMTP_URL: smtp.url, ALERT_EMAIL_TO: "ops@example.com", ALERT_EMAIL_FROM: "router@example.com" },
      { role: "worker", waitUntilReady: false },
    );
  });
  afterAll(async () => {
    await router?.close();
    await smtp?.stop();
  });

  it("is not ready, shows the workers disconnected, and lists the refusal under /readyz problems", async () => {
    await eventually(async () => (await readyz(router.url)).body.problems?.length > 0, 10_000, "the problem in /readyz");
    const { status, body } = await readyz(router.url);
    expect(status).toBe(503);
    expect(body).toMatchObject({ status: "not_ready", workers: "disconnected" });
    expect(body.problems).toEqual([
      {
        code: "broker_refused",
        message: expect.stringMatching(/^RabbitMQ at \S+ refused the credentials \(ACCESS_REFUSED\): .*; the workers deliver nothing meanwhile$/),
        at: expect.any(String),
      },
    ]);
    expect(JSON.stringify(body)).not.toContain(PASSWORD);
  });

  it("emails the operators once what failed and what to do, without the password", async () => {
    await eventually(() => smtp.messages.length > 0, 10_000, "the refusal email");
    const email = smtp.messages[0]!;
    expect(email.subject).toMatch(/^\[webhook-router\] RabbitMQ refuses the credentials in AMQP_URL: workers delivering nothing since /);
    expect(email.text).toMatch(new RegExp(`\\n {2}Broker: +${broker.replace(/[.]/g, "\\.")}\\n`));
    expect(email.text).toContain("events wait in their route queues on the broker (nothing is lost)");
    expect(email.text).toMatch(/rabbitmqctl list_users/);
    expect(email.text).not.toContain(PASSWORD);
    expect(email.text).not.toContain("spool");
    // Further refusals (every 30 s) are folded into a digest, not sent one by one.
    expect(smtp.messages).toHaveLength(1);
  });
});
