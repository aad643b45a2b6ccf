#!/usr/bin/env node
// Fault scenarios on a real three-node RabbitMQ cluster (scripts/rabbit-cluster.mjs): under
// steady signed load through an ingress and two workers, a worker SIGKILLed mid-delivery, the
// route queue's leader node stopped, and two nodes of three stopped (quorum lost) then one
// restarted. Prints a Markdown table and writes bench/results/cluster-faults-<time>.json, and the
// router processes' logs beside it in cluster-faults-<time>/.
//
//   npm run faults:cluster        (builds, then about 2–3 minutes here)
//
// Starts the cluster when it does not run and stops it at the end (a cluster that already ran is
// left running, as it was). Never touches the broker on 5672. Options (environment):
// FAULTS_RATE (requests/s, 50), FAULTS_ONLY (comma-separated name prefixes), FAULTS_SINK_DELAY_MS
// (the target's answer delay, 100), FAULTS_LEASE_MARGIN (the workers' CLAIM_LEASE_MARGIN, 3s),
// FAULTS_WARMUP_MS (steady load before each fault, 3000). Exits 1 if an event was lost or
// duplicated, a 5xx was answered, or a scenario failed.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { clusterNode, clusterStatus, missingServer, NODE_COUNT, startCluster, stopCluster } from "../scripts/rabbit-cluster.mjs";
import { measure } from "./lib/cluster-measure.mjs";
import { formatTable } from "./lib/cluster-report.mjs";
import { sleep, startRig, stopRig, waitFor } from "./lib/cluster-rig.mjs";
import { SCENARIOS } from "./lib/cluster-scenarios.mjs";
import { startLoad } from "./lib/signed-load.mjs";

const options = {
  rate: Number(process.env.FAULTS_RATE || 50),
  only: process.env.FAULTS_ONLY?.split(",").map((name) => name.trim().toLowerCase()),
  sinkDelayMs: Number(process.env.FAULTS_SINK_DELAY_MS ?? 100),
  leaseMargin: process.env.FAULTS_LEASE_MARGIN || "3s",
  warmupMs: Number(process.env.FAULTS_WARMUP_MS || 3000),
};
const log = (line) => process.stderr.write(`cluster-faults: ${line}\n`);

async function main() {
  const missing = missingServer();
  if (missing) throw new Error(missing);
  if (!existsSync("dist/cli/main.js")) throw new Error("dist/ is missing: run `npm run build` (or `npm run faults:cluster`, which builds)");
  const began = Date.now();
  const cluster = await startCluster({ log });
  const startedHere = cluster.bootSeconds > 0;
  const host = machine();
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  const logDir = join("bench/results", `cluster-faults-${stamp}`);
  const rows = [];
  try {
    for (const scenario of SCENARIOS) {
      if (options.only && !options.only.some((name) => scenario.name.toLowerCase().startsWith(name))) continue;
      await startCluster({ log }); // every scenario starts on three running nodes
      log(`running: ${scenario.name}`);
      rows.push(
        await runScenario(scenario, cluster.urls, join(logDir, scenario.slug)).catch((error) => ({ name: scenario.name, error: error.message })),
      );
      log(`done: ${JSON.stringify(rows.at(-1))}`);
    }
  } finally {
    if (startedHere && !process.env.FAULTS_KEEP_CLUSTER) await stopCluster({ log });
  }
  const report = { date: new Date().toISOString(), seconds: Math.round((Date.now() - began) / 1000), machine: host, options, rows };
  mkdirSync("bench/results", { recursive: true });
  const file = `${logDir}.json`;
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  console.log(formatTable(report));
  console.log(`\n${file} (the router processes' logs in ${logDir}/)`);
  const bad = rows.some((row) => row.error || row.lost > 0 || row.duplicated > 0 || row.fiveXx > 0);
  process.exitCode = bad ? 1 : 0;
}

async function runScenario(scenario, urls, logDir) {
  const ports = Array.from({ length: NODE_COUNT }, (_, i) => clusterNode(i + 1).port);
  const rig = await startRig({ urls, ports, sinkDelayMs: options.sinkDelayMs, leaseMargin: options.leaseMargin });
  let state = {};
  let load;
  try {
    state = (await scenario.prepare?.({ rig })) ?? {};
    load = startLoad({ url: () => rig.ingress.url, rate: options.rate, run: rig.run });
    await sleep(options.warmupMs);
    const { faultAt, killed, recoveredAt, notes } = await scenario.fault({ rig, hold: sleep, state, log });
    const interference = await othersDown(scenario.expectDown(state));
    const loadEndedAt = Date.now();
    const results = await load.stop();
    load = undefined;
    const all = () => [...results.accepted.keys()].every((id) => rig.sink.calls.has(id));
    const drainedAt = await waitFor(all, 60_000, "every accepted event at the target").then(
      () => Date.now(),
      () => undefined,
    );
    await sleep(1500); // late copies
    return { name: scenario.name, notes: notes + interference, ...measure({ rig, results, faultAt, killed, recoveredAt, loadEndedAt, drainedAt }) };
  } finally {
    await load?.stop();
    await scenario.restore({ state }).catch((error) => log(`restoring the cluster failed: ${error.message}`));
    await stopRig(rig, logDir);
  }
}

/**
 * Nodes down that the scenario did not stop: another run using the same cluster (the integration
 * test cluster-failover.test.ts stops and restarts a node of a cluster that already runs).
 */
async function othersDown(expected) {
  const down = (await clusterStatus()).filter((node) => !node.running && !expected.includes(node.n));
  if (down.length === 0) return "";
  log(`warning: ${down.map((node) => node.name).join(", ")} down, not stopped by this scenario`);
  return `; WARNING: ${down.map((node) => node.name).join(", ")} found down, stopped by someone else: this row is not this scenario alone`;
}

function machine() {
  const quiet = (file, args) => {
    try {
      return execFileSync(file, args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    } catch {
      return undefined;
    }
  };
  return {
    node: process.version,
    commit: quiet("git", ["rev-parse", "--short", "HEAD"]),
    rabbitmq: quiet("rabbitmqctl", ["version"]),
    cores: (quiet("nproc", []) ?? "?").toString(),
  };
}

main().catch((error) => {
  process.stderr.write(`cluster-faults: ${error.message}\n`);
  process.exitCode = 1;
});
