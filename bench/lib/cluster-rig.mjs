// One cluster fault scenario's rig: a sink, an ingress and two workers on the three-node cluster
// (all given the three nodes in AMQP_URL), their own exchange, queues and data folders, and the
// clean-up of all of it. The workers share one DATA_DIR, so one SQLite file holds their claims.
import { randomUUID } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { nodeOf, readyz, startRouter, writeRoutes } from "./cluster-processes.mjs";
import { startFaultSink } from "./fault-sink.mjs";

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
export const ROUTE_ID = "orders";

export async function startRig({ urls, ports, sinkDelayMs, leaseMargin, workers = 2 }) {
  const run = randomUUID().slice(0, 8);
  const dir = mkdtempSync(join(tmpdir(), "wr-cluster-faults-"));
  const sink = await startFaultSink({ delayMs: sinkDelayMs });
  writeRoutes(join(dir, "routes"), sink.url);
  const common = {
    AMQP_URL: urls,
    AMQP_EXCHANGE: `wr-faults.${run}.events`,
    QUEUE_PREFIX: `wr-faults.${run}.`,
    ROUTES_DIR: join(dir, "routes"),
    CLAIM_LEASE_MARGIN: leaseMargin,
  };
  const rig = { run, dir, sink, common, ports, ingress: undefined, workers: [] };
  try {
    rig.ingress = await startRouter("ingress", { ...common, DATA_DIR: join(dir, "ingress"), FAULTS_CALLER: "ingress" });
    for (let i = 0; i < workers; i += 1) {
      rig.workers.push(await startRouter("worker", { ...common, DATA_DIR: join(dir, "workers"), FAULTS_CALLER: `worker-${i}` }));
    }
    await waitFor(async () => (await readyz(rig.ingress.url))?.body.events === "broker", 20_000, "the ingress publishing to the broker");
    for (const worker of rig.workers) await waitFor(async () => (await readyz(worker.url))?.status === 200, 20_000, "the workers consuming");
  } catch (error) {
    await stopRig(rig);
    throw error;
  }
  return rig;
}

/** Where each connection is: the ingress's publisher and every worker's consumer, as node numbers. */
export function placement(rig) {
  return {
    publish: nodeOf(rig.ingress, "publish", rig.ports),
    workers: rig.workers.map((worker) => nodeOf(worker, "workers", rig.ports)),
  };
}

/** Kills every process (keeping its log lines in `logDir`), deletes the scenario's queues and exchange, removes its files. */
export async function stopRig(rig, logDir) {
  for (const process of [rig.ingress, ...rig.workers]) await process?.kill("SIGKILL");
  if (logDir) {
    mkdirSync(logDir, { recursive: true });
    for (const router of [rig.ingress, ...rig.workers].filter(Boolean)) {
      writeFileSync(join(logDir, `${router.role}-${router.pid}.log`), router.logs.map((line) => JSON.stringify(line)).join("\n"));
    }
  }
  await rig.sink.close();
  await deleteTopology(rig.common.AMQP_URL, rig.common.QUEUE_PREFIX, rig.common.AMQP_EXCHANGE).catch((error) =>
    process.stderr.write(`cluster-faults: could not delete the queues of ${rig.run}: ${error.message}\n`),
  );
  rmSync(rig.dir, { recursive: true, force: true });
}

async function deleteTopology(urls, prefix, exchange) {
  const { connectOnce } = await import("../../dist/broker/connection.js");
  const { routeQueues } = await import("../../dist/broker/route-topology.js");
  const queues = routeQueues(prefix, ROUTE_ID);
  const names = [queues.main, queues.dead, queues.busy, ...[2, 3, 4, 5].map((attempt) => queues.retry(attempt))];
  const connection = await connectOnce(urls, "cluster-faults cleanup");
  try {
    for (const name of names) {
      const channel = await connection.createChannel();
      await channel.deleteQueue(name).catch(() => {});
      await channel.close().catch(() => {});
    }
    const channel = await connection.createChannel();
    await channel.deleteExchange(exchange).catch(() => {});
  } finally {
    await connection.close().catch(() => {});
  }
}

export async function waitFor(check, ms, what) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check()) return;
    await sleep(100);
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what}`);
}

export { sleep };
