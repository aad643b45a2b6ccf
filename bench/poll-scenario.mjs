// Scenario 8 (`poll`): a polling source pulls 10,000 items in pages of 100 from a stand-in API and
// publishes one CloudEvent each (broker confirm per page, cursor committed per page); items/s from
// the router's own "poll run complete" line, and the process's peak RSS. Then the webhook
// reference through the same process (`--role all`, bench/poll-routes): maximum accepted
// requests/s on /webhooks/tracktile, and the ratio of the two.
import { once } from "node:events";
import { createServer } from "node:http";
import { join } from "node:path";
import { CpuMeter } from "./meters.mjs";
import { BROKER_PID, complaints, describe, fmt, withPerRequest } from "./observe.mjs";
import { BENCH_DIR, EXAMPLE_SECRETS, sleep, startRouter } from "./processes.mjs";

const ROUTES_DIR = join(BENCH_DIR, "poll-routes");
const ITEMS = Number(process.env.BENCH_POLL_ITEMS || 10_000);

/** `GET /products?modifiedSince&page&limit`: ITEMS products a second apart, ~300 bytes each, oldest first. */
async function startProductsApi(token) {
  const t0 = Date.parse("2025-06-01T00:00:00Z");
  const items = Array.from({ length: ITEMS }, (_, i) => ({
    id: `prd_${i}`,
    sku: `SKU-${String(i).padStart(6, "0")}`,
    name: `Product ${i} — bench item with a description long enough to look like a real catalogue entry`,
    unit: "each",
    price: (i % 997) / 10,
    active: true,
    updatedAt: new Date(t0 + i * 1000).toISOString(),
  }));
  let pages = 0;
  const server = createServer((request, response) => {
    if (request.headers.authorization !== `Bearer ${token}`) return response.writeHead(401).end();
    const query = new URL(request.url ?? "/", "http://x").searchParams;
    const since = Date.parse(query.get("modifiedSince") ?? "1970-01-01T00:00:00Z");
    const page = Number(query.get("page") ?? 1);
    const limit = Number(query.get("limit") ?? 100);
    const changed = items.filter((item) => Date.parse(item.updatedAt) >= since);
    pages += 1;
    response.writeHead(200, { "content-type": "application/json" });
    response.end(JSON.stringify({ products: changed.slice((page - 1) * limit, page * limit), page, limit, total: changed.length }));
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return { url: `http://127.0.0.1:${server.address().port}`, pages: () => pages, close: () => new Promise((resolve) => server.close(resolve)) };
}

export async function runPoll(ctx) {
  const { config, broker } = ctx;
  const api = await startProductsApi(EXAMPLE_SECRETS.TRACKTILE_API_TOKEN);
  try {
    const exchange = await broker.exchange(`wr-bench.${config.runId}.poll`);
    // A durable queue bound to the exchange, as a consumer's would be: confirms then mean "on disk".
    const queue = `wr-bench.${config.runId}.poll-events`;
    await broker.channel.assertQueue(queue, { durable: true, arguments: { "x-queue-type": "quorum" } });
    await broker.channel.bindQueue(queue, exchange, "#");
    broker.own(queue);
    const env = { ...EXAMPLE_SECRETS, BENCH_POLL_URL: api.url };
    const prefix = `wr-bench.${config.runId}.po.`;
    const start = () =>
      startRouter({ role: "all", routesDir: ROUTES_DIR, exchange, queuePrefix: prefix, amqpUrl: config.amqpUrl, logLevel: config.logLevel, env });
    return await ctx.with(start, async (router, rss) => {
      const cpu = new CpuMeter({ server: router.pid, broker: BROKER_PID });
      const done = await untilRunComplete(router, 300_000);
      const pollCpu = cpu.stop();
      const pollRss = rss.peak;
      const out = {
        items: done.items,
        pages: done.pages,
        seconds: done.ms / 1000,
        itemsPerS: Math.round(done.items / (done.ms / 1000)),
        rssMiB: { peak: pollRss },
        cpu: withPerRequest(pollCpu, done.items),
        queued: await broker.depth(queue),
      };
      ctx.log(
        `poll: ${fmt(out.items)} items in ${fmt(out.pages)} pages in ${out.seconds.toFixed(2)} s = ${fmt(out.itemsPerS)} items/s; peak RSS ${fmt(pollRss)} MiB`,
      );

      await sleep(500);
      const job = {
        mode: "max",
        connections: config.connections,
        warmupS: config.warmupS,
        durationS: config.durationS,
        bodyBytes: 1024,
        poolSize: config.poolSize,
      };
      const loadStarted = Date.now();
      const webhookCpu = new CpuMeter({ server: router.pid, broker: BROKER_PID, load: ctx.load.pid });
      const webhook = await ctx.load.run(
        { url: router.url, path: "/webhooks/tracktile", secret: EXAMPLE_SECRETS.TRACKTILE_WEBHOOK_SECRET, runId: `${config.runId}poll`, ...job },
        { timeoutMs: (job.warmupS + job.durationS) * 1000 + 60_000 },
      );
      webhook.cpu = withPerRequest(webhookCpu.stop(), webhook.warmupAccepted + webhook.accepted);
      webhook.rssMiB = { peak: rss.peak };
      out.webhook = webhook;
      out.pollOverWebhook = Math.round((out.itemsPerS / webhook.acceptedPerS) * 100) / 100;
      out.warningsLogged = complaints(router.log(), loadStarted);
      ctx.log(`webhook reference: ${describe(webhook)}`);
      ctx.log(`poll items/s ÷ webhook 202/s: ${out.pollOverWebhook}`);
      return out;
    });
  } finally {
    await api.close();
  }
}

/** The router's "poll run complete" line: items, pages and the run's own duration (ms). */
async function untilRunComplete(router, timeoutMs) {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; ) {
    for (const line of router.log().split("\n")) {
      if (!line.includes('"poll run complete"')) continue;
      const parsed = JSON.parse(line);
      return { items: parsed.items, pages: parsed.pages, ms: parsed.ms };
    }
    await sleep(200);
  }
  throw new Error(`no "poll run complete" in the router's log within ${timeoutMs / 1000} s`);
}
