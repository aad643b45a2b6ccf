import { afterEach, describe, expect, it } from "vitest";
import { createAlerter } from "../../../src/ops/alerts/create-alerter.js";
import { type SmtpCapture, startSmtpCapture } from "../../helpers/smtp-capture.js";
import { captureLogs, deadLettered } from "../../unit/alerts/alert-fixtures.js";

const USER = "alerts@example.com";
const PASSWORD = "s3cret:P@ss/w0rd!";

/** Every form the password could leak in: as is, percent-encoded in the URL, base64 in AUTH PLAIN / LOGIN. */
const LEAKS = [
  PASSWORD,
  encodeURIComponent(PASSWORD),
  Buffer.from(`\0${USER}\0${PASSWORD}`).toString("base64").replace(/=+$/, ""),
  Buffer.from(PASSWORD).toString("base64").replace(/=+$/, ""),
];

function expectNoLeak(text: string): void {
  for (const leak of LEAKS) expect(text).not.toContain(leak);
}

describe("alerts keep the SMTP password out", () => {
  let smtp: SmtpCapture | undefined;
  afterEach(async () => {
    await smtp?.stop();
    smtp = undefined;
  });

  it("of emails and logs when sending works", async () => {
    smtp = await startSmtpCapture({ auth: { user: USER, pass: PASSWORD } });
    const logs = captureLogs();
    const alerter = createAlerter({ smtpUrl: smtp.url, to: ["ops@example.com"], windowMs: 200, logger: logs.logger });
    expect(smtp.url).toContain(encodeURIComponent(PASSWORD));
    alerter.notify(deadLettered({ eventId: "a" }));
    alerter.notify({ kind: "spooling", since: new Date(), depth: 3 });
    const emails = await smtp.waitFor(2);
    await alerter.close(1000);
    expect(emails.every((email) => email.user === USER)).toBe(true); // it did log in with the password
    for (const email of emails) expectNoLeak(email.raw);
    expectNoLeak(logs.raw());
  });

  it("of logs when the server refuses the login or is unreachable", async () => {
    smtp = await startSmtpCapture({ auth: { user: USER, pass: "another-password" } });
    const logs = captureLogs();
    const url = `smtp://${encodeURIComponent(USER)}:${encodeURIComponent(PASSWORD)}@127.0.0.1:${smtp.port}`;
    const alerter = createAlerter({ smtpUrl: url, to: ["ops@example.com"], windowMs: 200, retryDelayMs: 20, sendAttempts: 2, logger: logs.logger });
    alerter.notify(deadLettered({ eventId: "refused-login" }));
    await new Promise((resolve) => setTimeout(resolve, 300));
    await smtp.stop();
    smtp = undefined;
    alerter.notify(deadLettered({ eventId: "unreachable", routeId: "other" }));
    await alerter.close(1000);
    const errors = logs.lines.filter((line) => line.level === "error" || line.level === "warn");
    expect(errors.some((line) => String(line.err).includes("535"))).toBe(true);
    expect(errors.some((line) => String(line.err).includes("ECONNREFUSED"))).toBe(true);
    expectNoLeak(logs.raw());
  });

  it("of the text of an email even if an error string carries it", async () => {
    smtp = await startSmtpCapture({ auth: { user: USER, pass: PASSWORD } });
    const logs = captureLogs();
    const alerter = createAlerter({ smtpUrl: smtp.url, to: ["ops@example.com"], logger: logs.logger });
    alerter.notify(deadLettered({ error: `relay said: bad password ${PASSWORD}` }));
    const [email] = await smtp.waitFor(1);
    await alerter.close(1000);
    expect(email?.text).toContain("relay said: bad password [redacted]");
    expectNoLeak(email?.raw ?? "");
  });
});
