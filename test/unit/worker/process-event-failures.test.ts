import { describe, expect, it } from "vitest";
import { DeliveryError } from "../../../src/adapters/port.js";
import { EnrichmentError } from "../../../src/worker/enrich.js";
import { processEvent } from "../../../src/worker/process-event.js";
import { event } from "../mapping/route-fixtures.js";
import { processFixture, settle } from "./process-fixture.js";

/** A fixture whose destination always fails with `error`. */
function failingWith(error: unknown) {
  const fixture = processFixture();
  fixture.adapter.answer = async () => {
    throw error;
  };
  return fixture;
}

const unavailable = () => new DeliveryError("transient", "erp answered 503", { status: 503 });

describe("a failed attempt: retry or dead-letter", () => {
  it("a transient failure is retried: next attempt, the backoff's delay, the error and status, the destination named", async () => {
    const { deps, state } = failingWith(unavailable());
    expect(await processEvent(deps, event({}), 1)).toEqual({
      kind: "retry",
      next: 2,
      delayMs: 1000,
      error: "erp answered 503",
      status: 503,
      failedCall: { stage: "destination" },
      targetMs: expect.any(Number),
    });
    await settle();
    expect(state.claims.size).toBe(0);
    expect(state.record("r", "evt_1").delivered).toBe(false);
  });

  it("the delay doubles with each attempt", async () => {
    const { deps } = failingWith(unavailable());
    expect(await processEvent(deps, event({}), 2)).toMatchObject({ kind: "retry", next: 3, delayMs: 2000 });
  });

  it("a target's Retry-After is honoured when longer than the backoff, and capped at maxDelay", async () => {
    const asked = failingWith(new DeliveryError("transient", "429", { status: 429, retryAfterMs: 30_000 }));
    expect(await processEvent(asked.deps, event({}), 1)).toMatchObject({ kind: "retry", next: 2, delayMs: 30_000, status: 429 });
    const hostile = failingWith(new DeliveryError("transient", "429", { status: 429, retryAfterMs: 365 * 86_400_000 }));
    expect(await processEvent(hostile.deps, event({}), 1)).toMatchObject({ kind: "retry", delayMs: 60_000 });
  });

  it("a transient failure on the last attempt dead-letters as exhausted", async () => {
    const { deps, state } = failingWith(unavailable());
    expect(await processEvent(deps, event({}), 3)).toEqual({
      kind: "dead",
      reason: "exhausted",
      error: "erp answered 503 (after 3 attempts)",
      status: 503,
      failedCall: { stage: "destination" },
      targetMs: expect.any(Number),
    });
    await settle();
    expect(state.claims.size).toBe(0);
  });

  it("a permanent failure dead-letters at once, whatever the attempt", async () => {
    const { deps } = failingWith(new DeliveryError("permanent", "erp answered 422: unknown SKU", { status: 422 }));
    expect(await processEvent(deps, event({}), 1)).toEqual({
      kind: "dead",
      reason: "permanent",
      error: "erp answered 422: unknown SKU",
      status: 422,
      failedCall: { stage: "destination" },
      targetMs: expect.any(Number),
    });
  });

  it("rejected credentials dead-letter at once as credentials", async () => {
    const { deps } = failingWith(new DeliveryError("credentials", "erp answered 401", { status: 401 }));
    expect(await processEvent(deps, event({}), 1)).toMatchObject({ kind: "dead", reason: "credentials", status: 401 });
  });

  it("an unexpected error from the destination is retried as transient", async () => {
    const { deps } = failingWith(new TypeError("cannot read properties of undefined"));
    expect(await processEvent(deps, event({}), 1)).toMatchObject({
      kind: "retry",
      next: 2,
      error: "unexpected error: cannot read properties of undefined",
    });
  });

  it("a destination that does not answer within the timeout is aborted, and the attempt retried", async () => {
    const { deps, adapter } = processFixture({}, { timeoutMs: 20 });
    adapter.answer = ({ signal }) =>
      new Promise((_, reject) =>
        signal.addEventListener("abort", () => reject(new DeliveryError("transient", `timed out: ${(signal.reason as Error).name}`))),
      );
    expect(await processEvent(deps, event({}), 1)).toMatchObject({ kind: "retry", next: 2, error: "timed out: TimeoutError" });
  });

  it("a delivery whose record cannot be written is retried (the target's idempotency makes that safe)", async () => {
    const { deps, state, adapter } = processFixture();
    state.markFailure = new Error("SQLITE_BUSY: database is locked");
    expect(await processEvent(deps, event({}), 1)).toMatchObject({
      kind: "retry",
      next: 2,
      error: "unexpected error: SQLITE_BUSY: database is locked",
    });
    expect(adapter.deliveries).toHaveLength(1);
    await settle();
    expect(state.claims.size).toBe(0);
  });
});

describe("a state store that cannot answer the claim", () => {
  it("is a transient failure: retried, the target never called, no call named as failed", async () => {
    const { deps, state, adapter, enrichments } = processFixture();
    state.claimFailure = new Error("connection terminated");
    expect(await processEvent(deps, event({}), 1)).toEqual({
      kind: "retry",
      next: 2,
      delayMs: 1000,
      error: "could not claim the event in the state store: connection terminated",
      status: undefined,
      failedCall: undefined,
    });
    expect(enrichments).toEqual([]);
    expect(adapter.deliveries).toEqual([]);
  });
});

describe("a failed enrichment", () => {
  const enrichmentFailure = (kind: DeliveryError["kind"], status: number) =>
    new EnrichmentError(new DeliveryError(kind, `crm answered ${status}`, { status }), "order", "GET crm.example.com/orders/7");

  it("is retried like a delivery, names the step and its call, and never calls the destination", async () => {
    const { deps, state, adapter, enrichWith } = processFixture();
    enrichWith(async () => {
      throw enrichmentFailure("transient", 503);
    });
    expect(await processEvent(deps, event({}), 1)).toEqual({
      kind: "retry",
      next: 2,
      delayMs: 1000,
      error: "crm answered 503",
      status: 503,
      failedCall: { stage: "enrichment", step: "order", call: "GET crm.example.com/orders/7" },
    });
    expect(adapter.deliveries).toEqual([]);
    await settle();
    expect(state.claims.size).toBe(0);
  });

  it("with rejected credentials dead-letters at once, still naming the enrichment", async () => {
    const { deps, enrichWith } = processFixture();
    enrichWith(async () => {
      throw enrichmentFailure("credentials", 403);
    });
    expect(await processEvent(deps, event({}), 1)).toMatchObject({
      kind: "dead",
      reason: "credentials",
      status: 403,
      failedCall: { stage: "enrichment", step: "order" },
    });
  });
});
