import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestRouter } from "../../helpers/router.js";
import { startSmtpCapture, type SmtpCapture } from "../../helpers/smtp-capture.js";
import type { TcpProxy } from "../../helpers/tcp-proxy.js";
import { eventually, readyz, sendSeries, startRouterBehindProxy, type RouterBehindProxy } from "../spool/spool-events.js";

describe("emails about a broker outage", () => {
  let setup: RouterBehindProxy;
  let smtp: SmtpCapture;
  let proxy: TcpProxy;
  let router: TestRouter;

  beforeAll(async () => {
    smtp = await startSmtpCapture();
    setup = await startRouterBehindProxy({
      SMTP_URL: smtp.url,
      ALERT_EMAIL_TO: "ops@example.com",
      ALERT_EMAIL_FROM: "router@example.com",
      ALERT_SPOOLING_AFTER: "300ms",
    });
    ({ proxy, router } = setup);
  });
  afterAll(async () => {
    await setup?.close();
    await smtp?.stop();
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
