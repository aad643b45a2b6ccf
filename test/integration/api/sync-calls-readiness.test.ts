import { randomUUID } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import amqplib from "amqplib";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { FakeHttpSink } from "../../helpers/fakes/index.js";
import { AMQP_URL } from "../../helpers/rabbit.js";
import { startTestRouter, type TestRouter } from "../../helpers/router.js";
import { TcpProxy } from "../../helpers/tcp-proxy.js";
import { eventually, readyz } from "../spool/spool-events.js";

const API_SOURCE = `
sources:
  stock:
    verify: { preset: header-token, header: x-token, secret: stock-secret }
    api: { route: stock-lookup, deadline: 3s }
`;
const WEBHOOK_SOURCE = `
  app:
    verify: { preset: header-token, header: x-token, secret: app-secret }
`;
const routes = (sinkUrl: string) => `
destinations:
  erp: { kind: http, url: "${sinkUrl}/stock", timeoutMs: 2000 }
routes:
  stock-lookup: { events: stock.#, destination: erp, sync: true }
`;

interface Setup {
  readonly router: TestRouter;
  readonly proxy: TcpProxy;
  close(): Promise<void>;
}

/** A router (all roles) whose every broker connection runs through a proxy the test can cut. */
async function startBehindProxy(sources: string, sinkUrl: string): Promise<Setup> {
  const proxy = new TcpProxy();
  await proxy.start();
  const routesDir = mkdtempSync(join(tmpdir(), "wr-routes-"));
  writeFileSync(join(routesDir, "routes.yaml"), sources + routes(sinkUrl));
  const exchange = `test.events.${randomUUID()}`;
  const router = await startTestRouter(
    { ROUTES_DIR: routesDir, AMQP_URL: proxy.url(AMQP_URL), AMQP_EXCHANGE: exchange, PUBLISH_TIMEOUT_MS: "300" },
    { role: "all" },
  );
  return {
    router,
    proxy,
    async close() {
      proxy.restore();
      await router.close();
      await proxy.close();
      const connection = await amqplib.connect(AMQP_URL);
      const channel = await connection.createChannel();
      await channel.deleteExchange(exchange).catch(() => {});
      await connection.close();
    },
  };
}

async function callStock(router: TestRouter) {
  const response = await fetch(`${router.url}/api/stock`, { method: "POST", headers: { "x-token": "stock-secret" }, body: '{"sku":"A"}' });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const syncProblem = { code: "sync_calls_down", message: expect.stringContaining("API calls"), at: expect.any(String) };

describe("/readyz and the API endpoints' sync-call channel (direct reply-to)", () => {
  let sink: FakeHttpSink;
  let setup: Setup | undefined;

  beforeAll(async () => {
    sink = await FakeHttpSink.start({ status: 200 });
  });
  afterEach(async () => {
    await setup?.close();
    setup = undefined;
  });
  afterAll(async () => {
    await sink?.close();
  });

  it("an API-only process goes not-ready with the problem listed while its sync channel is down, and ready again once it reconnects", async () => {
    setup = await startBehindProxy(API_SOURCE, sink.url);
    const { router, proxy } = setup;
    expect(await readyz(router.url)).toMatchObject({ status: 200, body: { status: "ready", problems: [] } });
    expect(await callStock(router)).toMatchObject({ status: 200, body: { id: expect.any(String) } });

    proxy.cut();
    await eventually(async () => (await readyz(router.url)).status === 503, 10_000, "not ready");
    const down = await readyz(router.url);
    expect(down.body.status).toBe("not_ready");
    // The spool could take webhooks, but this process has none: the calls are what it is for.
    expect(down.body.events).toBe("spool");
    expect(down.body.problems).toEqual([syncProblem]);
    expect(await callStock(router)).toMatchObject({ status: 503, body: { error: "unavailable" } });

    proxy.restore();
    await eventually(async () => (await readyz(router.url)).status === 200, 15_000, "ready again");
    expect((await readyz(router.url)).body.problems).toEqual([]);
    await eventually(async () => (await callStock(router)).status === 200, 15_000, "calls answered again");
  });

  it("a process that takes webhooks too stays ready on the spool when the whole broker is unreachable, and lists the sync channel", async () => {
    setup = await startBehindProxy(API_SOURCE + WEBHOOK_SOURCE, sink.url);
    const { router, proxy } = setup;
    proxy.cut();
    await eventually(async () => (await readyz(router.url)).body.problems?.length > 0, 10_000, "the problem listed");
    const down = await readyz(router.url);
    expect(down).toMatchObject({ status: 200, body: { status: "ready", events: "spool" } });
    expect(down.body.problems).toEqual([syncProblem]);
    const webhook = await fetch(`${router.url}/webhooks/app/ping`, { method: "POST", headers: { "x-token": "app-secret" }, body: '{"a":1}' });
    expect(webhook.status).toBe(202);
  });
});
