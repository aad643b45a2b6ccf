import { z } from "zod";
import { parseDuration } from "../../config/duration.js";
import { ROUTE_STATES, type RouteState } from "./log-rows.js";

/** What to look for in the delivery log; every field narrows the search. */
export interface EventFilter {
  readonly source?: string | undefined;
  /** The exact CloudEvents type (= routing key). */
  readonly type?: string | undefined;
  /** Events with at least one route (or `route`, when given) in this state. */
  readonly status?: RouteState | undefined;
  /** Events that went to this route. */
  readonly route?: string | undefined;
  /** Received at or after (epoch ms). */
  readonly since?: number | undefined;
  /** Received before (epoch ms). */
  readonly until?: number | undefined;
  readonly id?: string | undefined;
  /** Newest first, at most this many. @defaultValue 50 */
  readonly limit: number;
}

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 1000;

/** `1h`, `30m`, `7d` (that long ago) or an ISO 8601 time, as epoch milliseconds. */
export function pointInTime(now: () => number = Date.now) {
  return z.string().transform((raw, ctx) => {
    const trimmed = raw.trim();
    const ago = /^\d+(\.\d+)?\s*(ms|s|m|h|d)$/.test(trimmed) ? parseDuration(trimmed) : undefined;
    if (ago !== undefined) return now() - ago;
    const at = /^\d{4}-\d\d-\d\d/.test(trimmed) ? Date.parse(trimmed) : Number.NaN;
    if (!Number.isNaN(at)) return at;
    ctx.addIssue({ code: "custom", message: `expected a duration ago such as 1h or 7d, or an ISO time, got ${JSON.stringify(raw)}` });
    return z.NEVER;
  });
}

const text = z.string().trim().min(1).max(255);

/** The search parameters as strings (query string, command-line flags), checked and converted. */
export function eventFilterSchema(now: () => number = Date.now) {
  return z
    .object({
      source: text.optional(),
      type: text.optional(),
      status: z.enum(ROUTE_STATES as [RouteState, ...RouteState[]]).optional(),
      route: text.optional(),
      since: pointInTime(now).optional(),
      until: pointInTime(now).optional(),
      id: text.optional(),
      limit: z.coerce.number().int().min(1).max(MAX_LIMIT).default(DEFAULT_LIMIT),
    })
    .strict();
}

/** Turns zod's issues into one readable line: `limit: Too big: expected number to be <=1000`. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => (issue.path.length > 0 ? `${issue.path.join(".")}: ${issue.message}` : issue.message)).join("; ");
}
