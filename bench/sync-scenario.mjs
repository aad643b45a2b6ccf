// Scenario 7 (`sync`): the synchronous API endpoint's latency at a paced rate against a stand-in
// destination, beside the webhook 202's at the same rate through the same ingress (the reference
// of the ratio): an ingress and a worker (bench/sync-routes), paced open-loop load on
// `/webhooks/tracktile`, then on `/api/quote`.
import { join } from "node:path";
import { CpuMeter } from "./meters.mjs";
import { BROKER_PID, complaints, describe, fmt, withPerRequest } from "./observe.mjs";
import { BENCH_DIR, EXAMPLE_SECRETS, sleep, startRouter } from "./processes.mjs";
import { startStandIn } from "./standin.mjs";

const ROUTES_DIR = join(BENCH_DIR, "sync-routes");
const LEGS = { webhook: "/webhooks/tracktile", sync: "/api/quote" };

/** Deletes (and remembers, for the clean-up) every queue the worker will declare for the sync routes. */
async function ownRouteQueues(broker, prefix, env) {
  const { loadRoutes } = await import("../dist/config/load-routes.js");
  const { routeQueues } = await import("../dist/broker/route-topology.js");
  const names = [];
  for (const route of loadRoutes(ROUTES_DIR, env).routes.values()) {
    const queues = routeQueues(prefix, route.id);
    names.push(...[queues.main, queues.dead, queues.busy].filter(Boolean));
    for (let attempt = 2; attempt <= route.retry.attempts; attempt += 1) names.push(queues.retry(attempt));
  }
  await broker.deleteQueues(names);
  broker.own(...names);
}

export async function runSync(ctx) {
  const { config, broker } = ctx;
  const standIn = await startStandIn({ delayMs: config.standInDelayMs });
  try {
    const exchange = await broker.exchange(`wr-bench.${config.runId}.sync`);
    const prefix = `wr-bench.${config.runId}.sy.`;
    const env = { ...EXAMPLE_SECRETS, BENCH_STANDIN_URL: standIn.url };
    await ownRouteQueues(broker, prefix, env);
    const start = (role) => () =>
      startRouter({ role, routesDir: ROUTES_DIR, exchange, queuePrefix: prefix, amqpUrl: config.amqpUrl, logLevel: config.logLevel, env });
    // The worker first: it declares the route queues the ingress's calls go straight to.
    return await ctx.with(start("worker"), (worker, workerRss) =>
      ctx.with(start("ingress"), async (ingress, ingressRss) => {
        await sleep(500);
        const loadStarted = Date.now();
        const out = {};
        for (const [leg, path] of Object.entries(LEGS)) {
          const job = {
            mode: "paced",
            rate: config.syncRate,
            connections: config.connections,
            warmupS: config.warmupS,
            durationS: config.durationS,
            bodyBytes: 1024,
            poolSize: Math.min(config.poolSize, Math.ceil(config.syncRate * (config.warmupS + config.durationS)) + 1000),
          };
          const cpu = new CpuMeter({ server: ingress.pid, worker: worker.pid, broker: BROKER_PID, load: ctx.load.pid });
          const calls = standIn.calls;
          const result = await ctx.load.run(
            { url: ingress.url, path, secret: EXAMPLE_SECRETS.TRACKTILE_WEBHOOK_SECRET, runId: `${config.runId}${leg}`, ...job },
            { timeoutMs: (job.warmupS + job.durationS) * 1000 + 60_000 },
          );
          result.cpu = withPerRequest(cpu.stop(), result.warmupAccepted + result.accepted);
          result.standInCalls = standIn.calls - calls;
          result.rssMiB = { peak: ingressRss.peak, workerPeak: workerRss.peak };
          out[leg] = result;
          ctx.log(`${leg} ${path}: ${describe(result)}; stand-in called ${fmt(result.standInCalls)} times`);
        }
        const ratio = (q) => round2(out.sync.latencyMs[q] / out.webhook.latencyMs[q]);
        out.syncOverWebhook = { p50: ratio("p50"), p99: ratio("p99") };
        out.standInDelayMs = config.standInDelayMs;
        out.rate = config.syncRate;
        out.warningsLogged = { ingress: complaints(ingress.log(), loadStarted), worker: complaints(worker.log(), loadStarted) };
        ctx.log(`sync ÷ webhook 202 at ${fmt(config.syncRate)} req/s: p50 ${out.syncOverWebhook.p50}, p99 ${out.syncOverWebhook.p99}`);
        if (Object.keys(out.warningsLogged.ingress).length + Object.keys(out.warningsLogged.worker).length > 0)
          ctx.log(`logged: ${JSON.stringify(out.warningsLogged)}`);
        return out;
      }),
    );
  } finally {
    await standIn.close();
  }
}

const round2 = (n) => Math.round(n * 100) / 100;
