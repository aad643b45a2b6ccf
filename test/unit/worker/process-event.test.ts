import { describe, expect, it } from "vitest";
import { TemplateValueError } from "../../../src/adapters/template.js";
import { MappingError } from "../../../src/mapping/apply-route.js";
import { processEvent } from "../../../src/worker/process-event.js";
import { event } from "../mapping/route-fixtures.js";
import { processFixture, settle } from "./process-fixture.js";

describe("one attempt at one event: what it comes to", () => {
  it("an event the target accepts is delivered, recorded with the target's id, and its claim released", async () => {
    const { deps, state, adapter } = processFixture({ mapping: "{ 'order': data.orderId }" });
    const outcome = await processEvent(deps, event({ orderId: 7 }), 1);
    expect(outcome).toEqual({ kind: "delivered", receipt: { status: 201, targetId: "T-1" }, targetMs: expect.any(Number) });
    expect(adapter.deliveries).toHaveLength(1);
    expect(adapter.deliveries[0]).toMatchObject({ eventId: "evt_1", routeId: "r", payload: { order: 7 }, attempt: 1 });
    expect(state.record("r", "evt_1")).toEqual({ delivered: true, targetId: "T-1" });
    await settle();
    expect(state.released).toEqual(state.claimed);
    expect(state.claims.size).toBe(0);
  });

  it("passes the attempt number on to the target", async () => {
    const { deps, adapter } = processFixture();
    await processEvent(deps, event({}), 2);
    expect(adapter.deliveries[0]?.attempt).toBe(2);
  });

  it("a route without a mapping sends the data member's exact text along with the payload", async () => {
    const { deps, adapter } = processFixture();
    const text = '{"specversion":"1.0","id":"evt_1","data":{"amount":1.50,"big":12345678901234567890}}';
    await processEvent(deps, event({ amount: 1.5, big: 12345678901234567000 }), 1, text);
    expect(adapter.deliveries[0]?.payloadJson).toBe('{"amount":1.50,"big":12345678901234567890}');
  });

  it("an event already delivered is a duplicate: the target is not called again", async () => {
    const { deps, state, adapter } = processFixture();
    await state.deliveryStore.markDelivered("r", "evt_1", "T-0");
    expect(await processEvent(deps, event({}), 1)).toEqual({ kind: "duplicate" });
    expect(adapter.deliveries).toEqual([]);
    expect(state.claimed).toEqual([]);
  });

  it("an event another worker is delivering is held back as busy, with the first retry's delay, and its claim left alone", async () => {
    const { deps, state, adapter } = processFixture();
    await state.claimStore.claim("r", "evt_1", "host/2/other", 60_000);
    expect(await processEvent(deps, event({}), 3)).toEqual({ kind: "busy", delayMs: 1000, heldBy: "host/2/other" });
    expect(adapter.deliveries).toEqual([]);
    await settle();
    expect(state.released).toEqual([]);
    expect(state.claims.size).toBe(1);
  });

  it("an event the filter drops makes no call of any kind: no claim, no enrichment, no delivery", async () => {
    const { deps, state, adapter, enrichments } = processFixture({ filter: "data.status = 'shipped'" });
    expect(await processEvent(deps, event({ status: "open" }), 1)).toEqual({ kind: "filtered", stage: "filter" });
    expect(state.claimed).toEqual([]);
    expect(enrichments).toEqual([]);
    expect(adapter.deliveries).toEqual([]);
  });

  it("an event `when` drops after enrichment is filtered at `when`: enriched, not delivered, claim released", async () => {
    const { deps, state, adapter, enrichWith, enrichments } = processFixture({ when: "$order.open" });
    enrichWith(async () => ({ order: { open: false } }));
    expect(await processEvent(deps, event({}), 1)).toEqual({ kind: "filtered", stage: "when" });
    expect(enrichments).toHaveLength(1);
    expect(adapter.deliveries).toEqual([]);
    await settle();
    expect(state.claims.size).toBe(0);
    expect(state.record("r", "evt_1").delivered).toBe(false);
  });

  it("a mapping that yields nothing dead-letters as mapping, without calling the target", async () => {
    const { deps, state, adapter } = processFixture({ mapping: "data.missing" });
    expect(await processEvent(deps, event({}), 1)).toEqual({
      kind: "dead",
      reason: "mapping",
      error: "the mapping produced nothing (undefined) for this event",
    });
    expect(adapter.deliveries).toEqual([]);
    await settle();
    expect(state.claims.size).toBe(0);
  });

  it("an enrichment URL without a value for its placeholder dead-letters as mapping", async () => {
    const { deps, enrichWith } = processFixture();
    enrichWith(async () => {
      throw new MappingError("enrichment order: no value for {event.data.orderId}");
    });
    expect(await processEvent(deps, event({}), 1)).toMatchObject({ kind: "dead", reason: "mapping" });
  });

  it("a destination URL or routing key without a usable value (TemplateValueError) dead-letters as mapping", async () => {
    const { deps, state, adapter } = processFixture();
    adapter.answer = async () => {
      throw new TemplateValueError("no value for {data.sku} in the URL");
    };
    const outcome = await processEvent(deps, event({}), 1);
    expect(outcome).toEqual({ kind: "dead", reason: "mapping", error: "no value for {data.sku} in the URL", targetMs: expect.any(Number) });
    await settle();
    expect(state.claims.size).toBe(0);
    expect(state.record("r", "evt_1").delivered).toBe(false);
  });
});
