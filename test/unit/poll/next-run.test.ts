import { describe, expect, it } from "vitest";
import { createSchedule } from "../../../src/poll/next-run.js";
import type { PollState } from "../../../src/state/poll-store.js";

const T = Date.parse("2025-06-03T10:00:00Z");
const state = (overrides: Partial<PollState>): PollState => ({
  sourceId: "s",
  owner: undefined,
  fence: 1,
  leaseExpiresAt: 0,
  cursorMs: undefined,
  highWaterMs: undefined,
  run: undefined,
  lastRunAt: T,
  lastSuccessAt: T,
  lastError: undefined,
  lastErrorAt: undefined,
  failingSince: undefined,
  lastItems: undefined,
  lastPages: undefined,
  requested: undefined,
  ...overrides,
});

describe("when a polling source is due", () => {
  const hourly = createSchedule({ every: 3_600_000, cron: undefined, timezone: "UTC" });

  it("at once when it has never run, or a run is unfinished (a restart, a take-over, maxPages)", () => {
    expect(hourly(undefined)).toBe(0);
    expect(hourly(state({ run: { sinceMs: 0, position: '{"page":3}' } }))).toBe(0);
  });

  it("`every` after the last success, or at the cron's next time after it", () => {
    expect(hourly(state({}))).toBe(T + 3_600_000);
    const cron = createSchedule({ every: undefined, cron: "15 */6 * * *", timezone: "UTC" });
    expect(new Date(cron(state({}))).toISOString()).toBe("2025-06-03T12:15:00.000Z");
  });

  it("after a failure, retries 30 s later, then after as long as it has been failing, at most 15 min or the schedule's own gap", () => {
    expect(hourly(state({ lastRunAt: T, failingSince: T }))).toBe(T + 30_000);
    expect(hourly(state({ lastRunAt: T, failingSince: T - 120_000 }))).toBe(T + 120_000);
    expect(hourly(state({ lastRunAt: T, failingSince: T - 5 * 3_600_000 }))).toBe(T + 15 * 60_000);
    const everyTenSeconds = createSchedule({ every: 10_000, cron: undefined, timezone: "UTC" });
    expect(everyTenSeconds(state({ lastRunAt: T, failingSince: T - 120_000 }))).toBe(T + 10_000);
  });
});
