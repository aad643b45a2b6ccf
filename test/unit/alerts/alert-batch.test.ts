import { describe, expect, it } from "vitest";
import { MAX_LISTED_IDS, addToBatch, mergeInto, requeued, startBatch } from "../../../src/ops/alerts/alert-batch.js";
import { deadLettered } from "./alert-fixtures.js";

const at = (s: number) => new Date(Date.parse("2025-06-03T10:00:00Z") + s * 1000);

describe("alert batches", () => {
  it("keep counts, the first ids, the last alert and every recipient, at a fixed size", () => {
    const batch = startBatch(deadLettered({ eventId: "e0", recipients: ["a@x.io"] }), at(0), true);
    for (let i = 1; i < 100_000; i++)
      addToBatch(batch, deadLettered({ eventId: `e${i}`, reason: i % 2 ? "exhausted" : "permanent", recipients: ["b@x.io"] }), at(i));
    expect(batch.events).toBe(100_000);
    expect(batch.eventIds).toHaveLength(MAX_LISTED_IDS);
    expect(batch.eventIds[0]).toBe("e0");
    expect(batch.last).toMatchObject({ eventId: "e99999" });
    expect(Object.fromEntries(batch.reasons)).toEqual({ exhausted: 50_001, permanent: 49_999 });
    expect([...batch.recipients]).toEqual(["a@x.io", "b@x.io"]);
    expect(batch.lastAt).toEqual(at(99_999));
  });

  it("sum verification counts and reasons", () => {
    const alert = { kind: "verification_failures", sourceId: "s", count: 20, reasons: { bad_signature: 20 }, firstAt: at(-30) } as const;
    const batch = startBatch(alert, at(0), false);
    addToBatch(batch, { ...alert, count: 1, reasons: { missing_signature: 1 }, firstAt: at(5) }, at(5));
    expect(batch.events).toBe(21);
    expect(batch.firstAt).toEqual(at(-30));
    expect(Object.fromEntries(batch.reasons)).toEqual({ bad_signature: 20, missing_signature: 1 });
  });

  it("put a failed batch's older ids first when it rides along with the next digest", () => {
    const failed = startBatch(deadLettered({ eventId: "old" }), at(0), false);
    const pending = startBatch(deadLettered({ eventId: "new" }), at(10), true);
    mergeInto(pending, failed);
    expect(pending.eventIds).toEqual(["old", "new"]);
    expect(pending.events).toBe(2);
    expect(pending.firstAt).toEqual(at(0));
    expect(pending.last).toMatchObject({ eventId: "new" });
    expect(requeued(failed).digest).toBe(true);
  });
});
