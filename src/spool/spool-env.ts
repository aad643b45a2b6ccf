import { z } from "zod";
import { byteSizeSchema } from "../config/byte-size.js";
import { positiveMs } from "../config/env.js";

/** The local spool that keeps accepted events while the broker cannot: zero loss at the front door. */
export const spoolEnvSchema = z.object({
  /** Largest size of the local spool; past it, ingress answers 503. @defaultValue 1gb */
  SPOOL_MAX_BYTES: byteSizeSchema.default(1024 ** 3),
  /**
   * How long the spool relay waits for the confirm of an event it re-publishes. Longer than
   * PUBLISH_TIMEOUT_MS: no sender waits on it, and a slow broker must still be drained. @defaultValue 30000
   */
  SPOOL_RELAY_TIMEOUT_MS: positiveMs.default(30_000),
  /** Spooled events the relay publishes at a time, their confirms outstanding together. @defaultValue 256 */
  SPOOL_RELAY_WINDOW: z.coerce.number().int().min(1).max(10_000).default(256),
});

export type SpoolEnv = Readonly<z.infer<typeof spoolEnvSchema>>;
