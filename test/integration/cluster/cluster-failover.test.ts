import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clusterNode, missingServer, startCluster, startNode, stopCluster, stopNode } from "../../../scripts/rabbit-cluster.mjs";
import { connectOnce } from "../../../src/broker/connection.js";
import { routeQueues } from "../../../src/broker/route-topology.js";
import { FakeHttpSink } from "../../helpers/fakes/index.js";
import { startRouterProcess, type RouterProcess } from "../../helpers/router-process.js";
import { eventually, readyz, sendEvent } from "../spool/spool-events.js";

/**
 * The real thing: three RabbitMQ nodes on this machine (scripts/rabbit-cluster.mjs), a router
 * process given all three in AMQP_URL, signed webhooks posted steadily, and the node the ingress
 * publishes to stopped under that load. Quorum queues keep the events on the other two nodes.
 */
const missing = missingServer();
const title = missing ? `skipped — ${missing}` : "a router on a three-node RabbitMQ cluster, when the node its ingress is connected to stops";

describe.skipIf(Boolean(missing))(title, () => {
  let startedHere = false;
  let urls = "";
  let sink: FakeHttpSink;
  let router: RouterProcess | undefined;
  let stopped: number | undefined;
  const dirs: string[] = [];
  const prefix = `test.${randomUUID().slice(0, 8)}.`;

  beforeAll(async () => {
    const cluster = await startCluster({ log: (line) => console.log(`rabbit-cluster: ${line}`) });
    startedHere = cluster.bootSeconds > 0;
    urls = cluster.urls;
    sink = await FakeHttpSink.start();
  }, 120_000);

  afterAll(async () => {
    await router?.kill("SIGKILL");
    await sink?.close();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    // The cluster's files (queues included) go with it; one that ran before is left as it was.
    if (startedHere) await stopCluster();
    else {
      if (stopped !== undefined) await startNode(stopped);
      // Nothing to delete when the cluster never came up (beforeAll already failed, saying why).
      if (urls) await deleteQueues(urls, prefix);
    }
  }, 90_000);

  it("answers 202 throughout, delivers every accepted event exactly once, and resumes publishing on another node", async () => {
    const routesDir = routesFor(sink.url);
    const dataDir = mkdtempSync(join(tmpdir(), "wr-cluster-data-"));
    dirs.push(routesDir, dataDir);
    router = await startRouterProcess({
      AMQP_URL: urls,
      ROUTES_DIR: routesDir,
      DATA_DIR: dataDir,
      AMQP_EXCHANGE: `test.events.${randomUUID()}`,
      QUEUE_PREFIX: prefix,
    });
    const running = router;
    await eventually(async () => (await readyz(running.url)).status === 200, 15_000, "ready and consuming");
    await eventually(async () => (await readyz(running.url)).body.events === "broker", 15_000, "publishing to the broker");

    const run = randomUUID().slice(0, 8);
    const accepted: string[] = [];
    const answers = new Map<number, number>();
    let sending = true;
    // Three senders, one request at a time each with a short pause: a steady ~40 requests/s.
    const senders = Array.from({ length: 3 }, async (_, sender) => {
      for (let n = sender; sending; n += 3) {
        const answer = await sendEvent(running.url, "tracktile", run, n);
        answers.set(answer.status, (answers.get(answer.status) ?? 0) + 1);
        if (answer.status === 202) accepted.push(`${run}-tracktile-${n}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    });

    await new Promise((resolve) => setTimeout(resolve, 2000));
    stopped = publishingNode(running);
    const acceptedBefore = accepted.length;
    await stopNode(stopped);
    await new Promise((resolve) => setTimeout(resolve, 3000));
    sending = false;
    await Promise.all(senders);

    await eventually(() => delivered(sink).size >= new Set(accepted).size, 45_000, `all ${accepted.length} accepted events delivered`).catch(
      async (error: Error) => {
        // What a failure needs to be understood: which events are missing and what the router said.
        const missing = accepted.filter((id) => !delivered(sink).has(id));
        const said = running.logs.filter(
          (line) => ["warn", "error", "fatal"].includes(String(line.level)) || missing.some((id) => JSON.stringify(line).includes(id)),
        );
        console.log(`missing ${missing.length}: ${missing.slice(0, 10).join(" ")}\nreadyz ${JSON.stringify((await readyz(running.url)).body)}`);
        for (const line of said.slice(0, 60)) console.log(JSON.stringify(line));
        const file = join(tmpdir(), `cluster-failover-${run}.log`);
        writeFileSync(file, running.logs.map((line) => JSON.stringify(line)).join("\n"));
        console.log(`the router's whole log: ${file}`);
        throw error;
      },
    );
    const byId = delivered(sink);
    const lost = accepted.filter((id) => !byId.has(id));
    const duplicated = [...byId.values()].filter((count) => count > 1).length;
    const resume = resumeTimes(running);
    console.log(
      `cluster failover: stopped rc${stopped}@localhost (the ingress's node); accepted ${accepted.length} (${acceptedBefore} before the stop), ` +
        `delivered ${byId.size}, lost ${lost.length}, duplicated at the target ${duplicated}, answers ${JSON.stringify(Object.fromEntries(answers))}, ` +
        `publishing resumed ${resume.publish} ms after the connection was lost (workers' node: ${resume.workersNode}, resumed ${resume.workers} ms), ` +
        `publish channels renewed after a nack: ${running.logs.filter((line) => String(line.msg).startsWith("the broker refused a publish (nack)")).length}`,
    );
    expect([...answers.keys()].filter((status) => status >= 500)).toEqual([]);
    expect(accepted.length - acceptedBefore).toBeGreaterThan(0); // events kept coming during the fault
    expect(lost).toEqual([]);
    expect(duplicated).toBe(0);
    expect(resume.publish).toBeLessThan(5000);
    // The router is ready again and publishes directly, on one of the two remaining nodes.
    await eventually(async () => (await readyz(running.url)).body.events === "broker", 10_000, "publishing directly again");
  }, 90_000);
});

/** A routes folder: the tracktile source (HMAC-signed, as its real sender signs) and one route to the sink. */
function routesFor(sinkUrl: string): string {
  const dir = mkdtempSync(join(tmpdir(), "wr-cluster-routes-"));
  writeFileSync(
    join(dir, "routes.yaml"),
    `
sources:
  tracktile:
    verify: { preset: tracktile, secrets: [ "\${TRACKTILE_WEBHOOK_SECRET}" ] }
    event: { type: [body:kind, url], id: body:id, subject: body:orderId }
destinations:
  sink: { kind: http, url: "${sinkUrl}/orders", timeoutMs: 2000 }
routes:
  orders:
    events: tracktile.#
    destination: sink
    retry: { attempts: 5, baseDelay: 200ms, maxDelay: 2s }
`,
  );
  return dir;
}

/** The route's queues, on a cluster that stays up after the test. */
async function deleteQueues(urls: string, prefix: string): Promise<void> {
  const connection = await connectOnce(urls, "test cleanup");
  const channel = await connection.createChannel();
  const queues = routeQueues(prefix, "orders");
  const names = [queues.main, queues.dead, queues.busy, ...[2, 3, 4, 5].map((attempt) => queues.retry(attempt))];
  for (const name of names) await channel.deleteQueue(name).catch(() => {});
  await connection.close().catch(() => {});
}

/** Calls the sink received, per event id (its idempotency key): more than one is a duplicate. */
function delivered(sink: FakeHttpSink): Map<string, number> {
  const counts = new Map<string, number>();
  for (const request of sink.requests) {
    const id = request.headers["idempotency-key"];
    if (id) counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

/** Which node (1–3) a connection of the router is on, from its latest "connected" log line. */
function nodeOf(router: RouterProcess, connection: string): number | undefined {
  const line = router.logs.findLast((entry) => entry.connection === connection && entry.msg === "connected to the broker");
  const port = Number(/:(\d+)$/.exec(String(line?.broker ?? ""))?.[1]);
  return [1, 2, 3].find((n) => clusterNode(n).port === port);
}

function publishingNode(router: RouterProcess): number {
  const n = nodeOf(router, "publish");
  if (n === undefined) throw new Error("the router logged no publish connection");
  return n;
}

/** From "lost the broker connection" to the next "connected", per connection (undefined: never lost). */
function resumeTimes(router: RouterProcess): { publish: number; workers: number | undefined; workersNode: string } {
  const gap = (connection: string) => {
    const lost = router.logs.find((entry) => entry.connection === connection && entry.msg === "lost the broker connection; reconnecting");
    if (!lost) return undefined;
    const at = (entry: Record<string, unknown>) => Date.parse(String(entry.time));
    const back = router.logs.find((entry) => entry.connection === connection && entry.msg === "connected to the broker" && at(entry) >= at(lost));
    return back ? at(back) - at(lost) : Number.POSITIVE_INFINITY;
  };
  const workers = gap("workers");
  return { publish: gap("publish") ?? Number.NaN, workers, workersNode: workers === undefined ? "another one, untouched" : "the same" };
}
