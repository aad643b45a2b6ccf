#!/usr/bin/env node
// CPU profile of the router under load: where the time goes, by function, by package and by
// owner (see cpuprofile-summary.mjs), in µs per request. Builds, starts the target with
// `node --cpu-prof`, drives it, stops it with SIGTERM (it exits cleanly, so V8 writes the
// profile), and summarises the .cpuprofile.
//
//   node bench/profile.mjs                       the router's ingress under scenario 1 (1 KiB, max)
//   BENCH_PROFILE_TARGET=reference node bench/profile.mjs   the same load on reference-server.mjs
//   BENCH_PROFILE_TARGET=worker node bench/profile.mjs      a worker draining a pre-filled queue
// Options (environment): BENCH_DURATION (20), BENCH_WARMUP (3), BENCH_CONNECTIONS (50),
// BENCH_LOG_LEVEL (info), BENCH_WORKER_EVENTS (20000), BENCH_PROFILE_INTERVAL_US (1000),
// BENCH_NO_BUILD=1 (skip `npm run build`), AMQP_URL.
// Writes bench/results/profile-<target>-<time>/ with the .cpuprofile (open it in Chrome DevTools
// or speedscope) and summary.json.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BenchBroker } from "./broker.mjs";
import { formatSummary, summarizeProfile } from "./cpuprofile-summary.mjs";
import { describeMachine, formatMachine } from "./machine.mjs";
import { brokerPid, CpuMeter, RssSampler } from "./meters.mjs";
import { BENCH_DIR, EXAMPLE_SECRETS, ROOT, startLoad, startReference, startRouter } from "./processes.mjs";
import { freshRouteQueues, ingressPrefix, prefilledRoute, ROUTES_DIR, WEBHOOK_PATH } from "./route-queues.mjs";
import { startSink } from "./sink.mjs";

const env = process.env;
const target = env.BENCH_PROFILE_TARGET || "router";
if (!["router", "reference", "worker"].includes(target)) {
  console.error(`BENCH_PROFILE_TARGET must be router, reference or worker, not "${target}"`);
  process.exit(2);
}
const durationS = Number(env.BENCH_DURATION || 20);
const warmupS = Number(env.BENCH_WARMUP || 3);
const connections = Number(env.BENCH_CONNECTIONS || 50);
const logLevel = env.BENCH_LOG_LEVEL || "info";
const workerEvents = Number(env.BENCH_WORKER_EVENTS || 20_000);
const intervalUs = Number(env.BENCH_PROFILE_INTERVAL_US || 1000);
const amqpUrl = env.AMQP_URL || "amqp://guest:guest@127.0.0.1:5672";
const runId = `p${Date.now().toString(36)}${randomBytes(2).toString("hex")}`;

if (env.BENCH_NO_BUILD !== "1") {
  const build = spawnSync("npm", ["run", "build"], { cwd: ROOT, stdio: "inherit" });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

console.log(formatMachine(await describeMachine()));
const stamp = new Date()
  .toISOString()
  .replaceAll(":", "-")
  .replace(/\.\d+Z$/, "Z");
const outDir = join(BENCH_DIR, "results", `profile-${target}-${stamp}`);
mkdirSync(outDir, { recursive: true });
const profiling = ["--cpu-prof", `--cpu-prof-dir=${outDir}`, `--cpu-prof-interval=${intervalUs}`];

const broker = await BenchBroker.connect(amqpUrl);
const load = startLoad();
let server;
let sink;

/** Drives the ingress (router or reference) like scenario 1; resolves with what was measured. */
async function driveIngress(url) {
  const result = await load.run(
    {
      mode: "max",
      url,
      path: WEBHOOK_PATH,
      secret: EXAMPLE_SECRETS.TRACKTILE_WEBHOOK_SECRET,
      runId,
      connections,
      warmupS,
      durationS,
      bodyBytes: 1024,
      poolSize: 50_000,
    },
    { timeoutMs: (warmupS + durationS) * 1000 + 60_000 },
  );
  const l = result.latencyMs;
  return {
    result,
    requests: result.warmupAccepted + result.accepted,
    line: `${result.acceptedPerS} req/s accepted (non-2xx ${result.non2xx}), p50 ${l.p50} p99 ${l.p99} ms`,
  };
}

try {
  let measured;
  let cpu;
  let rss;
  if (target === "worker") {
    sink = await startSink();
    const { exchange, prefix } = await prefilledRoute({ broker, runId, count: workerEvents, sinkUrl: sink.url });
    server = await startRouter({
      role: "worker",
      routesDir: ROUTES_DIR,
      exchange,
      queuePrefix: prefix,
      amqpUrl,
      logLevel,
      nodeArgs: profiling,
      env: { BENCH_SINK_URL: sink.url },
    });
    rss = new RssSampler(server.pid);
    cpu = new CpuMeter({ server: server.pid, broker: brokerPid(), sink: process.pid });
    console.log(`\nprofiling a worker (LOG_LEVEL=${logLevel}) draining ${workerEvents} events into the sink`);
    const finished = await sink.until(workerEvents, 300_000);
    measured = {
      requests: sink.distinct,
      line: `${sink.distinct} events delivered${finished ? "" : " (TIMED OUT)"}, ${Math.round((sink.distinct - 1) / sink.spanS)} events/s`,
    };
  } else {
    const exchange = await broker.exchange(`wr-bench.${runId}.ingress`);
    const prefix = ingressPrefix(runId);
    await freshRouteQueues({ broker, exchange, prefix });
    server =
      target === "router"
        ? await startRouter({ role: "ingress", routesDir: ROUTES_DIR, exchange, queuePrefix: prefix, amqpUrl, logLevel, nodeArgs: profiling })
        : await startReference({ exchange, amqpUrl, nodeArgs: profiling });
    rss = new RssSampler(server.pid);
    cpu = new CpuMeter({ server: server.pid, broker: brokerPid(), load: load.pid });
    console.log(
      `\nprofiling the ${target}${target === "router" ? ` (LOG_LEVEL=${logLevel})` : ""}: ${warmupS} s warm-up + ${durationS} s at ${connections} connections, 1 KiB`,
    );
    measured = await driveIngress(server.url);
  }
  const used = cpu.stop();
  rss.stop();
  console.log(
    `${measured.line}; ${Math.round((used.server.cpuS / measured.requests) * 1e6)} CPU-µs per request; peak RSS ${rss.peak} MiB; ` +
      `cores: ${target} ${used.server.coreShare}, broker ${used.broker?.coreShare}, other ${used.other.coreShare} (profiling adds overhead)`,
  );
  await server.stop();
  server = undefined;

  const file = readdirSync(outDir).find((name) => name.endsWith(".cpuprofile"));
  if (!file) throw new Error(`no .cpuprofile in ${outDir}: did the ${target} exit cleanly on SIGTERM?`);
  const summary = summarizeProfile(JSON.parse(readFileSync(join(outDir, file), "utf8")), 25, measured.requests);
  writeFileSync(join(outDir, "summary.json"), `${JSON.stringify({ target, logLevel, measured, cpu: used, summary }, null, 2)}\n`);
  console.log(`\n${formatSummary(summary)}\n\nprofile: ${join(outDir, file)}`);
} finally {
  await server?.stop().catch(() => {});
  await sink?.close();
  await load.close();
  const problems = await broker.cleanUp();
  if (problems.length > 0) console.error(`clean-up problems: ${problems.join("; ")}`);
  await broker.close();
}
