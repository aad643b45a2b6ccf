import { describe, expect, it } from "vitest";
import { describeIssues, eventFilterSchema } from "../../../src/ops/delivery-log/index.js";

const NOW = Date.parse("2026-11-20T12:00:00.000Z");
const parse = (input: Record<string, string>) => eventFilterSchema(() => NOW).safeParse(input);

describe("event search parameters (shared by GET /events and `webhook-router events`)", () => {
  it("reads since/until as a duration ago or an ISO time", () => {
    expect(parse({ since: "1h" }).data?.since).toBe(NOW - 3_600_000);
    expect(parse({ since: "7d", until: "30m" }).data).toMatchObject({ since: NOW - 7 * 86_400_000, until: NOW - 1_800_000 });
    expect(parse({ since: "2026-11-19T00:00:00Z" }).data?.since).toBe(Date.parse("2026-11-19T00:00:00Z"));
  });

  it("refuses what it cannot read, saying which parameter and what it expected", () => {
    const result = parse({ since: "yesterday" });
    expect(result.success).toBe(false);
    expect(describeIssues(result.error!)).toMatch(/^since: expected a duration ago such as 1h or 7d, or an ISO time, got "yesterday"/);
    expect(parse({ status: "lost" }).success).toBe(false);
    expect(parse({ limit: "0" }).success).toBe(false);
    expect(parse({ limit: "1001" }).success).toBe(false);
    expect(parse({ colour: "red" }).success).toBe(false); // a misspelt parameter is an error, not ignored
  });

  it("defaults to the newest 50", () => {
    expect(parse({}).data).toEqual({ limit: 50 });
    expect(parse({ limit: "5", status: "dead", route: "r" }).data).toEqual({ limit: 5, status: "dead", route: "r" });
  });
});
