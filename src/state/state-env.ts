import { z } from "zod";
import { durationSchema } from "../config/duration.js";

/** Where shared state lives (SQLite in DATA_DIR, or PostgreSQL), and how long dedup remembers. */
export const stateEnvSchema = z.object({
  /** PostgreSQL URL for shared state (dedup) when several worker machines run; SQLite in DATA_DIR when unset. */
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "expected a postgres:// URL")
    .optional(),
  /** How long delivered (route, event id) pairs are remembered for deduplication. @defaultValue 30d */
  DEDUP_RETENTION: durationSchema.default(30 * 86_400_000),
});

export type StateEnv = Readonly<z.infer<typeof stateEnvSchema>>;
