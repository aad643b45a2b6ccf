import { describe, expect, it } from "vitest";
import { closestKey } from "../../../src/config/closest-key.js";

const ROUTE_KEYS = [
  "description",
  "events",
  "filter",
  "enrich",
  "when",
  "mapping",
  "destination",
  "retry",
  "concurrency",
  "examples",
  "failureEmails",
];

describe("the key a misspelt one most likely meant", () => {
  it("finds a letter missing, doubled, wrong or two swapped", () => {
    expect(closestKey("destinaton", ROUTE_KEYS)).toBe("destination");
    expect(closestKey("mappping", ROUTE_KEYS)).toBe("mapping");
    expect(closestKey("evnets", ROUTE_KEYS)).toBe("events");
    expect(closestKey("concurency", ROUTE_KEYS)).toBe("concurrency");
  });

  it("finds another case or a snake_case / kebab-case spelling, however far in edits", () => {
    expect(closestKey("failure_emails", ROUTE_KEYS)).toBe("failureEmails");
    expect(closestKey("FAILURE-EMAILS", ROUTE_KEYS)).toBe("failureEmails");
  });

  it("suggests nothing for a short key one letter could turn into another, or a word that is simply unknown", () => {
    expect(closestKey("at", ["as", "url"])).toBeUndefined();
    expect(closestKey("colour", ROUTE_KEYS)).toBeUndefined();
  });
});
