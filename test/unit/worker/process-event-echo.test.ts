import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DeliveryError } from "../../../src/adapters/port.js";
import { fingerprint } from "../../../src/mapping/fingerprint.js";
import { createEchoStore, type EchoStore } from "../../../src/state/echo-store.js";
import { openStateDb, type StateDb } from "../../../src/state/state-db.js";
import { processEvent } from "../../../src/worker/process-event.js";
import { event } from "../mapping/route-fixtures.js";
import { processFixture } from "./process-fixture.js";

// A route that writes customers to a CRM and reads the CRM's customer events back, as a two-way
// sync's pair of routes would (here one route does both, to keep the fixture small).
const TWO_WAY = {
  mapping: '{ "id": data.customerId, "name": data.name }',
  remember: { system: "crm", entity: "customer", id: "id", fields: ["name"] },
  echo: { system: "crm", entity: "customer", id: "data.customerId", fields: ["data.name"] },
  skipAuthoredBy: { field: "data.updatedBy", users: ["sync-bot"] },
};

describe("a two-way sync's loop breakers in one attempt (SQLite state store)", () => {
  let db: StateDb;
  let echoes: EchoStore;
  const fixture = (fields: Record<string, unknown> = TWO_WAY) => {
    const made = processFixture(fields);
    return { ...made, deps: { ...made.deps, echoes } };
  };
  const remembered = (id: string, name: string) => echoes.match({ system: "crm", entity: "customer", id, fingerprint: fingerprint([name]) });

  beforeAll(async () => {
    db = await openStateDb({ dataDir: mkdtempSync(join(tmpdir(), "wr-echo-")) });
    echoes = createEchoStore(db);
  });
  afterAll(() => db?.destroy());

  it("an event authored by the integration's own user is an echo: no claim, no enrichment, no call", async () => {
    const { deps, adapter, state, enrichments } = fixture();
    const outcome = await processEvent(deps, event({ customerId: "c-1", name: "Acme", updatedBy: "sync-bot" }), 1);
    expect(outcome).toEqual({ kind: "echo", rule: "authored-by", author: "sync-bot" });
    expect(adapter.deliveries).toEqual([]);
    expect(state.claimed).toEqual([]);
    expect(enrichments).toEqual([]);
  });

  it("remembers a write once the destination confirmed it, and recognizes its report coming back", async () => {
    const { deps, adapter } = fixture();
    expect(await processEvent(deps, { ...event({ customerId: "c-2", name: "Borealis" }), id: "evt_w" }, 1)).toMatchObject({ kind: "delivered" });
    expect(adapter.deliveries).toHaveLength(1);
    const report = { ...event({ customerId: "c-2", name: "Borealis", updatedBy: "someone" }), id: "evt_report" };
    expect(await processEvent(deps, report, 1)).toEqual({ kind: "echo", rule: "fingerprint", record: "crm customer c-2", writtenBy: "r" });
    expect(adapter.deliveries).toHaveLength(1);
  });

  it("a report of other values is a real change: delivered, and what was remembered of the record is forgotten", async () => {
    const { deps, adapter } = fixture();
    await processEvent(deps, { ...event({ customerId: "c-3", name: "Old name" }), id: "evt_w3" }, 1);
    const change = { ...event({ customerId: "c-3", name: "New name" }), id: "evt_change" };
    expect(await processEvent(deps, change, 1)).toMatchObject({ kind: "delivered" });
    // That delivery wrote "New name" and remembers it; the first write is forgotten.
    expect(await remembered("c-3", "New name")).toMatchObject({ routeId: "r" });
    expect(await remembered("c-3", "Old name")).toBeUndefined();
    expect(adapter.deliveries).toHaveLength(2);
  });

  it("remembers nothing when the destination refused the write", async () => {
    const { deps, adapter } = fixture();
    adapter.answer = async () => {
      throw new DeliveryError("transient", "HTTP 503", { status: 503 });
    };
    expect(await processEvent(deps, event({ customerId: "c-4", name: "Refused" }), 1)).toMatchObject({ kind: "retry" });
    expect(await remembered("c-4", "Refused")).toBeUndefined();
  });

  it("a remember that cannot name the record dead-letters the event as mapping, before any call", async () => {
    const { deps, adapter } = fixture({ ...TWO_WAY, remember: { ...TWO_WAY.remember, id: "missing" } });
    const outcome = await processEvent(deps, event({ customerId: "c-5", name: "x" }), 1);
    expect(outcome).toMatchObject({ kind: "dead", reason: "mapping", error: expect.stringMatching(/remember\.id produced nothing/) });
    expect(adapter.deliveries).toEqual([]);
  });

  it("a write the store cannot remember is retried (the write is idempotent), never acked unremembered", async () => {
    const failing: EchoStore = { ...echoes, remember: async () => Promise.reject(new Error("database is locked")) };
    const made = processFixture(TWO_WAY);
    const outcome = await processEvent({ ...made.deps, echoes: failing }, event({ customerId: "c-6", name: "x" }), 1);
    expect(outcome).toMatchObject({
      kind: "retry",
      error: expect.stringMatching(/the write was made, but could not be remembered.*database is locked/),
    });
    expect(made.state.record("r", "evt_1")).toMatchObject({ delivered: false });
  });
});
