import { describe, expect, it } from "vitest";
import { StoreOutage } from "../../../src/ingress/store-outage.js";

function recorder() {
  const lines: Array<{ level: string; fields: object; message: string }> = [];
  return {
    lines,
    warn: (fields: object, message: string) => lines.push({ level: "warn", fields, message }),
    info: (fields: object, message: string) => lines.push({ level: "info", fields, message }),
  };
}

const where = "Redis at redis://127.0.0.1:6379 (RATE_LIMIT_REDIS_URL)";

describe("the shared rate-limit store's outage", () => {
  it("warns once when it starts, again once a minute while it lasts, and says when it is over", () => {
    let now = Date.parse("2026-11-28T09:00:00.000Z");
    const logger = recorder();
    const outage = new StoreOutage(where, logger, () => now);
    expect(outage.problems).toEqual([]);

    outage.failed(new Error("connect ECONNREFUSED 127.0.0.1:6379"));
    outage.fellBack();
    now += 2_000;
    outage.failed(new Error("connect ECONNREFUSED 127.0.0.1:6379"));
    outage.fellBack();
    expect(logger.lines).toEqual([
      {
        level: "warn",
        fields: { err: "connect ECONNREFUSED 127.0.0.1:6379" },
        message: `${where} does not answer: rate limits count in this process alone until it does`,
      },
    ]);
    expect(outage.problems).toEqual([
      {
        code: "rate_limit_store_unavailable",
        message: `${where} does not answer (connect ECONNREFUSED 127.0.0.1:6379): each replica counts the rate limits alone meanwhile`,
        at: "2026-11-28T09:00:00.000Z",
      },
    ]);

    now += 60_000;
    outage.failed(new Error("no answer within 100 ms"));
    expect(logger.lines[1]).toEqual({
      level: "warn",
      fields: { err: "no answer within 100 ms", since: "2026-11-28T09:00:00.000Z", countedAlone: 2 },
      message: `${where} still does not answer: rate limits count in this process alone`,
    });

    now += 3_000;
    outage.answered();
    outage.answered();
    expect(logger.lines.slice(2)).toEqual([
      { level: "info", fields: { countedAlone: 2 }, message: `${where} answers again after 65 s: rate limits are shared again` },
    ]);
    expect(outage.problems).toEqual([]);
    expect(outage.down).toBe(false);
    expect(outage.fallbacks).toBe(2);
  });

  it("counts every check made alone since start, across outages", () => {
    const outage = new StoreOutage(where, recorder());
    for (const _ of [1, 2]) {
      outage.failed(new Error("down"));
      outage.fellBack();
      outage.answered();
    }
    expect(outage.fallbacks).toBe(2);
  });
});
