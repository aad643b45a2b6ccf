// Scenario 4: a worker draining a pre-filled route queue into the bench's sink.
import { CpuMeter } from "./meters.mjs";
import { BROKER_PID, complaints, fmt, rssSummary, withPerRequest } from "./observe.mjs";
import { sleep, startRouter } from "./processes.mjs";
import { prefilledRoute, ROUTES_DIR } from "./route-queues.mjs";
import { startSink } from "./sink.mjs";

/**
 * Pre-fills the route's queue with N CloudEvents (exactly what ingress would publish), then
 * starts a worker-only router and times the queue draining into the sink. The topology is
 * declared with the router's own code (dist/), so the queue arguments match what the worker
 * declares.
 */
export async function runWorker(ctx) {
  const { config, broker } = ctx;
  const count = config.workerEvents;
  const sink = await startSink();
  try {
    const { exchange, prefix, queues, route, prefillS } = await prefilledRoute({ broker, runId: config.runId, count, sinkUrl: sink.url });
    const queued = await broker.depth(queues.main);
    ctx.log(`pre-filled ${fmt(queued)} events in ${prefillS.toFixed(1)} s (${fmt(Math.round(count / prefillS))}/s, direct to the broker)`);

    const started = performance.now();
    return await ctx.with(
      () =>
        startRouter({
          role: "worker",
          routesDir: ROUTES_DIR,
          exchange,
          queuePrefix: prefix,
          amqpUrl: config.amqpUrl,
          logLevel: config.logLevel,
          env: { BENCH_SINK_URL: sink.url },
        }),
      async (server, rss) => {
        rss.mark("start");
        const loadStarted = Date.now();
        const cpu = new CpuMeter({ server: server.pid, broker: BROKER_PID, sink: process.pid });
        const finished = await sink.until(count, config.workerTimeoutS * 1000);
        const used = withPerRequest(cpu.stop(), sink.distinct);
        rss.mark("end");
        const wallS = (performance.now() - started) / 1000;
        await sleep(500);
        const result = {
          events: count,
          delivered: sink.distinct,
          sinkRequests: sink.requests,
          finished,
          eventsPerS: Math.round((sink.distinct - 1) / sink.spanS),
          eventsPerSIncludingStartup: Math.round(sink.distinct / wallS),
          spanS: Math.round(sink.spanS * 10) / 10,
          concurrency: route.concurrency,
          prefillPerS: Math.round(count / prefillS),
          leftInQueue: await broker.depth(queues.main).catch(() => undefined),
          deadLettered: await broker.depth(queues.dead).catch(() => undefined),
          rssMiB: rssSummary(rss),
          cpu: used,
          warningsLogged: complaints(server.log(), loadStarted),
        };
        ctx.log(
          `${fmt(result.delivered)}/${fmt(count)} delivered${finished ? "" : " (TIMED OUT)"}: ${fmt(result.eventsPerS)} events/s ` +
            `(prefetch ${route.concurrency}), peak RSS ${fmt(result.rssMiB.peak)} MiB, dead-lettered ${fmt(result.deadLettered)}; ` +
            `worker ${fmt(used.server?.usPerRequest)} CPU-µs/event, cores used: worker ${used.server?.coreShare}, broker ${used.broker?.coreShare}, sink ${used.sink?.coreShare}`,
        );
        return result;
      },
    );
  } finally {
    await sink.close();
  }
}
