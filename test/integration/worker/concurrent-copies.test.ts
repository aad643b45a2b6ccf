import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createClaimStore } from "../../../src/state/claim-store.js";
import { openStateDb } from "../../../src/state/state-db.js";
import { FakeOdoo } from "../../helpers/fakes/index.js";
import { eventually, startWorkerHarness, type WorkerHarness } from "../../helpers/worker-setup.js";

/**
 * A search-then-create target (Odoo, found by client_order_ref) behind a route with room for
 * every copy at once (prefetch 8), and a short base delay: the delay a held-back copy waits.
 */
export const odooRoute = (odooUrl: string) => `
destinations:
  erp: { kind: odoo, api: json2, url: "${odooUrl}", database: odoo, login: api@example.com, apiKey: odoo-api-key-secret, timeoutMs: 5000 }
routes:
  orders-to-odoo:
    events: app.order.*
    mapping: '{ "model": "sale.order", "reference": { "field": "client_order_ref", "value": data.orderId }, "values": { "partner_id": 15 } }'
    destination: erp
    retry: { attempts: 3, baseDelay: 150ms, maxDelay: 1s, jitter: 0 }
    concurrency: 8
`;

/** Odoo answers every search late, so every copy in flight has searched before any creates. */
export const slowSearches = (odoo: FakeOdoo, count: number) => odoo.delayNext(count, 300, (request) => request.path.endsWith("/search_read"));

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

    const settled = () => lines(harness, "event delivered").length + lines(harness, "event already delivered; skipped").length;
    await eventually(() => settled() === COPIES, 10_000, "every copy settled");
    expect(odoo.records("sale.order").filter((order) => order.client_order_ref === "PO-COPIES")).toHaveLength(1);
    expect(odoo.calls.filter((call) => call.method === "create")).toHaveLength(1);
    expect(lines(harness, "event delivered")).toHaveLength(1);
    expect(lines(harness, "event already delivered; skipped")).toHaveLength(COPIES - 1);
    const held = lines(harness, "event being delivered by another worker; held back");
    // Each copy at least once: the owner's search alone (300 ms) outlasts one hold (150 ms).
    expect(held.length).toBeGreaterThanOrEqual(COPIES - 1);
    // Held back at the same attempt: waiting for another worker costs no retry.
    expect(held.every((line) => line.attempt === 1 && line.delayMs === 150 && typeof line.heldBy === "string")).toBe(true);
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
    const heldBefore = lines(harness, "event being delivered by another worker; held back").length;
    await harness.post({ kind: "order.created", id: "evt-orphan", orderId: "PO-ORPHAN" });
    await eventually(() => odoo.records("sale.order").some((order) => order.client_order_ref === "PO-ORPHAN"), 10_000, "the take-over");
    const held = lines(harness, "event being delivered by another worker; held back").slice(heldBefore);
    expect(held.length).toBeGreaterThanOrEqual(1);
    expect(held[0]).toMatchObject({ id: "evt-orphan", heldBy: "crashed-host/4242/dead" });
    expect(odoo.calls.filter((call) => call.method === "create")).toHaveLength(1);
  });
});
