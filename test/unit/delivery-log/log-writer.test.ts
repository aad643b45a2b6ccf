import { describe, expect, it } from "vitest";
import type { LogRow } from "../../../src/ops/delivery-log/log-rows.js";
import { createLogWriter } from "../../../src/ops/delivery-log/log-writer.js";
import { captureLogs } from "./fixtures.js";

const row = (n: number): LogRow => ({ kind: "state", eventId: `e${n}`, routeId: "r", state: "pending", attempts: 0, at: n, ifNew: true });
const rows = (from: number, count: number) => Array.from({ length: count }, (_, i) => row(from + i));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("the delivery log's write queue", () => {
  it("never writes on the caller's turn: rows wait for the batch window, then go in one write", async () => {
    const batches: LogRow[][] = [];
    const writer = createLogWriter({ write: async (batch) => void batches.push([...batch]), logger: captureLogs().logger, flushMs: 50 });
    writer.push([row(1)]);
    writer.push(rows(2, 2));
    expect(batches).toEqual([]);
    expect(writer.stats.queued).toBe(3);
    await sleep(120);
    expect(batches.map((batch) => batch.length)).toEqual([3]);
    expect(writer.stats).toMatchObject({ queued: 0, written: 3, dropped: 0, failed: 0 });
  });

  it("writes a full batch without waiting for the window, never more than batchRows at once", async () => {
    const batches: number[] = [];
    const writer = createLogWriter({
      write: async (batch) => void batches.push(batch.length),
      logger: captureLogs().logger,
      flushMs: 60_000,
      batchRows: 5,
    });
    writer.push(rows(0, 12));
    await sleep(20);
    expect(batches.reduce((sum, n) => sum + n, 0)).toBe(12);
    expect(Math.max(...batches)).toBe(5);
  });

  it("is bounded: past maxQueued the oldest rows are dropped and counted, with one warning", async () => {
    const logs = captureLogs();
    const written: LogRow[] = [];
    const writer = createLogWriter({
      write: async (batch) => void written.push(...batch),
      logger: logs.logger,
      flushMs: 60_000,
      batchRows: 100,
      maxQueued: 10,
    });
    for (let n = 0; n < 25; n += 1) writer.push([row(n)]);
    expect(writer.stats).toMatchObject({ queued: 10, dropped: 15 });
    const warnings = logs.lines().filter((line) => line.msg === "delivery log falling behind: oldest rows dropped");
    expect(warnings).toHaveLength(1); // throttled: not one per dropped row
    await writer.flush();
    expect(written.map((r) => r.eventId)).toEqual(rows(15, 10).map((r) => r.eventId)); // the newest survive
  });

  it("logs and counts a failed write, never throws it, and keeps writing later rows", async () => {
    const logs = captureLogs();
    let fail = true;
    const written: LogRow[] = [];
    const writer = createLogWriter({
      write: async (batch) => {
        if (fail) throw new Error("SQLITE_BUSY: database is locked");
        written.push(...batch);
      },
      logger: logs.logger,
      flushMs: 10,
    });
    expect(() => writer.push(rows(0, 3))).not.toThrow();
    await writer.flush();
    expect(writer.stats).toMatchObject({ failed: 3, written: 0 });
    expect(logs.lines().find((line) => line.level === 50)).toMatchObject({ rows: 3, err: "SQLITE_BUSY: database is locked" });
    fail = false;
    writer.push([row(9)]);
    await writer.flush();
    expect(written.map((r) => r.eventId)).toEqual(["e9"]);
  });

  it("close writes what is queued, then ignores late rows", async () => {
    const written: LogRow[] = [];
    const writer = createLogWriter({ write: async (batch) => void written.push(...batch), logger: captureLogs().logger, flushMs: 60_000 });
    writer.push(rows(0, 4));
    await writer.close(1000);
    expect(written).toHaveLength(4);
    writer.push([row(5)]);
    await sleep(10);
    expect(written).toHaveLength(4);
    expect(writer.stats.dropped).toBe(1);
  });
});
