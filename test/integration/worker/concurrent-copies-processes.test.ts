import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import type { EventSummary } from "../../../src/ops/delivery-log/index.js";
import { FakeOdoo } from "../../helpers/fakes/index.js";
import { DELIVERED, DUPLICATE, HELD_BACK, odooRoute, ordersFor, slowSearches } from "../../helpers/odoo-route.js";
import type { RouterProcess } from "../../helpers/router-process.js";
import { adminUrl, count, SHARED_STORES, startWorkerPair } from "../../helpers/worker-pair.js";
import { eventually } from "../../helpers/worker-setup.js";

const run = promisify(execFile);
const COPIES = 6;
/** The burst: this many event ids, each sent BURST_COPIES times. */
const IDS = 12;
const BURST_COPIES = 3;
const ROUTE = "orders-to-odoo";
const settled = (workers: readonly RouterProcess[]) => workers.reduce((sum, worker) => sum + count(worker, DELIVERED) + count(worker, DUPLICATE), 0);

/** The delivery log's summaries of `ids`, as one process's admin API lists them. */
async function listed(worker: RouterProcess, ids: ReadonlySet<string>, since: string): Promise<EventSummary[]> {
  const answer = await fetch(`${adminUrl(worker)}/events?route=${ROUTE}&since=${since}&limit=1000`);
  const { events } = (await answer.json()) as { events: EventSummary[] };
  return events.filter((event) => ids.has(event.id));
}

// Two worker processes on one state store: the copies of one event are split between them by the
// broker, so only a claim both of them see keeps the second search-then-create out.
describe.each(SHARED_STORES)("copies of one event at two worker processes sharing %s", (_name, store) => {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it("Odoo gets exactly one create; the other process holds its copies back, then skips them as duplicates", async () => {
    const odoo = await FakeOdoo.start();
    cleanups.push(() => odoo.close());
    // One takes the webhooks too (the spool is its alone); both consume the route's queue.
    const pair = await startWorkerPair(odooRoute(odoo.url), store);
    cleanups.push(() => pair.close());
    const { workers } = pair;

    slowSearches(odoo, COPIES);
    // A fresh id and reference: PostgreSQL keeps dedup records between runs.
    const id = `evt-${randomUUID()}`;
    const reference = `PO-${id}`;
    const answers = await Promise.all(Array.from({ length: COPIES }, () => pair.post({ kind: "order.created", id, orderId: reference })));
    expect(answers.map((answer) => answer.status)).toEqual(Array(COPIES).fill(202));

    await eventually(() => settled(workers) === COPIES, 15_000, "every copy settled in one of the processes");
    expect(ordersFor(odoo, reference)).toHaveLength(1);
    expect(odoo.calls.filter((call) => call.method === "create")).toHaveLength(1);
    const owner = workers.find((worker) => count(worker, DELIVERED) === 1)!;
    const other = workers.find((worker) => worker !== owner)!;
    expect(count(other, DELIVERED)).toBe(0);
    // The broker gave the other process copies too, and the owner's claim stopped them.
    const heldByOwner = other.logs.filter((line) => line.msg === HELD_BACK && String(line.heldBy).includes(`/${owner.child.pid}/`));
    expect(heldByOwner.length).toBeGreaterThanOrEqual(1);
  });

  it("a burst of duplicated ids: one create per id, and one delivery log — both processes' admin APIs and the CLI list each event once, delivered", async () => {
    const odoo = await FakeOdoo.start();
    cleanups.push(() => odoo.close());
    const pair = await startWorkerPair(odooRoute(odoo.url), store, { ADMIN_PORT: "0" });
    cleanups.push(() => pair.close());
    const { workers } = pair;
    const since = new Date(Date.now() - 1000).toISOString();

    const ids = Array.from({ length: IDS }, () => `evt-${randomUUID()}`);
    slowSearches(odoo, IDS * BURST_COPIES);
    // Each id several times over, interleaved: a sender retrying, a gateway replaying.
    const bodies = Array.from({ length: BURST_COPIES }, () => ids.map((id) => ({ kind: "order.created", id, orderId: `PO-${id}` }))).flat();
    const answers = await Promise.all(bodies.map((body) => pair.post(body)));
    expect(answers.map((answer) => answer.status)).toEqual(Array(bodies.length).fill(202));

    await eventually(() => settled(workers) === bodies.length, 20_000, "every copy settled in one of the processes");
    for (const id of ids) expect(ordersFor(odoo, `PO-${id}`), id).toHaveLength(1);
    expect(odoo.calls.filter((call) => call.method === "create")).toHaveLength(IDS);
    expect(count(workers[0], DELIVERED) + count(workers[1], DELIVERED)).toBe(IDS);
    // Both took part: the claims, not one process doing everything, kept the creates single.
    expect(Math.min(settled([workers[0]]), settled([workers[1]]))).toBeGreaterThan(0);
    expect(count(workers[0], HELD_BACK) + count(workers[1], HELD_BACK)).toBeGreaterThan(0);

    // The log's batches are written asynchronously: wait until every route state is final.
    const wanted = new Set(ids);
    const final = (events: EventSummary[]) => events.length === IDS && events.every((event) => event.routes[0]?.state === "delivered");
    for (let waited = 0; !final(await listed(workers[1], wanted, since)) && waited < 5000; waited += 100) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    for (const worker of workers) {
      const events = await listed(worker, wanted, since);
      expect(events.map((event) => event.id).sort()).toEqual([...ids].sort());
      for (const event of events) {
        expect(event).toMatchObject({ via: "broker", receipts: BURST_COPIES, routes: [{ route: ROUTE, state: "delivered" }] });
      }
    }
    const { stdout } = await run(process.execPath, ["dist/cli/main.js", "events", "--route", ROUTE, "--since", since, "--limit", "1000"], {
      env: { ...process.env, ENV_FILE: "", DATABASE_URL: "", ...pair.storeEnv },
    });
    for (const id of ids) {
      const lines = stdout.split("\n").filter((line) => line.includes(`  ${id}  `));
      expect(lines, id).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`${ROUTE}=delivered\\(\\d+\\)$`));
    }
  });
});
