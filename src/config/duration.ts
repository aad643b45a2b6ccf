import { z } from "zod";

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses `500`, `"500ms"`, `"5s"`, `"10m"`, `"1h"` into milliseconds; undefined when unreadable. */
export function parseDuration(value: number | string): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) && value >= 0 ? Math.round(value) : undefined;
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(value);
  if (!match) return undefined;
  return Math.round(Number(match[1]) * (UNITS[match[2] ?? "ms"] ?? 1));
}

/** A duration in milliseconds, written as a number (ms) or with a unit: ms, s, m, h, d. */
export const durationSchema = z.union([z.number(), z.string()]).transform((value, ctx) => {
  const ms = parseDuration(value);
  if (ms === undefined) {
    ctx.addIssue({ code: "custom", message: `expected a duration such as 500, "500ms", "5s", "10m" or "1h", got ${JSON.stringify(value)}` });
    return z.NEVER;
  }
  return ms;
});
