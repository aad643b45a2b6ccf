import { z } from "zod";
import { emailAddress } from "./email-address.js";
import { verificationSchema } from "../verify/schema.js";
import { byteSizeSchema } from "./byte-size.js";
import { durationSchema } from "./duration.js";

/** A source id is one word of the routing key and one segment of the URL. */
export const SOURCE_ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;

// Where a piece of the event comes from: the URL's event name, a header, a body field, or a hash.
const SELECTOR = /^(url|hash|header:[A-Za-z0-9-]+|body:[^\s]+)$/;
const selector = z.string().regex(SELECTOR, 'expected "url", "hash", "header:<name>" or "body:<field.path>"');
const selectorList = z.union([selector, z.array(selector)]).transform((value) => (Array.isArray(value) ? value : [value]));

const eventSchema = z
  .object({
    /** Where the event name comes from, first match wins. @defaultValue ["url"] */
    type: selectorList.default(["url"]),
    /** Where the event id comes from; a content hash is always the last resort. @defaultValue ["hash"] */
    id: selectorList.default(["hash"]),
    /** The entity the event is about (CloudEvents `subject`). @defaultValue none */
    subject: selectorList.default([]),
    /** When the sender says it happened; otherwise the time received. @defaultValue none */
    time: selectorList.default([]),
    /**
     * How the sender writes that time: an RFC 3339 date-time, or unix seconds / milliseconds (a
     * JSON number or a string of digits). Anything else is replaced by the receive time.
     * @defaultValue "rfc3339"
     */
    timeFormat: z.enum(["rfc3339", "unix-seconds", "unix-ms"]).default("rfc3339"),
    /** Prefixes removed from event names, e.g. TrackTik's `entity:`. @defaultValue none */
    stripPrefix: z.array(z.string().min(1)).default([]),
  })
  .strict();

const rateLimitSchema = z
  .object({
    /** @defaultValue 60 */
    windowSeconds: z.number().int().positive().default(60),
    /** Requests allowed per client address in one window. @defaultValue 6000 */
    max: z.number().int().positive().default(6000),
  })
  .strict();

const limitsSchema = z
  .object({
    /** Largest body accepted. @defaultValue 1mb */
    body: byteSizeSchema.default(1024 * 1024),
    /** Per client address; `false` turns it off. */
    rateLimit: z.union([z.literal(false), rateLimitSchema]).default({ windowSeconds: 60, max: 6000 }),
  })
  .strict();

// An event name as the routing key spells it: dot words (after `stripPrefix` and `:`/`/` → `.`).
const EVENT_NAME = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;
const jsonSchemaObject = z.record(z.string(), z.unknown(), { error: "expected a JSON Schema (a mapping), or {$ref: file.json}" });

/** The body's JSON Schema: one for every event (`default`) and/or one per event name (`events`). */
const requestSchemaSchema = z
  .object({
    /** Every event the source sends, unless `events` names it. @defaultValue none */
    default: jsonSchemaObject.optional(),
    /** Per event name (`order.created`), in the routing key's spelling. @defaultValue none */
    events: z
      .record(z.string(), jsonSchemaObject)
      .superRefine((events, ctx) => {
        for (const name of Object.keys(events)) {
          if (!EVENT_NAME.test(name))
            ctx.addIssue({ code: "custom", path: [name], message: "an event name is dot words, as in the routing key: order.created" });
        }
      })
      .optional(),
  })
  .strict()
  .refine((value) => value.default !== undefined || Object.keys(value.events ?? {}).length > 0, "give `default:`, `events:` or both");

/**
 * The source is a synchronous API endpoint, `POST /api/{sourceId}`, instead of a webhook: each
 * call runs `route` (a `sync: true` route) and answers with its mapped response.
 */
/**
 * Where an asynchronous endpoint POSTs each call's result (see the README's "Asynchronous API
 * endpoints"), signed with Standard Webhooks.
 */
const callbackSchema = z
  .object({
    /** The callback URL when the caller gives none. */
    url: z.url({ protocol: /^https?$/ }).optional(),
    /** The caller may give its own callback URL in `X-Callback-Url` (checked: https, a public address). @defaultValue false */
    allowRequestUrl: z.boolean().default(false),
    /** A caller's `http:` URL is accepted too. @defaultValue false */
    allowHttp: z.boolean().default(false),
    /** A caller's URL may name a private, loopback or link-local address (SSRF: only for trusted callers). @defaultValue false */
    allowPrivate: z.boolean().default(false),
    /** The Standard Webhooks signing secret, `whsec_<base64>`. */
    secret: z.string().regex(/^whsec_[A-Za-z0-9+/=]{16,}$/, "expected a Standard Webhooks secret: whsec_<base64>"),
  })
  .strict()
  .refine((callback) => callback.url !== undefined || callback.allowRequestUrl, "give `url`, `allowRequestUrl: true`, or both");

const apiSchema = z
  .object({
    /** The one `sync: true` route that answers the calls. */
    route: z.string().min(1),
    /** `sync`: the caller waits for the answer; `async`: `202 {id}` at once, the result POSTed to the callback. @defaultValue sync */
    mode: z.enum(["sync", "async"]).default("sync"),
    /** Where an `async` endpoint's results go. */
    callback: callbackSchema.optional(),
    /** How long the caller waits for the answer before a `504`. @defaultValue 10s */
    deadline: durationSchema.default(10_000),
    /** How long the answer to a call with an `Idempotency-Key` is kept and returned again. @defaultValue 24h */
    idempotencyWindow: durationSchema.default(86_400_000),
  })
  .strict()
  .refine((api) => (api.mode === "async") === (api.callback !== undefined), {
    message: "an `async` endpoint needs a `callback`, and only it has one",
    path: ["callback"],
  });

export const sourceSchema = z
  .object({
    description: z.string().optional(),
    verify: verificationSchema,
    event: eventSchema.default({ type: ["url"], id: ["hash"], subject: [], time: [], timeFormat: "rfc3339", stripPrefix: [] }),
    limits: limitsSchema.default({ body: 1024 * 1024, rateLimit: { windowSeconds: 60, max: 6000 } }),
    /** JSON Schemas the verified body must match, else `422`: see the README's "Request schemas". */
    schema: requestSchemaSchema.optional(),
    /** Who else gets this source's alerts (verification-failure bursts), besides ALERT_EMAIL_TO. */
    failureEmails: z.array(emailAddress).default([]),
    /** A synchronous API endpoint (see the README's "Synchronous API endpoints"); absent: a webhook source. */
    api: apiSchema.optional(),
  })
  .strict();

export type SourceConfig = z.infer<typeof sourceSchema>;
export type ApiEndpointConfig = z.infer<typeof apiSchema>;
export type CallbackConfig = z.infer<typeof callbackSchema>;
export type EventSelectors = z.infer<typeof eventSchema>;
