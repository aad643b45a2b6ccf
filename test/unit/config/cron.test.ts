import { describe, expect, it } from "vitest";
import { cronProblem, nextCronTime, parseCron } from "../../../src/config/cron.js";

const next = (expression: string, after: string, zone = "UTC") => {
  const at = nextCronTime(parseCron(expression), Date.parse(after), zone);
  return at === undefined ? undefined : new Date(at).toISOString();
};

describe("cron schedules", () => {
  it("runs at the next matching minute, strictly after the last run", () => {
    expect(next("0 * * * *", "2025-06-03T10:00:00Z")).toBe("2025-06-03T11:00:00.000Z");
    expect(next("0 * * * *", "2025-06-03T10:59:59Z")).toBe("2025-06-03T11:00:00.000Z");
    expect(next("*/15 * * * *", "2025-06-03T10:07:00Z")).toBe("2025-06-03T10:15:00.000Z");
    expect(next("30 2 * * *", "2025-06-03T10:00:00Z")).toBe("2025-06-04T02:30:00.000Z");
  });

  it("reads lists, ranges, steps and names", () => {
    expect(next("0 9-17/4 * * mon-fri", "2025-06-06T17:30:00Z")).toBe("2025-06-09T09:00:00.000Z"); // Friday evening → Monday 09:00
    expect(next("0 0 1,15 * *", "2025-06-02T00:00:00Z")).toBe("2025-06-15T00:00:00.000Z");
    expect(next("0 0 * jan *", "2025-06-02T00:00:00Z")).toBe("2026-01-01T00:00:00.000Z");
    expect(next("0 0 * * 7", "2025-06-02T00:00:00Z")).toBe("2025-06-08T00:00:00.000Z"); // 7 is Sunday too
  });

  it("runs on either day field when both are restricted, as Vixie cron does", () => {
    expect(next("0 0 13 * fri", "2025-06-01T00:00:00Z")).toBe("2025-06-06T00:00:00.000Z");
  });

  it("reads the wall clock of the source's time zone", () => {
    // 06:00 in Paris is 04:00 UTC in summer (CEST) and 05:00 UTC in winter (CET).
    expect(next("0 6 * * *", "2025-06-03T10:00:00Z", "Europe/Paris")).toBe("2025-06-04T04:00:00.000Z");
    expect(next("0 6 * * *", "2025-01-03T10:00:00Z", "Europe/Paris")).toBe("2025-01-04T05:00:00.000Z");
  });

  it("says what is wrong with a bad expression, and finds no time for an impossible one", () => {
    expect(cronProblem("0 * * *")).toMatch(/expected 5 fields/);
    expect(cronProblem("61 * * * *")).toMatch(/minute: "61" is not in 0-59/);
    expect(cronProblem("0 5-1 * * *")).toMatch(/runs backwards/);
    expect(cronProblem("*/0 * * * *")).toMatch(/bad step/);
    expect(cronProblem("0 0 * * mon")).toBeUndefined();
    expect(next("0 0 30 2 *", "2025-06-03T10:00:00Z")).toBeUndefined();
  });
});
