import { z } from "zod";
import { emailAddress } from "./email-address.js";
import { urlTemplate } from "../adapters/common-schema.js";
import { durationSchema } from "./duration.js";
import { echoSchema, rememberSchema, skipAuthoredBySchema } from "./loop-rules-schema.js";

/** A route id names its queues: `{QUEUE_PREFIX}{routeId}`, `.retry.{n}`, `.busy`, `.dead`. */
export const ROUTE_ID = /^[a-z0-9][a-z0-9_-]{0,99}$/;

// RabbitMQ topic patterns over `{sourceId}.{eventName}`: words, `*` (one word), `#` (zero or more).
const PATTERN = /^(\*|#|[A-Za-z0-9_-]+)(\.(\*|#|[A-Za-z0-9_-]+))*$/;
const patternSchema = z.string().regex(PATTERN, 'expected a topic pattern such as "tracktile.order.*" or "tracktik.#"');

const retrySchema = z
  .object({
    /** Attempts in all, the first included. @defaultValue 10 */
    attempts: z.number().int().min(1).max(50).default(10),
    /** Delay before the second attempt; doubles each time. @defaultValue 5s */
    baseDelay: durationSchema.default(5000),
    /** Longest delay between two attempts (a target's Retry-After is capped here too). @defaultValue 1h */
    maxDelay: durationSchema.default(3_600_000),
    /** ± fraction of randomness, so retries of many events do not arrive together. @defaultValue 0.2 */
    jitter: z.number().min(0).max(1).default(0.2),
  })
  .strict()
  .refine((retry) => retry.maxDelay >= retry.baseDelay, { message: "maxDelay must be at least baseDelay" });

const enrichmentSchema = z
  .object({
    /** The name the result is bound to in filter and mapping: `$<as>`. */
    as: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "expected a JSONata variable name (letters, digits, _)"),
    /** GET URL with `{event.data.orderId}`-style placeholders (values URL-encoded). */
    url: urlTemplate,
    headers: z.record(z.string(), z.string()).default({}),
    timeout: durationSchema.default(10_000),
  })
  .strict();

/** How a sync route's destination answer becomes the API caller's answer. */
const responseSchema = z
  .object({
    /** JSONata over the destination's JSON answer (`$event` and `$status` bound). @defaultValue the answer unchanged */
    mapping: z.string().min(1).default("$"),
    /** The mapped answer's JSON Schema (inline, or `{$ref: file}`): a mismatch is a `502`. @defaultValue none */
    schema: z.record(z.string(), z.unknown(), { error: "expected a JSON Schema (a mapping), or {$ref: file.json}" }).optional(),
  })
  .strict();

const exampleEventSchema = z
  .object({
    type: z.string().min(1),
    data: z.unknown(),
    id: z.string().default("evt_example"),
    source: z.string().default("/webhooks/example"),
    time: z.string().default("2026-01-01T00:00:00.000Z"),
    subject: z.string().optional(),
  })
  .strict();

const exampleSchema = z
  .object({
    name: z.string().min(1),
    event: exampleEventSchema,
    /** What each enrichment step would have returned, by its `as` name. */
    enrichment: z.record(z.string(), z.unknown()).default({}),
    /** The mapped output expected; omit it when the event is filtered. */
    expect: z.unknown().optional(),
    /**
     * Which condition must drop this event: `filter` (on the event, before enrichment), `when`
     * (after enrichment), `authored-by` (`skipAuthoredBy`), or `true` for any. @defaultValue false
     */
    filtered: z.union([z.boolean(), z.enum(["filter", "when", "authored-by"])]).default(false),
  })
  .strict()
  .refine((example) => example.filtered !== false || example.expect !== undefined, {
    message: "an example needs `expect` (the mapped output) or `filtered: filter | when | authored-by | true`",
  });

export const routeSchema = z
  .object({
    description: z.string().optional(),
    /** Topic patterns the route's queue is bound with. */
    events: z.union([patternSchema, z.array(patternSchema).min(1)]).transform((v) => (Array.isArray(v) ? v : [v])),
    /**
     * JSONata over the event alone, evaluated before any enrichment: an event it rejects makes no
     * call at all. It may not read enrichment results (`$<as>`). @defaultValue none (all events)
     */
    filter: z.string().min(1).optional(),
    enrich: z
      .union([enrichmentSchema, z.array(enrichmentSchema)])
      .transform((v) => (Array.isArray(v) ? v : [v]))
      .default([]),
    /** JSONata evaluated after enrichment, for conditions that need its results. @defaultValue none */
    when: z.string().min(1).optional(),
    /** JSONata expression producing the adapter's payload. @defaultValue the event's data, unchanged */
    mapping: z.string().min(1).default("data"),
    /** A destination id from `destinations:`. */
    destination: z.string().min(1),
    retry: retrySchema.default({ attempts: 10, baseDelay: 5000, maxDelay: 3_600_000, jitter: 0.2 }),
    /** Messages processed at once by one worker process (the queue's prefetch). @defaultValue 8 */
    concurrency: z.number().int().min(1).max(256).default(8),
    examples: z.array(exampleSchema).default([]),
    /** Who else gets this route's failure emails, besides ALERT_EMAIL_TO (like TrackTik's failureEmail). */
    failureEmails: z.array(emailAddress).default([]),
    /** Answers an API endpoint's calls (`api.route`): one attempt, the answer sent back to the caller. @defaultValue false */
    sync: z.boolean().default(false),
    /** A sync route's answer: the response mapping and schema. @defaultValue the destination's answer unchanged */
    response: responseSchema.optional(),
    /** Two-way sync: remember each confirmed write, so the target's report of it is recognized as an echo. @defaultValue none */
    remember: rememberSchema.optional(),
    /** Two-way sync: an event reporting back a write some route remembered is not delivered (outcome `echo`). @defaultValue none */
    echo: echoSchema.optional(),
    /** Two-way sync: an event whose author is one of the integration's own users is not delivered (outcome `echo`). @defaultValue none */
    skipAuthoredBy: skipAuthoredBySchema.optional(),
  })
  .strict()
  .refine((route) => route.sync || route.response === undefined, { message: "`response` is only for `sync: true` routes", path: ["response"] })
  // A caller waiting on the answer is not served by a retry minutes later: one attempt, and the
  // caller decides (with an Idempotency-Key, a retry is safe).
  .transform((route) => (route.sync ? { ...route, retry: { ...route.retry, attempts: 1 } } : route));

export type RouteConfig = z.infer<typeof routeSchema>;
export type ResponseConfig = z.infer<typeof responseSchema>;
export type RouteExample = z.infer<typeof exampleSchema>;
export type EnrichmentConfig = z.infer<typeof enrichmentSchema>;
export type RetryPolicy = z.infer<typeof retrySchema>;
