import { z } from "zod";
import { durationSchema } from "../config/duration.js";

/** The workers' own settings (the broker's and the state store's are their parts'). */
export const workerEnvSchema = z.object({
  /**
   * What a delivery claim's lease adds to the attempt's timeouts (enrichment steps + destination):
   * how long after a worker crashed mid-delivery its event waits before another worker takes it
   * over. Too short lets a slow attempt overlap a second one. @defaultValue 30s
   */
  CLAIM_LEASE_MARGIN: durationSchema.default(30_000),
  /**
   * How often each worker process reads the pauses from the state store: a route paused or resumed
   * from another process stops or starts consuming here within this long. @defaultValue 1s
   */
  PAUSE_POLL_INTERVAL: durationSchema.default(1_000),
});

export type WorkerEnv = Readonly<z.infer<typeof workerEnvSchema>>;
