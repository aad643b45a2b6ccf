import { randomUUID } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadRoutes } from "../../../src/config/load-routes.js";
import { FakeLimitedTarget } from "../../helpers/fakes/index.js";
import { startRouterProcess, type RouterProcess } from "../../helpers/router-process.js";
import { deleteRouteQueues } from "../../helpers/router.js";
import { APP_SOURCE, eventually } from "../../helpers/worker-setup.js";

const POSTGRES_URL = process.env.TEST_DATABASE_URL || "postgres://postgres@127.0.0.1:5432/test";
const LIMIT = { requests: 20, perMs: 2000, inFlight: 3, latencyMs: 50 };
const EVENTS = 60;
const tempDir = (prefix: string) => mkdtempSync(join(tmpdir(), prefix));
const count = (process: RouterProcess, msg: string) => process.logs.filter((line) => line.msg === msg).length;

// The destination declares the target's published limits; the target refuses (429) past them.
const limitedRoute = (url: string, key: string) => `
destinations:
  limited:
    kind: http
    url: "${url}/orders"
    timeoutMs: 5000
    limits: { requests: ${LIMIT.requests}, per: ${LIMIT.perMs}ms, inFlight: ${LIMIT.inFlight}, key: "${key}" }
routes:
  orders-to-limited:
    events: app.order.*
    destination: limited
    retry: { attempts: 3, baseDelay: 200ms, maxDelay: 1s, jitter: 0 }
    concurrency: 8
`;

// Three worker processes on one state store hold one budget together.
describe.each([
  ["one SQLite DATA_DIR", (shared: string) => ({ DATA_DIR: shared })],
  ["PostgreSQL (DATABASE_URL)", () => ({ DATA_DIR: tempDir("wr-data-"), DATABASE_URL: POSTGRES_URL })],
])("a destination's limits held by three worker processes sharing %s", (_name, store) => {
  const processes: RouterProcess[] = [];
  const cleanups: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    await Promise.all(processes.splice(0).map((process) => process.kill("SIGKILL")));
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  it("a burst never draws a 429, every event is delivered once, at close to the limit", async () => {
    const target = await FakeLimitedTarget.start(LIMIT);
    cleanups.push(() => target.close());
    const routesDir = tempDir("wr-routes-");
    writeFileSync(join(routesDir, "app.yaml"), APP_SOURCE);
    // A fresh budget key: PostgreSQL keeps slot rows between runs.
    writeFileSync(join(routesDir, "routes.yaml"), limitedRoute(target.url, `test-${randomUUID()}`));
    const env = {
      ROUTES_DIR: routesDir,
      AMQP_EXCHANGE: `test.events.${randomUUID()}`,
      QUEUE_PREFIX: `test.${randomUUID().slice(0, 8)}.`,
      LOG_LEVEL: "info",
    };
    cleanups.push(() => deleteRouteQueues(env.QUEUE_PREFIX, loadRoutes(routesDir, {})));
    const shared = tempDir("wr-data-");
    const roles = ["all", "worker", "worker"] as const;
    for (const role of roles) processes.push(await startRouterProcess({ ...env, ...store(shared) }, { role }));
    for (const process of processes) {
      for (let attempt = 0; attempt < 200 && (await fetch(`${process.url}/readyz`)).status !== 200; attempt += 1) {
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    }

    const post = (i: number) =>
      fetch(`${processes[0]!.url}/webhooks/app`, {
        method: "POST",
        headers: { "x-token": "app-secret" },
        body: JSON.stringify({ kind: "order.created", id: `evt-${randomUUID()}`, orderId: `PO-${i}` }),
      });
    const answers = await Promise.all(Array.from({ length: EVENTS }, (_, i) => post(i)));
    expect(answers.map((answer) => answer.status)).toEqual(Array(EVENTS).fill(202));

    const delivered = () => processes.reduce((sum, process) => sum + count(process, "event delivered"), 0);
    await eventually(() => delivered() === EVENTS, 20_000, "every event delivered");

    expect(target.refused).toEqual([]);
    expect(target.accepted).toHaveLength(EVENTS);
    expect(new Set(target.accepted.map((item) => item.key)).size).toBe(EVENTS);
    // Every process delivered some: the budget was shared, not one process's alone.
    for (const process of processes) expect(count(process, "event delivered")).toBeGreaterThan(0);
    for (const process of processes) expect(count(process, "delivery failed; will retry")).toBe(0);
    // A sliding window of the limit: call k + requests arrives at least `per` after call k — and,
    // to be close to the limit, not much later (each slot is reused within 20% of its window).
    const arrivals = target.accepted.map((item) => item.at).sort((a, b) => a - b);
    const reuse = arrivals.slice(LIMIT.requests).map((at, k) => at - arrivals[k]!);
    expect(Math.min(...reuse)).toBeGreaterThanOrEqual(LIMIT.perMs);
    const mean = reuse.reduce((sum, gap) => sum + gap, 0) / reuse.length;
    expect(mean).toBeLessThanOrEqual(LIMIT.perMs * 1.2);
  }, 60_000);
});
