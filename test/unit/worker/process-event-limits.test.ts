import { describe, expect, it } from "vitest";
import type { DestinationLimiter, Permit } from "../../../src/worker/destination-limiter.js";
import { processEvent } from "../../../src/worker/process-event.js";
import { event } from "../mapping/route-fixtures.js";
import { processFixture, settle } from "./process-fixture.js";

/** A limiter of our own port that answers as told and counts its permits' releases. */
function limiter(answer: "granted" | "held" | "broken") {
  const released: number[] = [];
  const limiter: DestinationLimiter = {
    key: "destination:sink",
    async acquire() {
      if (answer === "broken") throw new Error("database is locked");
      if (answer === "held") return { kind: "held", pool: "destination:sink:inflight" };
      const permit: Permit = { beforeCall: async () => {}, release: async () => void released.push(1) };
      return { kind: "granted", permit };
    },
  };
  return { limiter, released };
}

describe("one attempt under the destination's limits", () => {
  it("takes a turn, hands the target call its gate, and gives the turn back", async () => {
    const { deps, adapter } = processFixture();
    const { limiter: limits, released } = limiter("granted");
    const outcome = await processEvent({ ...deps, limiter: limits }, event({}), 1);
    expect(outcome.kind).toBe("delivered");
    expect(adapter.deliveries[0]?.gate).toBeDefined();
    expect(released).toHaveLength(1);
  });

  it("holds the event back at the same attempt when no turn comes, without calling the target", async () => {
    const { deps, state, adapter } = processFixture();
    const outcome = await processEvent({ ...deps, limiter: limiter("held").limiter }, event({}), 2);
    expect(outcome).toEqual({ kind: "busy", delayMs: 1000, limit: "destination:sink" });
    expect(adapter.deliveries).toEqual([]);
    await settle();
    expect(state.claims.size).toBe(0);
  });

  it("a state store that cannot answer is a transient failure, before any call", async () => {
    const { deps, adapter } = processFixture();
    const outcome = await processEvent({ ...deps, limiter: limiter("broken").limiter }, event({}), 1);
    expect(outcome).toMatchObject({ kind: "retry", next: 2, error: expect.stringContaining("database is locked") });
    expect(adapter.deliveries).toEqual([]);
  });
});
