import { randomUUID } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadRoutes } from "../../../src/config/load-routes.js";
import { FakeOdoo } from "../../helpers/fakes/index.js";
import { DELIVERED, DUPLICATE, HELD_BACK, odooRoute, ordersFor, slowSearches } from "../../helpers/odoo-route.js";
import { startRouterProcess, type RouterProcess } from "../../helpers/router-process.js";
import { deleteRouteQueues } from "../../helpers/router.js";
import { APP_SOURCE, eventually } from "../../helpers/worker-setup.js";

const POSTGRES_URL = process.env.TEST_DATABASE_URL || "postgres://postgres@127.0.0.1:5432/test";
const COPIES = 6;
const tempDir = (prefix: string) => mkdtempSync(join(tmpdir(), prefix));
const count = (process: RouterProcess, msg: string) => process.logs.filter((line) => line.msg === msg).length;

// Two worker processes on one state store: the copies of one event are split between them by the
// broker, so only a claim both of them see keeps the second search-then-create out.
describe.each([
  ["one SQLite DATA_DIR", (shared: string) => ({ DATA_DIR: shared })],
  ["PostgreSQL (DATABASE_URL)", () => ({ DATA_DIR: tempDir("wr-data-"), DATABASE_URL: POSTGRES_URL })],
])("copies of one event at two worker processes sharing %s", (_name, store) => {
  const processes: RouterProcess[] = [];
  const cleanups: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    await Promise.all(processes.splice(0).map((process) => process.kill("SIGKILL")));
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  it("Odoo gets exactly one create; the other process holds its copies back, then skips them as duplicates", async () => {
    const odoo = await FakeOdoo.start();
    cleanups.push(() => odoo.close());
    const routesDir = tempDir("wr-routes-");
    writeFileSync(join(routesDir, "app.yaml"), APP_SOURCE);
    writeFileSync(join(routesDir, "routes.yaml"), odooRoute(odoo.url));
    const env = {
      ROUTES_DIR: routesDir,
      AMQP_EXCHANGE: `test.events.${randomUUID()}`,
      QUEUE_PREFIX: `test.${randomUUID().slice(0, 8)}.`,
      LOG_LEVEL: "info",
      CLAIM_LEASE_MARGIN: "1s",
    };
    cleanups.push(() => deleteRouteQueues(env.QUEUE_PREFIX, loadRoutes(routesDir, {})));
    const shared = tempDir("wr-data-");
    // One takes the webhooks too (the spool is its alone); both consume the route's queue.
    const workers = [
      await startRouterProcess({ ...env, ...store(shared) }, { role: "all" }),
      await startRouterProcess({ ...env, ...store(shared) }, { role: "worker" }),
    ];
    processes.push(...workers);
    for (const worker of workers) {
      for (let attempt = 0; attempt < 200 && (await fetch(`${worker.url}/readyz`)).status !== 200; attempt += 1) {
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    }

    slowSearches(odoo, COPIES);
    // A fresh id and reference: PostgreSQL keeps dedup records between runs.
    const id = `evt-${randomUUID()}`;
    const reference = `PO-${id}`;
    const post = () =>
      fetch(`${workers[0]!.url}/webhooks/app`, {
        method: "POST",
        headers: { "x-token": "app-secret" },
        body: JSON.stringify({ kind: "order.created", id, orderId: reference }),
      });
    const answers = await Promise.all(Array.from({ length: COPIES }, post));
    expect(answers.map((answer) => answer.status)).toEqual(Array(COPIES).fill(202));

    const settled = () => workers.reduce((sum, worker) => sum + count(worker, DELIVERED) + count(worker, DUPLICATE), 0);
    await eventually(() => settled() === COPIES, 15_000, "every copy settled in one of the processes");
    expect(ordersFor(odoo, reference)).toHaveLength(1);
    expect(odoo.calls.filter((call) => call.method === "create")).toHaveLength(1);
    const owner = workers.find((worker) => count(worker, DELIVERED) === 1)!;
    const other = workers.find((worker) => worker !== owner)!;
    expect(count(other, DELIVERED)).toBe(0);
    // The broker gave the other process copies too, and the owner's claim stopped them.
    const heldByOwner = other.logs.filter((line) => line.msg === HELD_BACK && String(line.heldBy).includes(`/${owner.child.pid}/`));
    expect(heldByOwner.length).toBeGreaterThanOrEqual(1);
  });
});
