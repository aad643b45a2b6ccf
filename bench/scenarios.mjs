// The scenarios `npm run bench` runs, in this order; `BENCH_ONLY` picks some by name. Each returns
// plain data for the table (report.mjs) and the JSON results file.
import { ingressScenario, referenceTarget, routerTarget, runLong } from "./ingress-scenarios.mjs";
import { runHostile } from "./hostile-scenario.mjs";
import { runPoll } from "./poll-scenario.mjs";
import { runSync } from "./sync-scenario.mjs";
import { runWorker } from "./worker-scenario.mjs";

export const SCENARIOS = {
  throughput: {
    title: "maximum sustained accepted requests/s, 1 KiB signed bodies (reference, router at info and at warn)",
    run: (ctx) =>
      ingressScenario(ctx, {
        targets: (exchange) => [referenceTarget(ctx, exchange), routerTarget(ctx, exchange, "info"), routerTarget(ctx, exchange, "warn")],
        jobs: {
          max: {
            mode: "max",
            connections: ctx.config.connections,
            warmupS: ctx.config.warmupS,
            durationS: ctx.config.durationS,
            bodyBytes: 1024,
            poolSize: ctx.config.poolSize,
          },
        },
      }),
  },

  latency: {
    title: `latency at a fixed ${configuredRate()} requests/s, 1 KiB (paced open loop, and autocannon overallRate)`,
    run: (ctx) =>
      ingressScenario(ctx, {
        targets: (exchange) => [referenceTarget(ctx, exchange), routerTarget(ctx, exchange, ctx.config.logLevel)],
        jobs: {
          paced: {
            mode: "paced",
            rate: ctx.config.rate,
            connections: ctx.config.connections,
            warmupS: ctx.config.warmupS,
            durationS: ctx.config.durationS,
            bodyBytes: 1024,
            poolSize: ctx.config.poolSize,
          },
          // Secondary (bursty by construction, see load.mjs): shorter.
          overallRate: {
            mode: "rate",
            rate: ctx.config.rate,
            connections: ctx.config.rateConnections,
            warmupS: 1,
            durationS: Math.min(10, ctx.config.durationS),
            bodyBytes: 1024,
            poolSize: ctx.config.poolSize,
          },
        },
      }),
  },

  payload64k: {
    title: "64 KiB signed bodies: maximum accepted requests/s and latency",
    run: (ctx) =>
      ingressScenario(ctx, {
        targets: (exchange) => [referenceTarget(ctx, exchange), routerTarget(ctx, exchange, ctx.config.logLevel)],
        jobs: {
          max: {
            mode: "max",
            connections: ctx.config.connections,
            warmupS: ctx.config.warmupS,
            durationS: ctx.config.durationS,
            bodyBytes: 64 * 1024,
            poolSize: Math.min(1000, ctx.config.poolSize),
          },
        },
      }),
  },

  worker: {
    title: "worker: a pre-filled route queue → filter + mapping → dedup → http adapter → sink",
    run: runWorker,
  },

  longrun: {
    title: "memory over a long run: RSS at start, peak and end of N accepted events at full speed",
    run: runLong,
  },

  sync: {
    title: `synchronous API endpoint: p50/p99 at ${Number(process.env.BENCH_SYNC_RATE || 200)} req/s paced against a stand-in destination, beside the webhook 202 at the same rate`,
    run: runSync,
  },

  poll: {
    title:
      "polling source: 10,000 items in pages of 100 from a stand-in API → one confirmed CloudEvent each; then the webhook reference through the same process",
    run: runPoll,
  },

  hostile: {
    title: "hostile clients: 2,000 connections upload 1 MiB junk-signed bodies slowly; an honest sender posts signed 1 KiB beside them",
    run: runHostile,
  },
};

function configuredRate() {
  return Number(process.env.BENCH_RATE || 1000).toLocaleString("en-US");
}
