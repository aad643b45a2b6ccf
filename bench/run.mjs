#!/usr/bin/env node
// `npm run bench`: ingress and worker throughput, latency and memory of the built router, each
// ingress figure next to the same work done by the least code Node allows (reference-server.mjs).
// Options and how to read the output: bench/README.md.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { BenchBroker } from "./broker.mjs";
import { describeMachine, formatMachine } from "./machine.mjs";
import { CpuMeter, RssSampler } from "./meters.mjs";
import { BENCH_DIR, ROUTER_NODE_OPTIONS, sleep, startLoad } from "./processes.mjs";
import { printTable } from "./report.mjs";
import { SCENARIOS } from "./scenarios.mjs";

const env = process.env;
const number = (name, fallback) => {
  const value = env[name];
  if (value === undefined || value === "") return fallback;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0) throw new Error(`${name} must be a positive number, not "${value}"`);
  return parsed;
};
const long = env.BENCH_LONG === "1";

const config = {
  amqpUrl: env.AMQP_URL || "amqp://guest:guest@127.0.0.1:5672",
  durationS: number("BENCH_DURATION", 15),
  warmupS: number("BENCH_WARMUP", 3),
  connections: number("BENCH_CONNECTIONS", 50),
  rate: number("BENCH_RATE", 1000),
  rateConnections: number("BENCH_RATE_CONNECTIONS", 10),
  poolSize: number("BENCH_POOL", 50_000),
  workerEvents: number("BENCH_WORKER_EVENTS", 20_000),
  workerTimeoutS: number("BENCH_WORKER_TIMEOUT", 180),
  longEvents: number("BENCH_LONG_EVENTS", long ? 1_000_000 : 200_000),
  syncRate: number("BENCH_SYNC_RATE", 200),
  standInDelayMs: number("BENCH_STANDIN_DELAY_MS", 2),
  logLevel: env.BENCH_LOG_LEVEL || "info",
  routerNodeOptions: ROUTER_NODE_OPTIONS,
  waitQuietS: env.BENCH_WAIT_QUIET ? number("BENCH_WAIT_QUIET", 0) : 0,
  runId: `${Date.now().toString(36)}${randomBytes(2).toString("hex")}`,
};
const only = (env.BENCH_ONLY || "")
  .split(",")
  .map((name) => name.trim())
  .filter(Boolean);
const unknown = only.filter((name) => !(name in SCENARIOS));
if (unknown.length > 0) {
  console.error(`BENCH_ONLY: unknown scenario(s) ${unknown.join(", ")}; known: ${Object.keys(SCENARIOS).join(", ")}`);
  process.exit(2);
}
const selected = Object.keys(SCENARIOS).filter((name) => only.length === 0 || only.includes(name));

const machine = await describeMachine();
console.log(`webhook-router bench ${config.runId}\n${formatMachine(machine)}`);
// Someone else's build or test run on the same two cores halves the figures: say so up front.
const QUIET_CORES = 0.2;
async function otherCores() {
  const meter = new CpuMeter({});
  await sleep(2000);
  return meter.stop().other.coreShare;
}
/** With BENCH_WAIT_QUIET=<s>: waits (at most that long) until the machine is quiet. */
async function untilQuiet() {
  const deadline = Date.now() + config.waitQuietS * 1000;
  let busy = await otherCores();
  while (busy > QUIET_CORES && Date.now() < deadline) busy = await otherCores();
  return busy;
}
machine.otherCoresBeforeStart = await untilQuiet();
console.log(
  `other processes used ${machine.otherCoresBeforeStart} cores in the 2 s before the start${machine.otherCoresBeforeStart > QUIET_CORES ? ": THE MACHINE IS BUSY, figures will be low and noisy (see the 'other cores' column)" : ""}\n`,
);
console.log(
  `scenarios: ${selected.join(", ")}; ${config.durationS} s measured after ${config.warmupS} s warm-up, ${config.connections} connections\n`,
);

const broker = await BenchBroker.connect(config.amqpUrl);
const load = startLoad();
/** Servers running now, so an interrupt can stop them. */
const running = new Set();
const context = {
  config,
  broker,
  load,
  log: (line) => console.log(`  ${line}`),
  /** Starts a server, samples its RSS, and always stops it; `use(server, sampler)` does the work. */
  async with(start, use) {
    const server = await start();
    running.add(server);
    const sampler = new RssSampler(server.pid);
    try {
      return await use(server, sampler);
    } finally {
      sampler.stop();
      running.delete(server);
      await server.stop();
    }
  },
};

let interrupted = false;
const cleanUp = async () => {
  await Promise.all([...running].map((server) => server.stop().catch(() => {})));
  await load.close().catch(() => {});
  const problems = await broker.cleanUp().catch((error) => [error.message]);
  if (problems.length > 0) console.error(`clean-up problems: ${problems.join("; ")}`);
  await broker.close();
};
process.once("SIGINT", () => {
  interrupted = true;
  console.error("\ninterrupted: stopping servers and deleting the bench's exchanges and queues");
  cleanUp().finally(() => process.exit(130));
});

const results = {};
const started = Date.now();
try {
  for (const name of selected) {
    const scenario = SCENARIOS[name];
    if (config.waitQuietS > 0 && name !== selected[0]) {
      const busy = await untilQuiet();
      if (busy > QUIET_CORES) console.log(`(still ${busy} cores busy elsewhere after waiting ${config.waitQuietS} s: going on)`);
    }
    console.log(`[${name}] ${scenario.title}`);
    const t0 = Date.now();
    try {
      results[name] = await scenario.run(context);
    } catch (error) {
      results[name] = { error: String(error?.message ?? error) };
      console.error(`  failed: ${results[name].error}`);
    }
    console.log(`  (${Math.round((Date.now() - t0) / 1000)} s)`);
    await sleep(1000);
  }
} finally {
  if (!interrupted) await cleanUp();
}
if (interrupted) await new Promise(() => {});

console.log("");
printTable(results, config);
const resultsDir = join(BENCH_DIR, "results");
mkdirSync(resultsDir, { recursive: true });
const file = join(
  resultsDir,
  `${new Date()
    .toISOString()
    .replaceAll(":", "-")
    .replace(/\.\d+Z$/, "Z")}.json`,
);
writeFileSync(file, `${JSON.stringify({ machine, config, totalS: Math.round((Date.now() - started) / 1000), results }, null, 2)}\n`);
console.log(`\nresults: ${file} (${Math.round((Date.now() - started) / 1000)} s in all)`);
process.exitCode = Object.values(results).some((result) => result.error) ? 1 : 0;
