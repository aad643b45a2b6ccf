import { z } from "zod";
import { durationSchema } from "../config/duration.js";

/** The scheduler's slice of the environment. */
export const pollEnvSchema = z.object({
  /**
   * How long a process's poll lease lasts unless renewed (every third of it): a standby process
   * takes a source over this long after its poller died. @defaultValue 30s
   */
  POLL_LEASE_TTL: durationSchema.refine((ms) => ms >= 300, "at least 300 ms").default(30_000),
});

export type PollEnv = Readonly<z.infer<typeof pollEnvSchema>>;
