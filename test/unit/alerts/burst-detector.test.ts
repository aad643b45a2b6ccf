import { describe, expect, it } from "vitest";
import { createBurstDetector } from "../../../src/ops/alerts/burst-detector.js";

function clock(start = Date.parse("2025-06-03T10:00:00Z")) {
  let t = start;
  return { now: () => new Date(t), advance: (ms: number) => (t += ms) };
}

describe("burst detector", () => {
  it("stays quiet below the threshold", () => {
    const time = clock();
    const detector = createBurstDetector({ threshold: 20, windowMs: 60_000, now: time.now });
    for (let i = 0; i < 19; i++) {
      expect(detector.record("tracktile", "bad_signature")).toBeUndefined();
      time.advance(1000);
    }
  });

  it("raises one alert at the threshold, covering the failures that made it", () => {
    const time = clock();
    const detector = createBurstDetector({ threshold: 20, windowMs: 60_000, now: time.now });
    const alerts = [];
    for (let i = 0; i < 20; i++) {
      alerts.push(detector.record("tracktile", i < 18 ? "bad_signature" : "timestamp_out_of_tolerance"));
      time.advance(1000);
    }
    expect(alerts.filter(Boolean)).toHaveLength(1);
    expect(alerts[19]).toEqual({
      kind: "verification_failures",
      sourceId: "tracktile",
      count: 20,
      reasons: { bad_signature: 18, timestamp_out_of_tolerance: 2 },
      firstAt: new Date("2025-06-03T10:00:00Z"),
    });
  });

  it("uses 20 failures in 60 s by default", () => {
    const time = clock();
    const detector = createBurstDetector({ now: time.now });
    const results = Array.from({ length: 20 }, () => {
      time.advance(2900);
      return detector.record("s", "bad_signature");
    });
    expect(results.slice(0, 19).every((r) => r === undefined)).toBe(true);
    expect(results[19]?.count).toBe(20);
  });

  it("does not count failures that fell out of the window", () => {
    const time = clock();
    const detector = createBurstDetector({ threshold: 3, windowMs: 1000, now: time.now });
    detector.record("s", "bad_signature");
    time.advance(600);
    detector.record("s", "bad_signature");
    time.advance(600);
    expect(detector.record("s", "bad_signature")).toBeUndefined();
    time.advance(100);
    expect(detector.record("s", "bad_signature")?.count).toBe(3);
  });

  it("reports each further failure of a running burst singly, for the digest", () => {
    const time = clock();
    const detector = createBurstDetector({ threshold: 2, windowMs: 1000, now: time.now });
    detector.record("s", "bad_signature");
    detector.record("s", "bad_signature");
    expect(detector.record("s", "missing_signature")).toMatchObject({ count: 1, reasons: { missing_signature: 1 } });
  });

  it("starts over after a quiet window, and keeps sources apart", () => {
    const time = clock();
    const detector = createBurstDetector({ threshold: 2, windowMs: 1000, now: time.now });
    detector.record("a", "bad_signature");
    expect(detector.record("a", "bad_signature")?.count).toBe(2);
    expect(detector.record("b", "bad_signature")).toBeUndefined();
    time.advance(1001);
    expect(detector.record("a", "bad_signature")).toBeUndefined();
    expect(detector.record("a", "bad_signature")?.count).toBe(2);
  });

  it("forgets quiet sources when tracking too many", () => {
    const time = clock();
    const detector = createBurstDetector({ threshold: 2, windowMs: 1000, maxSources: 2, now: time.now });
    detector.record("a", "bad_signature");
    detector.record("b", "bad_signature");
    detector.record("c", "bad_signature"); // "a" is dropped to make room
    expect(detector.record("a", "bad_signature")).toBeUndefined();
    expect(detector.record("c", "bad_signature")?.count).toBe(2);
  });
});
