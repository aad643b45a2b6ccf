// The ingress scenarios (1–3, and 5's long run): the reference first, then the router, each
// publishing into the same freshly declared route queue so the broker does the same work for both
// and every event is really routed and stored.
import { CpuMeter } from "./meters.mjs";
import { BROKER_PID, complaints, describe, fmt, rssSummary, withPerRequest } from "./observe.mjs";
import { EXAMPLE_SECRETS, sleep, startReference, startRouter } from "./processes.mjs";
import { freshRouteQueues, ingressPrefix, ROUTES_DIR, WEBHOOK_PATH } from "./route-queues.mjs";

export const referenceTarget = (ctx, exchange) => ({ label: "reference", start: () => startReference({ exchange, amqpUrl: ctx.config.amqpUrl }) });

export const routerTarget = (ctx, exchange, logLevel) => ({
  label: `router LOG_LEVEL=${logLevel}`,
  logLevel,
  start: () =>
    startRouter({
      role: "ingress",
      routesDir: ROUTES_DIR,
      exchange,
      queuePrefix: ingressPrefix(ctx.config.runId),
      amqpUrl: ctx.config.amqpUrl,
      logLevel,
    }),
});

/** Runs one closed- or open-loop job against each target in turn; one server per target. */
export async function ingressScenario(ctx, { targets, jobs }) {
  const exchange = await ctx.broker.exchange(`wr-bench.${ctx.config.runId}.ingress`);
  const out = {};
  for (const target of targets(exchange)) {
    const { queues } = await freshRouteQueues({ broker: ctx.broker, exchange, prefix: ingressPrefix(ctx.config.runId) });
    const queue = queues.main;
    out[target.label] = await ctx.with(target.start, async (server, rss) => {
      await sleep(500);
      rss.mark("start");
      const loadStarted = Date.now();
      const results = {};
      for (const [name, job] of Object.entries(jobs)) {
        const timeoutMs = ((job.warmupS ?? 0) + (job.durationS ?? 0)) * 1000 + 60_000;
        const cpu = new CpuMeter({ server: server.pid, broker: BROKER_PID, load: ctx.load.pid });
        const result = await ctx.load.run(
          { url: server.url, path: WEBHOOK_PATH, secret: EXAMPLE_SECRETS.TRACKTILE_WEBHOOK_SECRET, runId: `${ctx.config.runId}${name}`, ...job },
          { timeoutMs },
        );
        result.cpu = withPerRequest(cpu.stop(), result.warmupAccepted + result.accepted);
        results[name] = result;
      }
      rss.mark("end");
      await sleep(300);
      const stored = await ctx.broker.depth(queue).catch(() => undefined);
      // A few more stored than counted is normal: autocannon drops the requests in flight when a
      // run ends, after the server has published them. Fewer would be a lost event.
      const acceptedInAll = Object.values(results).reduce((n, r) => n + r.warmupAccepted + r.accepted, 0);
      if (stored < acceptedInAll) ctx.log(`${target.label}: LOST EVENTS? ${fmt(acceptedInAll)} accepted (202) but ${fmt(stored)} in the route queue`);
      const logged = complaints(server.log(), loadStarted);
      const rssMiB = rssSummary(rss);
      for (const [name, result] of Object.entries(results)) {
        result.rssMiB = rssMiB;
        ctx.log(`${target.label}${Object.keys(jobs).length > 1 ? ` [${name}]` : ""}: ${describe(result)}`);
      }
      if (Object.keys(logged).length > 0) ctx.log(`${target.label} logged: ${JSON.stringify(logged)}`);
      return { ...results, rssMiB, acceptedInAll, storedInQueue: stored, warningsLogged: logged };
    });
  }
  return out;
}

/** N events at full speed through one router; RSS sampled throughout and noted per chunk. */
export async function runLong(ctx) {
  const { config, broker } = ctx;
  const exchange = await broker.exchange(`wr-bench.${config.runId}.ingress`);
  const { queues } = await freshRouteQueues({ broker, exchange, prefix: ingressPrefix(ctx.config.runId) });
  const queue = queues.main;
  const target = routerTarget(ctx, exchange, config.logLevel);
  return ctx.with(target.start, async (server, rss) => {
    await sleep(500);
    rss.mark("start");
    const loadStarted = Date.now();
    const progress = [];
    const cpu = new CpuMeter({ server: server.pid, broker: BROKER_PID, load: ctx.load.pid });
    const result = await ctx.load.run(
      {
        mode: "amount",
        url: server.url,
        path: WEBHOOK_PATH,
        secret: EXAMPLE_SECRETS.TRACKTILE_WEBHOOK_SECRET,
        runId: `${config.runId}long`,
        connections: config.connections,
        amount: config.longEvents,
        bodyBytes: 1024,
        poolSize: Math.min(config.poolSize, config.longEvents),
      },
      {
        // Generous: a quarter of the reference's speed would still finish.
        timeoutMs: Math.max(300_000, (config.longEvents / 500) * 1000),
        onProgress: ({ sent }) => progress.push({ sent, rssMiB: rss.sample() }),
      },
    );
    result.cpu = withPerRequest(cpu.stop(), result.accepted);
    rss.mark("end");
    await sleep(5000);
    rss.mark("idle");
    const summary = {
      ...result,
      label: target.label,
      rssMiB: { start: rss.marks.start, peak: rss.peak, end: rss.marks.end, after5sIdle: rss.marks.idle },
      rssBySent: progress,
      storedInQueue: await broker.depth(queue).catch(() => undefined),
      warningsLogged: complaints(server.log(), loadStarted),
    };
    ctx.log(
      `${fmt(result.accepted)} accepted at ${fmt(result.acceptedPerS)} req/s; RSS start ${summary.rssMiB.start}, peak ${summary.rssMiB.peak}, ` +
        `end ${summary.rssMiB.end}, after 5 s idle ${summary.rssMiB.after5sIdle} MiB; by chunk: ${progress.map((p) => p.rssMiB).join(" → ")}`,
    );
    return summary;
  });
}
