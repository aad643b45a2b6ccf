import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createClaimStore } from "../../../src/state/claim-store.js";
import { openStateDb } from "../../../src/state/state-db.js";
import { FakeOdoo } from "../../helpers/fakes/index.js";
import { DELIVERED, DUPLICATE, HELD_BACK, odooRoute, ordersFor, slowSearches } from "../../helpers/odoo-route.js";
import { eventually, startWorkerHarness, type WorkerHarness } from "../../helpers/worker-setup.js";

const COPIES = 5;
const lines = (harness: WorkerHarness, msg: string) => harness.router.logs.filter((line) => line.msg === msg);

describe("copies of one event arriving together at one worker process", () => {
  let odoo: FakeOdoo;
  let harness: WorkerHarness;

  beforeAll(async () => {
    odoo = await FakeOdoo.start();
    harness = await startWorkerHarness(odooRoute(odoo.url), { LOG_LEVEL: "info", CLAIM_LEASE_MARGIN: "1s" });
  });
  afterAll(async () => {
    await harness?.close();
    await odoo?.close();
  });
  afterEach(() => {
    odoo.requests.length = 0;
    odoo.calls.length = 0;
  });

  it("a sender's retry racing its original: one sale.order, the other copies held back, then duplicates", async () => {
    slowSearches(odoo, COPIES);
    const event = { kind: "order.created", id: "evt-copies", orderId: "PO-COPIES" };
    const answers = await Promise.all(Array.from({ length: COPIES }, () => harness.post(event)));
    expect(answers.map((answer) => answer.status)).toEqual(Array(COPIES).fill(202));

    const settled = () => lines(harness, DELIVERED).length + lines(harness, DUPLICATE).length;
    await eventually(() => settled() === COPIES, 10_000, "every copy settled");
    expect(ordersFor(odoo, "PO-COPIES")).toHaveLength(1);
    expect(odoo.calls.filter((call) => call.method === "create")).toHaveLength(1);
    expect(lines(harness, DELIVERED)).toHaveLength(1);
    expect(lines(harness, DUPLICATE)).toHaveLength(COPIES - 1);
    const held = lines(harness, HELD_BACK);
    // Each copy at least once: the owner's search alone (300 ms) outlasts one hold (150 ms).
    expect(held.length).toBeGreaterThanOrEqual(COPIES - 1);
    // Held back at the same attempt: waiting for another worker costs no retry.
    expect(held.every((line) => line.attempt === 1 && line.delayMs === 150 && typeof line.heldBy === "string")).toBe(true);
    const metrics = await (await fetch(`${harness.router.url}/metrics`)).text();
    expect(metrics).toMatch(/webhook_router_deliveries_total\{route="orders-to-odoo",outcome="busy"\} ([4-9]|\d\d)/);
    expect(metrics).toContain('webhook_router_delivery_attempts_total{route="orders-to-odoo"} 1');
  });

  it("a claim left by a crashed worker holds the event back until it expires, then the event is delivered", async () => {
    // What a worker killed mid-delivery leaves behind: a live claim nobody will release.
    const db = await openStateDb({ dataDir: harness.dataDir });
    try {
      const left = await createClaimStore(db).claim("orders-to-odoo", "evt-orphan", "crashed-host/4242/dead", 600);
      expect(left.kind).toBe("claimed");
    } finally {
      await db.destroy();
    }
    const heldBefore = lines(harness, HELD_BACK).length;
    await harness.post({ kind: "order.created", id: "evt-orphan", orderId: "PO-ORPHAN" });
    await eventually(() => ordersFor(odoo, "PO-ORPHAN").length === 1, 10_000, "the take-over");
    const held = lines(harness, HELD_BACK).slice(heldBefore);
    expect(held.length).toBeGreaterThanOrEqual(1);
    expect(held[0]).toMatchObject({ id: "evt-orphan", heldBy: "crashed-host/4242/dead" });
    expect(odoo.calls.filter((call) => call.method === "create")).toHaveLength(1);
  });
});
