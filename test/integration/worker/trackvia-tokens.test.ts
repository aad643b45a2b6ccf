import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { openStateDb } from "../../../src/state/state-db.js";
import { FakeTrackViaApi } from "../../helpers/fake-trackvia-api.js";
import { startSmtpCapture, type SmtpCapture } from "../../helpers/smtp-capture.js";
import { eventually, startWorkerHarness, type WorkerHarness } from "../../helpers/worker-setup.js";
import { count, SHARED_STORES, startWorkerPair } from "../../helpers/worker-pair.js";

const DAY_MS = 86_400_000;

const trackviaRoute = (tv: FakeTrackViaApi, destination: string, extra = "") => `
destinations:
  ${destination}:
    kind: trackvia
    baseUrl: "${tv.url}"
    userKey: ${tv.userKey}
    refreshToken: tv-refresh-initial
    viewId: 12
    timeoutMs: 5000${extra}
routes:
  jobs-to-trackvia:
    events: app.job.*
    mapping: '{ "data": { "Job Name": data.name, "External Id": data.id } }'
    destination: ${destination}
    retry: { attempts: 3, baseDelay: 200ms, maxDelay: 1s, jitter: 0 }
    failureEmails: [field-ops@example.com]
`;

const job = (id = `job-${randomUUID()}`) => ({ kind: "job.created", id, name: `Service ${id.slice(4, 10)}` });

describe("TrackVia tokens in a running router", () => {
  let smtp: SmtpCapture;
  let tv: FakeTrackViaApi;
  let harness: WorkerHarness | undefined;
  const expiring = () => smtp.messages.filter((email) => email.headers.get("x-webhook-router-alert") === "token_expiring");
  const credentials = () => smtp.messages.filter((email) => email.headers.get("x-webhook-router-alert") === "credentials");

  beforeAll(async () => {
    smtp = await startSmtpCapture();
  });
  afterAll(() => smtp.stop());
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
    await tv.close();
    smtp.messages.length = 0;
  });

  const start = async (extra = "") => {
    harness = await startWorkerHarness(trackviaRoute(tv, "trackvia-jobs", extra), {
      SMTP_URL: smtp.url,
      ALERT_EMAIL_TO: "ops@example.com",
      ALERT_DIGEST_WINDOW: "1h",
    });
    return harness;
  };

  it("the stand-in expires the access token: one refresh, the call succeeds, the rotated refresh token is in the state store", async () => {
    tv = await FakeTrackViaApi.start();
    const router = await start();
    expect((await router.post(job())).status).toBe(202);
    await eventually(() => tv.records.size === 1, 10_000, "the first record");
    tv.expireToken();
    expect((await router.post(job())).status).toBe(202);
    await eventually(() => tv.records.size === 2, 10_000, "the second record");
    expect(tv.refreshes).toBe(2);
    // The 401 came back once: the call after the refresh went through.
    expect(tv.recordCalls().map((call) => call.method)).toEqual(["POST", "POST", "POST"]);
    const db = await openStateDb({ dataDir: router.dataDir });
    try {
      const stored = await db.selectFrom("tokens").select("value").where("key", "=", "trackvia:trackvia-jobs:refresh").executeTakeFirst();
      expect(stored?.value).toBe(tv.currentRefreshToken);
    } finally {
      await db.destroy();
    }
  });

  it("the refresh is refused: the event is dead-lettered as credentials and exactly one email is sent", async () => {
    tv = await FakeTrackViaApi.start();
    const router = await start();
    await router.post(job());
    await eventually(() => tv.records.size === 1, 10_000, "the first record");
    tv.revokeRefreshToken();
    tv.expireToken();
    await router.post(job("job-refused"));
    const dead = await router.nextIn(`${router.prefix}jobs-to-trackvia.dead`, 10_000);
    expect(dead.properties.messageId).toBe("job-refused");
    expect(dead.properties.headers).toMatchObject({ "x-error-kind": "credentials" });
    expect(String(dead.properties.headers!["x-error"])).toMatch(/invalid_grant/);
    await eventually(() => credentials().length === 1, 10_000, "the credentials email");
    // More events meet the same refusal: they wait for the digest, no second email now.
    await router.post(job());
    await router.nextIn(`${router.prefix}jobs-to-trackvia.dead`, 10_000);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(credentials()).toHaveLength(1);
    const [email] = credentials();
    expect([...email!.rcptTo].sort()).toEqual(["field-ops@example.com", "ops@example.com"]);
    expect(email!.text).toContain("trackvia-jobs");
    expect(email!.text).toContain("job-refused");
    for (const secret of [tv.userKey, ...tv.issuedRefreshTokens, ...tv.issuedAccessTokens]) expect(email!.text).not.toContain(secret);
  });

  it("a refresh token expiring in 3 days: one token_expiring email, not repeated within the day", async () => {
    tv = await FakeTrackViaApi.start({ refreshTokenLifetimeMs: 3 * DAY_MS });
    const router = await start();
    await router.post(job());
    await eventually(() => expiring().length === 1, 10_000, "the expiry warning");
    const [email] = expiring();
    expect(email!.subject).toMatch(/refresh token of destination trackvia-jobs expires in 3 days/);
    expect([...email!.rcptTo].sort()).toEqual(["field-ops@example.com", "ops@example.com"]);
    // Each refresh learns the expiry again; the day's warning is already sent.
    for (let i = 0; i < 3; i += 1) {
      tv.expireToken();
      await router.post(job());
      await eventually(() => tv.records.size === i + 2, 10_000, `record ${i + 2}`);
    }
    expect(tv.refreshes).toBe(4);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(expiring()).toHaveLength(1);
  });
});

// The state store holds the day's warning, so processes sharing it send one email between them.
describe.each(SHARED_STORES)("TrackVia across two worker processes sharing %s", (_name, store) => {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it("both meet the expired token together: one refresh, both deliver; a configured expiry 3 days out is warned once between them", async () => {
    const smtp = await startSmtpCapture();
    cleanups.push(() => smtp.stop());
    const tv = await FakeTrackViaApi.start();
    cleanups.push(() => tv.close());
    tv.tokenDelayMs = 300;
    const destination = `tv-${randomUUID().slice(0, 8)}`;
    const expiresAt = new Date(Date.now() + 3 * DAY_MS).toISOString();
    const pair = await startWorkerPair(
      trackviaRoute(tv, destination, `\n    refreshTokenExpiresAt: "${expiresAt}"`).replace("retry:", "concurrency: 4\n    retry:"),
      store,
      {
        SMTP_URL: smtp.url,
        ALERT_EMAIL_TO: "ops@example.com",
      },
    );
    cleanups.push(() => pair.close());
    const db = await openStateDb({ dataDir: pair.storeEnv.DATA_DIR!, databaseUrl: pair.storeEnv.DATABASE_URL });
    cleanups.push(async () => {
      await db.deleteFrom("tokens").where("key", "like", `%${destination}%`).execute();
      await db.destroy();
    });
    const [first, second] = pair.workers;
    const delivered = () => count(first, "event delivered") + count(second, "event delivered");

    // Checked at start by both; one email.
    await eventually(() => smtp.messages.length >= 1, 10_000, "the expiry warning");
    expect(smtp.messages[0]!.subject).toMatch(new RegExp(`refresh token of destination ${destination} expires in 3 days`));

    let posted = 0;
    while (count(first, "event delivered") === 0 || count(second, "event delivered") === 0) {
      const answers = await Promise.all(Array.from({ length: 4 }, () => pair.post(job())));
      expect(answers.every((answer) => answer.status === 202)).toBe(true);
      posted += 4;
      await eventually(() => delivered() >= posted, 15_000, `${posted} deliveries`);
    }
    const refreshes = tv.refreshes;
    const before = [count(first, "event delivered"), count(second, "event delivered")];
    tv.expireToken();
    await Promise.all(Array.from({ length: 8 }, () => pair.post(job())));
    posted += 8;
    await eventually(() => tv.records.size >= posted, 15_000, `${posted} records`);
    expect(tv.refreshes).toBe(refreshes + 1);
    expect(count(first, "event dead-lettered") + count(second, "event dead-lettered")).toBe(0);
    await eventually(() => count(first, "event delivered") > before[0]! && count(second, "event delivered") > before[1]!, 5000, "both delivering");
    const stored = await db.selectFrom("tokens").select("value").where("key", "=", `trackvia:${destination}:refresh`).executeTakeFirst();
    expect(stored?.value).toBe(tv.currentRefreshToken);
    // Every refresh used the token current at that moment: none was sent with a revoked one.
    const sent = tv.requestsTo("/oauth/token").map((request) => request.form.refresh_token);
    expect(sent).toEqual(tv.issuedRefreshTokens.slice(0, sent.length));
    expect(smtp.messages.filter((email) => email.headers.get("x-webhook-router-alert") === "token_expiring")).toHaveLength(1);
  }, 60_000);
});
