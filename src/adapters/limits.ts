import { z } from "zod";

/** One published rate: at most `requests` calls in any window of `perMs`. */
export interface RateWindow {
  readonly requests: number;
  readonly perMs: number;
}

/**
 * A destination's limits as the workers hold them: `key` names the budget (destinations with the
 * same key share it), every window is held at once, and at most `inFlight` calls run together.
 */
export interface DestinationLimits {
  readonly key: string;
  readonly windows: readonly RateWindow[];
  readonly inFlight: number | undefined;
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

// Adapters cannot read config/duration.ts (layering): the same spelling, windows only.
const windowSchema = z.union([z.number(), z.string()]).transform((value, ctx) => {
  const match = typeof value === "number" ? undefined : /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(value);
  const ms = typeof value === "number" ? value : match ? Number(match[1]) * (UNITS[match[2] ?? "ms"] ?? 1) : Number.NaN;
  if (!Number.isFinite(ms) || ms < 100 || ms > 86_400_000) {
    ctx.addIssue({ code: "custom", message: `expected a window such as "1s", "1m" or "1h" (100 ms to 24 h), got ${JSON.stringify(value)}` });
    return z.NEVER;
  }
  return Math.round(ms);
});

// A slot row per allowed call in the window: more than this belongs in a shorter window.
const MAX_REQUESTS = 10_000;
const requests = z.number().int().positive().max(MAX_REQUESTS);
const rateSchema = z.strictObject({ requests, per: windowSchema });

/**
 * `limits:` on an HTTP destination: the target's published limits, held together by every worker
 * sharing the state store. `false` turns off a kind's default.
 */
export const limitsSchema = z.union([
  z.literal(false),
  z
    .strictObject({
      /** Calls allowed in each window of `per`. */
      requests: requests.optional(),
      /** The window of `requests`: `1s`, `1m`, `1h`. */
      per: windowSchema.optional(),
      /** Further windows held at the same time, e.g. `[{ requests: 10, per: 1s }]` beside 500 a minute. */
      also: z.array(rateSchema).max(4).optional(),
      /** Calls running at once, across all workers. */
      inFlight: z.number().int().positive().max(1000).optional(),
      /** Destinations naming the same key share one budget (one account at the target). */
      key: z.string().min(1).max(100).optional(),
    })
    .superRefine((value, ctx) => {
      if ((value.requests === undefined) !== (value.per === undefined)) {
        ctx.addIssue({ code: "custom", message: "requests and per go together: e.g. requests: 150, per: 1m" });
      }
      if (value.requests === undefined && value.inFlight === undefined && !value.also?.length) {
        ctx.addIssue({ code: "custom", message: "declare requests + per, inFlight, or both (limits: false turns them off)" });
      }
    }),
]);

export type LimitsConfig = z.input<typeof limitsSchema>;
type ParsedLimits = z.output<typeof limitsSchema>;

/** The field each HTTP destination kind spreads into its schema. */
export const limitsField = { limits: limitsSchema.optional() };

/**
 * The published limits a kind gets when its destination declares none (targets.md): QuickBooks
 * Online 500 requests a minute and 10 a second per company, at most 10 at once; ShipBob 150 a
 * minute. `http` and `odoo` have none: their targets vary (Odoo documents no limit).
 */
export const DEFAULT_LIMITS: Readonly<Record<string, Exclude<ParsedLimits, false>>> = {
  quickbooks: { requests: 500, per: 60_000, also: [{ requests: 10, per: 1000 }], inFlight: 10 },
  shipbob: { requests: 150, per: 60_000 },
};

/** What `destinationLimits` reads of a destination. */
interface LimitedDestination {
  readonly kind: string;
  readonly limits?: ParsedLimits | undefined;
  readonly realmId?: string;
  readonly baseUrl?: string;
}

/**
 * The limits the workers hold for one destination, or undefined when it has none. QuickBooks'
 * are per company: every destination on one realm shares the budget unless it names its own key.
 */
export function destinationLimits(id: string, destination: LimitedDestination): DestinationLimits | undefined {
  const declared = destination.limits ?? DEFAULT_LIMITS[destination.kind];
  if (!declared) return undefined;
  const windows = [...(declared.requests && declared.per ? [{ requests: declared.requests, perMs: declared.per }] : [])];
  for (const rate of declared.also ?? []) windows.push({ requests: rate.requests, perMs: rate.per });
  return { key: declared.key ?? defaultKey(id, destination), windows, inFlight: declared.inFlight };
}

function defaultKey(id: string, destination: LimitedDestination): string {
  if (destination.kind === "quickbooks" && destination.realmId && destination.baseUrl) {
    return `quickbooks:${new URL(destination.baseUrl).host}:${destination.realmId}`;
  }
  return `destination:${id}`;
}
