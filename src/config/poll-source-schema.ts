import { z } from "zod";
import { byteSizeSchema } from "./byte-size.js";
import { durationSchema } from "./duration.js";
import { emailAddress } from "./email-address.js";
import { cronProblem } from "./cron.js";

/** What a poll's URL template may name; anything else in `{…}` is a typo caught at start. */
export const POLL_PLACEHOLDERS = ["cursor", "page", "offset", "size", "pageToken"] as const;

const EVENT_NAME = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;
const expression = z.string().min(1, "expected a path (items, data.records) or a JSONata expression");

const authSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("bearer"), token: z.string().min(1) }).strict(),
  z.object({ type: z.literal("basic"), username: z.string().min(1), password: z.string() }).strict(),
  /** A fixed header, e.g. `X-Api-Key`. */
  z.object({ type: z.literal("header"), name: z.string().regex(/^[A-Za-z0-9-]+$/, "expected a header name"), value: z.string().min(1) }).strict(),
  /** A query parameter, e.g. TrackVia's `user_key`: kept out of every log line and error. */
  z.object({ type: z.literal("query"), name: z.string().min(1), value: z.string().min(1) }).strict(),
]);

const requestSchema = z
  .object({
    /** An http(s) URL; `{cursor}`, `{page}`, `{offset}`, `{size}`, `{pageToken}` are filled (URL-encoded) per request. */
    url: z
      .string()
      .regex(/^https?:\/\/[^/{}]+/, "expected an absolute http:// or https:// URL, with placeholders only after the host")
      .superRefine((url, ctx) => {
        for (const [, name] of url.matchAll(/\{([^}]*)\}/g)) {
          if (!(POLL_PLACEHOLDERS as readonly string[]).includes(name ?? ""))
            ctx.addIssue({
              code: "custom",
              message: `unknown placeholder {${name}}: expected one of ${POLL_PLACEHOLDERS.map((p) => `{${p}}`).join(", ")}`,
            });
        }
      }),
    /** @defaultValue GET */
    method: z.literal("GET").default("GET"),
    /** @defaultValue none */
    headers: z.record(z.string().regex(/^[A-Za-z0-9-]+$/, "expected a header name"), z.string()).default({}),
    auth: authSchema.optional(),
  })
  .strict();

const paginationSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("none") }).strict(),
  /** `{page}` counts from `start`; a page shorter than `size` (or empty) is the last. */
  z
    .object({
      type: z.literal("page"),
      /** @defaultValue 1 */
      start: z.number().int().min(0).default(1),
      /** Items per page the API returns (and `{size}`); without it, only an empty page ends the run. */
      size: z.number().int().positive().optional(),
      /** The query parameter, when the URL has no `{page}`. @defaultValue page */
      param: z.string().min(1).default("page"),
    })
    .strict(),
  /** `{offset}` from 0 by the items received; `{size}` is the page size. */
  z
    .object({
      type: z.literal("offset"),
      size: z.number().int().positive(),
      /** The query parameter, when the URL has no `{offset}`. @defaultValue offset */
      param: z.string().min(1).default("offset"),
    })
    .strict(),
  /** A next-page token read from each response (`next`), sent as `{pageToken}` (or `param`). */
  z
    .object({
      type: z.literal("cursor"),
      next: expression,
      /** The query parameter, when the URL has no `{pageToken}`. @defaultValue pageToken */
      param: z.string().min(1).default("pageToken"),
    })
    .strict(),
  /** RFC 8288: follow `Link: <…>; rel="next"` until a response has none. */
  z.object({ type: z.literal("link") }).strict(),
]);

const eventSchema = z
  .object({
    /** The event name, as dot words: the routing key is `{sourceId}.{name}`. */
    name: z.string().regex(EVENT_NAME, "an event name is dot words, as in the routing key: product.changed"),
    /** An expression giving the name per item instead (e.g. `deleted ? "product.deleted" : "product.changed"`); `name` when it yields nothing. */
    nameFrom: expression.optional(),
    /** The entity's id in each item (the CloudEvents `subject`). */
    id: expression,
    /** When the item last changed (RFC 3339, or unix seconds/ms per `modifiedFormat`): the cursor follows it. */
    modified: expression,
    /** @defaultValue rfc3339 */
    modifiedFormat: z.enum(["rfc3339", "unix-seconds", "unix-ms"]).default("rfc3339"),
  })
  .strict();

const cursorSchema = z
  .object({
    /** Where the first window starts when the state store has no cursor yet. @defaultValue 1970-01-01T00:00:00Z */
    initial: z.iso.datetime({ offset: true }).default("1970-01-01T00:00:00Z"),
    /** How far before the newest `modified` seen the next window starts (clock skew, late commits). @defaultValue 5m */
    overlap: durationSchema.default(300_000),
  })
  .strict();

export const pollSourceSchema = z
  .object({
    kind: z.literal("poll"),
    description: z.string().optional(),
    /** `false` (or "off") pauses the source: validated, shown in /status, never polled. @defaultValue true */
    enabled: z
      .union([z.boolean(), z.enum(["true", "false", "on", "off"])])
      .transform((value) => value === true || value === "true" || value === "on")
      .default(true),
    /** An interval between runs (`1h`); or give `cron`. */
    every: durationSchema.refine((ms) => ms >= 1000, "poll at most once a second").optional(),
    /** Five-field cron (minute hour day month weekday; lists, ranges, steps). */
    cron: z
      .string()
      .superRefine((text, ctx) => {
        const problem = cronProblem(text);
        if (problem) ctx.addIssue({ code: "custom", message: problem });
      })
      .optional(),
    /** The IANA zone `cron` is read in. @defaultValue UTC */
    timezone: z
      .string()
      .refine((zone) => {
        try {
          new Intl.DateTimeFormat("en-US", { timeZone: zone });
          return true;
        } catch {
          return false;
        }
      }, "expected an IANA time zone such as Europe/Paris")
      .default("UTC"),
    request: requestSchema,
    /** @defaultValue {type: none} */
    pagination: paginationSchema.default({ type: "none" }),
    /** Where the array of items is in each response: a path (`products`, `data.items`; `$` for the body itself) or JSONata. */
    items: expression,
    event: eventSchema,
    cursor: cursorSchema.default({ initial: "1970-01-01T00:00:00Z", overlap: 300_000 }),
    /** Each request's deadline. @defaultValue 30s */
    timeout: durationSchema.default(30_000),
    /** Largest response body read. @defaultValue 16mb */
    maxBody: byteSizeSchema.default(16 * 1024 * 1024),
    /** Pages read in one run; the next run goes on from the cursor. @defaultValue 1000 */
    maxPages: z.number().int().positive().default(1000),
    /** Failing with 5xx, timeouts or network errors for this long sends the `poll_failed` email (401/403 and bad responses at once). @defaultValue 15m */
    alertAfter: durationSchema.default(900_000),
    /** Who else gets this source's failure emails, besides ALERT_EMAIL_TO. */
    failureEmails: z.array(emailAddress).default([]),
  })
  .strict()
  .refine((poll) => (poll.every === undefined) !== (poll.cron === undefined), { message: "give `every` or `cron` (one of them)", path: ["every"] });

export type PollSourceConfig = z.infer<typeof pollSourceSchema>;
export type PollPagination = PollSourceConfig["pagination"];
export type PollAuth = NonNullable<PollSourceConfig["request"]["auth"]>;
