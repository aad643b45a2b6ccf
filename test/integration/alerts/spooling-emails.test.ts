import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AMQP_URL, tapExchange, type QueueTap } from "../../helpers/rabbit.js";
import { startTestRouter, type TestRouter } from "../../helpers/router.js";
import { startSmtpCapture, type SmtpCapture } from "../../helpers/smtp-capture.js";
import { TcpProxy } from "../../helpers/tcp-proxy.js";
import { eventually, readyz, ROUTES_DIR, sendSeries, tempDataDir } from "../spool/spool-events.js";

describe("emails about a broker outage", () => {
  let tap: QueueTap;
  let proxy: TcpProxy;
  let smtp: SmtpCapture;
  let router: TestRouter;
  let data: ReturnType<typeof tempDataDir>;

  beforeAll(async () => {
    tap = await tapExchange();
    proxy = new TcpProxy();
    await proxy.start();
    smtp = await startSmtpCapture();
    data = tempDataDir();
    router = await startTestRouter({
      AMQP_URL: proxy.url(AMQP_URL),
      AMQP_EXCHANGE: tap.exchange,
      DATA_DIR: data.dir,
      ROUTES_DIR,
      PUBLISH_TIMEOUT_MS: "300",
      SMTP_URL: smtp.url,
      ALERT_EMAIL_TO: "ops@example.com",
      ALERT_EMAIL_FROM: "router@example.com",
      ALERT_SPOOLING_AFTER: "300ms",
    });
    await eventually(async () => (await readyz(router.url)).body.events === "broker", 10_000, "connected to the broker");
  });
  afterAll(async () => {
    proxy?.restore();
    await router?.close();
    await proxy?.close();
    await smtp?.stop();
    await tap?.close();
    data?.cleanup();
  });

  it("one email when ingress has spooled too long, one more when the spool has drained", async () => {
    proxy.cut();
    const spooled = await sendSeries(router.url, randomUUID(), 5);
    expect(spooled.map((answer) => answer.status)).toEqual(Array(5).fill(202));
    await eventually(() => smtp.messages.length === 1, 10_000, "the spooling email");
    expect(smtp.messages[0]!.subject).toMatch(/broker unreachable: ingress spooling events locally since/);

    proxy.restore();
    await eventually(() => smtp.messages.some((email) => /recovered/.test(email.subject)), 15_000, "the recovery email");
    const recovered = smtp.messages.find((email) => /recovered/.test(email.subject))!;
    expect(recovered.subject).toMatch(/^\[webhook-router\] recovered: broker reachable again, spool drained after /);
    expect(recovered.text).toMatch(/Most events in spool:\s+5/);
    expect((await readyz(router.url)).body).toMatchObject({ events: "broker", spool: { count: 0 } });
  });
});
