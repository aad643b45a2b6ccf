import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeTracktileApi, type FakeTracktileApi } from "../../helpers/fake-tracktile-api.js";
import { tapExchange, type QueueTap } from "../../helpers/rabbit.js";
import { startTestRouter, type TestRouter } from "../../helpers/router.js";
import { startSmtpCapture, type SmtpCapture } from "../../helpers/smtp-capture.js";
import { eventually, pollRoutes, products, stock } from "./poll-setup.js";

const TOKEN = "api-poll-ops-secret-token";

describe("a polling source as operators see it: /status, metrics, the delivery log and failure emails", () => {
  let api: FakeTracktileApi;
  let tap: QueueTap;
  let smtp: SmtpCapture;
  let router: TestRouter;
  let routes: ReturnType<typeof pollRoutes>;
  let admin: string;

  beforeAll(async () => {
    api = await startFakeTracktileApi(TOKEN);
    stock(api, products(7));
    tap = await tapExchange();
    smtp = await startSmtpCapture();
    routes = pollRoutes({ api, size: 3, every: "1s" });
    router = await startTestRouter(
      {
        ROUTES_DIR: routes.dir,
        AMQP_EXCHANGE: tap.exchange,
        POLL_TEST_TOKEN: TOKEN,
        POLL_LEASE_TTL: "1s",
        ADMIN_PORT: "0",
        SMTP_URL: smtp.url,
        ALERT_EMAIL_TO: "ops@example.com",
        ALERT_EMAIL_FROM: "router@example.com",
        ALERT_DIGEST_WINDOW: "3s",
      },
      { role: "scheduler" },
    );
    admin = `http://127.0.0.1:${router.adminPort}`;
  });
  afterAll(async () => {
    await router?.close();
    await smtp?.stop();
    await tap?.close();
    await api?.close();
    routes?.cleanup();
  });

  const status = async () => ((await (await fetch(`${admin}/status`)).json()) as { polls: Array<Record<string, unknown>> }).polls[0]!;

  it("reports the poll in /status, counts it in /metrics and records each item as a receipt of its source", async () => {
    await tap.waitFor(7, 10_000);
    await eventually(async () => (await status()).lastSuccess !== null, 10_000, "a successful run in /status");
    const poll = await status();
    expect(poll).toMatchObject({
      source: routes.sourceId,
      lastError: null,
      cursor: new Date(Date.parse(products(7).at(-1)!.updatedAt) - 5 * 60_000).toISOString(),
      lastRun: { items: expect.any(Number), pages: expect.any(Number) },
      runInProgress: false,
    });
    expect(["ok", "running"]).toContain(poll.state);
    expect(poll.leaseHolder).toMatch(new RegExp(`/${process.pid}/`));
    expect(poll.lagSeconds).toBeGreaterThan(0);

    const metrics = await (await fetch(`${router.url}/metrics`)).text();
    expect(metrics).toContain(`webhook_router_poll_items_total{source="${routes.sourceId}"} 7`);
    expect(metrics).toMatch(new RegExp(`webhook_router_poll_pages_total\\{source="${routes.sourceId}"\\} \\d+`));
    expect(metrics).toMatch(new RegExp(`webhook_router_poll_last_success_timestamp_seconds\\{source="${routes.sourceId}"\\} \\d+`));
    expect(metrics).toMatch(new RegExp(`webhook_router_poll_lag_seconds\\{source="${routes.sourceId}"\\} \\d+`));

    await eventually(
      async () => ((await (await fetch(`${admin}/events?source=${routes.sourceId}`)).json()) as { events: unknown[] }).events.length === 7,
      5_000,
      "seven receipts in the delivery log",
    );
    // Counted among the sources like a webhook's events, and told apart from them.
    const { sources } = (await (await fetch(`${admin}/status`)).json()) as { sources: Array<Record<string, unknown>> };
    expect(sources).toContainEqual(expect.objectContaining({ id: routes.sourceId, kind: "poll", api: null, received: 7, rejected: 0 }));
  });

  it("sends one email when the API refuses the credential, then at most a digest per window while every run fails, and never the token", async () => {
    const before = smtp.messages.length;
    api.failNext(1_000, 401);
    await eventually(() => smtp.messages.length > before, 10_000, "the poll_failed email");
    const email = smtp.messages[before]!;
    expect(email.headers.get("x-webhook-router-alert")).toBe("poll_failed");
    expect(email.subject).toContain(`poll ${routes.sourceId}: credential refused (401)`);
    expect(email.text).toContain(`webhook-router poll run ${routes.sourceId}`);
    expect(email.text).toContain(`GET ${api.url}/products answered 401`);

    const failedRuns = () => router.logs.filter((line) => line.poll === routes.sourceId && String(line.msg).startsWith("poll failed")).length;
    const runsAtFirstEmail = failedRuns();
    await eventually(() => failedRuns() >= runsAtFirstEmail + 3, 10_000, "three more failed runs");
    expect(smtp.messages.length - before).toBeLessThanOrEqual(2);
    for (const message of smtp.messages) expect(message.text).not.toContain(TOKEN);
    expect(JSON.stringify(router.logs)).not.toContain(TOKEN);

    const poll = await status();
    expect(poll).toMatchObject({ state: expect.stringMatching(/failing|running/), lastError: { message: expect.stringContaining("401") } });
    expect(await (await fetch(`${router.url}/metrics`)).text()).toMatch(
      new RegExp(`webhook_router_poll_failures_total\\{source="${routes.sourceId}",reason="credentials"\\} [1-9]`),
    );

    api.failNext(0, 200);
    await eventually(async () => (await status()).failingSince === null, 10_000, "a successful run after the fix");
  });
});
