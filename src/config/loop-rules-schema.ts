import { z } from "zod";
import { durationSchema } from "./duration.js";

/**
 * A two-way sync's loop breakers (README "Two-way sync"): what a route remembers of its writes,
 * how it recognizes the other system reporting one of them back, and whose changes it ignores.
 */

// Names of systems and entities go into the state store's key columns.
const NAME = /^[a-z0-9][a-z0-9_.-]{0,99}$/;
const nameSchema = z.string().regex(NAME, "expected a lower-case name (letters, digits, _ . -), e.g. tracktile or customer");

/** JSONata expressions, one per field, whose values (in this order) make the fingerprint. */
const fieldsSchema = z
  .array(z.string().min(1, "expected a JSONata expression"))
  .min(1, "expected at least one field (a JSONata expression)")
  .max(100, "at most 100 fields");

/** The record a route writes, remembered once the destination confirmed the write. */
export const rememberSchema = z
  .object({
    /** The system written to, e.g. `tracktile`: the same word as the `echo.system` of the route reading its webhooks. */
    system: nameSchema,
    entity: nameSchema,
    /** JSONata over the mapped payload (`$event` and enrichment results bound): the record's id in that system. */
    id: z.string().min(1),
    /** JSONata over the mapped payload, one per field written. */
    fields: fieldsSchema,
    /** How long the write is remembered. @defaultValue 1h */
    window: durationSchema.default(3_600_000),
  })
  .strict()
  .refine((remember) => remember.window >= 1000 && remember.window <= 7 * 86_400_000, {
    message: "window must be between 1s and 7d",
    path: ["window"],
  });

/** How a route reading a system's events recognizes one that reports the router's own write back. */
export const echoSchema = z
  .object({
    system: nameSchema,
    entity: nameSchema,
    /** JSONata over the event (enrichment results bound): the record's id, as the writing route's `remember.id` names it. */
    id: z.string().min(1),
    /** JSONata over the event, one per field, in the order of the writing route's `remember.fields`. */
    fields: fieldsSchema,
  })
  .strict();

/** Skips events whose "last updated by" names the integration's own API user. */
export const skipAuthoredBySchema = z
  .object({
    /** JSONata over the event (enrichment results bound): who made the change. */
    field: z.string().min(1),
    /** The integration's own users, as `field` names them; compared as text. Empty entries (an unset `${VAR:-}`) are ignored. */
    users: z
      .array(z.union([z.string(), z.number()]).transform(String))
      .transform((users) => users.filter((user) => user.trim() !== ""))
      .refine((users) => users.length > 0, { message: "expected at least one user (every entry is empty)" }),
  })
  .strict();

export type RememberConfig = z.infer<typeof rememberSchema>;
export type EchoConfig = z.infer<typeof echoSchema>;
export type SkipAuthoredByConfig = z.infer<typeof skipAuthoredBySchema>;
