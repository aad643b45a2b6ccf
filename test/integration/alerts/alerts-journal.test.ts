import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listAlerts } from "../../../src/ops/delivery-log/alert-journal.js";
import { openStateDb } from "../../../src/state/state-db.js";
import { FakeHttpSink } from "../../helpers/fakes/index.js";
import { startSmtpCapture, type SmtpCapture } from "../../helpers/smtp-capture.js";
import { startWorkerHarness, type WorkerHarness } from "../../helpers/worker-setup.js";

const run = promisify(execFile);
const SMTP_USER = "relay-user";
const SMTP_PASS = "relay-pass-s3cret";

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

interface JournalEntry {
  id: string;
  kind: string;
  subject: string;
  recipients: string[];
  at: string;
  status: string;
  eventId: string | null;
  routeId: string | null;
  sourceId: string | null;
  heldCount?: number;
  error?: string;
}

describe("the alerts journal of a running router: GET /alerts and webhook-router alerts", () => {
  let smtp: SmtpCapture;
  let sink: FakeHttpSink;
  let harness: WorkerHarness;
  const alerts = async (query = "") => {
    const response = await fetch(`http://127.0.0.1:${harness.router.adminPort}/alerts${query}`);
    return { status: response.status, body: (await response.json()) as { alerts: JournalEntry[]; next: string | null } };
  };
  /** Polls the journal until `check` finds what it wants (the journal is written off the alerter's path). */
  const untilJournal = async (check: (entries: JournalEntry[]) => JournalEntry | undefined, what: string) => {
    for (let tries = 0; tries < 150; tries += 1) {
      const found = check((await alerts()).body.alerts);
      if (found) return found;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`timed out waiting for ${what} in the journal`);
  };

  beforeAll(async () => {
    smtp = await startSmtpCapture({ auth: { user: SMTP_USER, pass: SMTP_PASS } });
    sink = await FakeHttpSink.start();
    harness = await startWorkerHarness(routes(sink.url), {
      SMTP_URL: smtp.url,
      ALERT_EMAIL_TO: "ops@example.com",
      ALERT_EMAIL_FROM: "router@example.com",
      ALERT_DIGEST_WINDOW: "5s",
      ADMIN_PORT: "0",
    });
  });
  afterAll(async () => {
    await harness?.close();
    await sink?.close();
    await smtp?.stop();
  });

  it("a dead-lettered event: the email sent is listed with its subject, recipients, event and route", async () => {
    sink.failNext(1, 422, { error: "customer 58 does not exist" });
    await harness.post({ kind: "order.completed", id: "evt-journal-1" });
    const [email] = await smtp.waitFor(1, 10_000);
    const sent = await untilJournal((entries) => entries.find((entry) => entry.eventId === "evt-journal-1"), "the sent email");
    expect(sent).toEqual({
      id: expect.any(String),
      kind: "dead_lettered",
      subject: email!.subject,
      recipients: ["ops@example.com", "billing-team@example.com"],
      at: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/),
      status: "sent",
      eventId: "evt-journal-1",
      routeId: "orders-to-books",
      sourceId: null,
    });
  }, 30_000);

  it("throttled repeats are listed as held, then as the digest that carried them", async () => {
    sink.failNext(3, 422, { error: "bad" });
    for (const id of ["evt-held-1", "evt-held-2", "evt-held-3"]) await harness.post({ kind: "order.completed", id });
    const held = await untilJournal((entries) => entries.find((entry) => entry.status === "held" && entry.heldCount === 3), "the held digest");
    expect(held).toMatchObject({
      kind: "dead_lettered",
      routeId: "orders-to-books",
      eventId: null,
      subject: expect.stringMatching(/3 events dead-lettered/),
    });
    expect(smtp.messages).toHaveLength(1);
    const sent = await untilJournal((entries) => entries.find((entry) => entry.id === held.id && entry.status === "sent"), "the digest sent");
    expect(sent.heldCount).toBe(3);
    expect(smtp.messages).toHaveLength(2);
    expect(sent.subject).toBe(smtp.messages[1]!.subject);
  }, 30_000);

  it("with the SMTP server refusing, the email is listed as failed with the server's answer, never the SMTP password", async () => {
    smtp.failWith(550);
    sink.failNext(1, 401, { error: "token expired" });
    await harness.post({ kind: "order.completed", id: "evt-401" });
    // Three tries, 2 s then 4 s apart, before it counts as failed.
    const failed = await untilJournal(
      (entries) => entries.find((entry) => entry.kind === "credentials" && entry.status === "failed"),
      "the failed credentials email",
    );
    smtp.failWith(undefined);
    expect(failed).toMatchObject({ eventId: "evt-401", routeId: "orders-to-books", error: expect.stringMatching(/550/) });
    expect(JSON.stringify((await alerts()).body)).not.toContain(SMTP_PASS);
  }, 30_000);

  it("pages newest first with `next`, filters by kind, refuses what it cannot read, and the CLI prints the same", async () => {
    const all = (await alerts()).body.alerts;
    expect(all.map((entry) => entry.at)).toEqual([...all.map((entry) => entry.at)].sort().reverse());
    const first = await alerts("?limit=1");
    expect(first.body.alerts).toEqual([all[0]]);
    expect(first.body.next).toEqual(expect.any(String));
    const second = await alerts(`?limit=1&before=${encodeURIComponent(first.body.next!)}`);
    expect(second.body.alerts).toEqual([all[1]]);
    const credentials = (await alerts("?kind=credentials")).body.alerts;
    expect(new Set(credentials.map((entry) => entry.kind))).toEqual(new Set(["credentials"]));
    expect(credentials.map((entry) => entry.status)).toContain("failed");
    expect(await alerts("?kind=nonsense")).toMatchObject({ status: 400 });
    expect(await alerts("?before=yesterday")).toMatchObject({ status: 400 });

    const { stdout } = await run(process.execPath, ["dist/cli/main.js", "alerts", "--kind", "credentials"], {
      env: { PATH: process.env.PATH, ENV_FILE: "", DATA_DIR: harness.dataDir, DATABASE_URL: "" },
    });
    const lines = stdout.trim().split("\n");
    expect(lines.find((line) => /Z {2}failed {2}/.test(line))).toMatch(
      /^\S+Z {2}failed {2}credentials {2}\[webhook-router\] .* {2}to ops@example.com, billing-team@example.com {2}event evt-401 {2}error .*550/,
    );
    expect(lines.at(-1)).toBe(`${lines.length - 1} alert(s)`);
  }, 60_000);
});

describe("the alerts journal at shutdown", () => {
  it("the digest still held when the router stops is sent and journaled before the store closes", async () => {
    const smtp = await startSmtpCapture();
    const sink = await FakeHttpSink.start();
    const harness = await startWorkerHarness(routes(sink.url), {
      SMTP_URL: smtp.url,
      ALERT_EMAIL_TO: "ops@example.com",
      ALERT_DIGEST_WINDOW: "10m",
    });
    try {
      sink.failNext(3, 422, { error: "bad" });
      for (const id of ["evt-stop-1", "evt-stop-2", "evt-stop-3"]) await harness.post({ kind: "order.completed", id });
      await smtp.waitFor(1, 10_000);
      const dead = () => harness.router.logs.filter((line) => line.msg === "event dead-lettered").length;
      for (let tries = 0; dead() < 3 && tries < 100; tries += 1) await new Promise((resolve) => setTimeout(resolve, 50));
      await harness.close();
      expect(smtp.messages).toHaveLength(2);
      const db = await openStateDb({ dataDir: harness.dataDir });
      try {
        const { alerts } = await listAlerts(db, { limit: 10 });
        expect(alerts.map((entry) => [entry.status, entry.heldCount])).toEqual([
          ["sent", 2],
          ["sent", undefined],
        ]);
      } finally {
        await db.destroy();
      }
    } finally {
      await sink.close();
      await smtp.stop();
    }
  }, 30_000);
});
