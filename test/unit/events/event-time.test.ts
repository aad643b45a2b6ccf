import { describe, expect, it } from "vitest";
import type { Source } from "../../../src/config/load-routes.js";
import { sourceSchema } from "../../../src/config/source-schema.js";
import { readSenderTime } from "../../../src/events/event-time.js";
import { createNormalizer } from "../../../src/events/normalize.js";

const receivedAt = new Date("2026-11-22T12:00:00.000Z");

function normalizerFor(event: Record<string, unknown>) {
  const parsed = sourceSchema.parse({ verify: { preset: "header-token", secret: "x" }, event: { type: "url", ...event } });
  return createNormalizer({ ...parsed, id: "src", file: "test" } as Source);
}
const timeOf = (body: string, event: Record<string, unknown> = { time: "body:time" }, headers: Record<string, string> = {}) => {
  const { time, timeFallback } = normalizerFor(event)({ rawBody: Buffer.from(body), headers, urlEventName: "x.y", receivedAt });
  return { time, timeFallback };
};

describe("a sender's time is RFC 3339 or the receive time stands in, and the log says why", () => {
  it.each([
    ["0", "the number 0"],
    ['"0"', "the string 0"],
    ['"+275760-09-13T00:00:00Z"', "a six-digit year"],
    ['"2026-02-30T00:00:00Z"', "a day February does not have"],
    ['"2023-02-29T00:00:00Z"', "29 February outside a leap year"],
    ['"2026-11-20T24:00:00Z"', "hour 24"],
    ['"2026-11-20T14:03:11"', "no offset"],
    ['"2026-11-20 14:03:11Z"', "a space for the T"],
    ['"2026-11-20T14:03:11+01:60"', "an offset of 60 minutes"],
    ['"Fri, 20 Nov 2026 14:03:11 GMT"', "an HTTP date"],
    ['"2026-11-20"', "a date alone"],
  ])("%s (%s) → receive time, not RFC 3339", (value) => {
    expect(timeOf(`{"time":${value}}`)).toEqual({ time: receivedAt.toISOString(), timeFallback: "not RFC 3339" });
  });

  it.each([
    ["2026-11-20T14:03:11.5+01:00", "2026-11-20T13:03:11.500Z"],
    ["2026-11-20T14:03:11Z", "2026-11-20T14:03:11.000Z"],
    ["2026-11-20t14:03:11.123456z", "2026-11-20T14:03:11.123Z"],
    ["2024-02-29T23:30:00-05:30", "2024-03-01T05:00:00.000Z"],
    ["0001-01-01T00:00:00Z", "0001-01-01T00:00:00.000Z"],
    ["2016-12-31T23:59:60Z", "2017-01-01T00:00:00.000Z"],
  ])("%s is kept, in UTC with milliseconds: %s", (value, expected) => {
    expect(timeOf(`{"time":"${value}"}`)).toEqual({ time: expected, timeFallback: undefined });
  });

  it("refuses a time an offset moves outside the years 0000–9999", () => {
    expect(timeOf('{"time":"9999-12-31T23:30:00-01:00"}').timeFallback).toBe("out of range (years 0000–9999)");
  });

  it("says 'missing' when the source names a time the body does not have", () => {
    expect(timeOf('{"other":1}')).toEqual({ time: receivedAt.toISOString(), timeFallback: "missing" });
  });

  it("says nothing when the source names no time", () => {
    expect(timeOf('{"time":"junk"}', {})).toEqual({ time: receivedAt.toISOString(), timeFallback: undefined });
  });
});

describe("unix seconds and milliseconds, where the source says so", () => {
  const seconds = { time: "body:time", timeFormat: "unix-seconds" };
  const millis = { time: "body:time", timeFormat: "unix-ms" };

  it.each([
    ["1732100000", "2024-11-20T10:53:20.000Z"],
    ['"1732100000"', "2024-11-20T10:53:20.000Z"],
    ["1732100000.25", "2024-11-20T10:53:20.250Z"],
    ["0", "1970-01-01T00:00:00.000Z"],
  ])("seconds: %s → %s", (value, expected) => {
    expect(timeOf(`{"time":${value}}`, seconds)).toEqual({ time: expected, timeFallback: undefined });
  });

  it("milliseconds: 1732100000123 → 2024-11-20T10:53:20.123Z", () => {
    expect(timeOf('{"time":1732100000123}', millis).time).toBe("2024-11-20T10:53:20.123Z");
  });

  it.each(['"2026-11-20T14:03:11Z"', "-1", '""', "true"])("seconds: %s → receive time", (value) => {
    expect(timeOf(`{"time":${value}}`, seconds).time).toBe(receivedAt.toISOString());
  });

  it("seconds beyond the year 9999 are out of range", () => {
    expect(timeOf('{"time":253402300800}', seconds).timeFallback).toBe("out of range (years 0000–9999)");
  });

  it("reads a Standard Webhooks timestamp header", () => {
    const event = { time: "header:webhook-timestamp", timeFormat: "unix-seconds" };
    expect(timeOf("{}", event, { "webhook-timestamp": "1732100000" }).time).toBe("2024-11-20T10:53:20.000Z");
  });

  it("names the format in the problem", () => {
    expect(readSenderTime("x", "unix-seconds")).toEqual({ problem: "not unix seconds" });
    expect(readSenderTime("x", "unix-ms")).toEqual({ problem: "not unix milliseconds" });
  });
});
