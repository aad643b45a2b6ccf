import type { Logger } from "pino";
import type { CoreEnv } from "../config/env.js";
import { openStateDb, type StateDb } from "./state-db.js";
import type { StateEnv } from "./state-env.js";

/**
 * Who needs the state store: `workers` cannot run without it (dedup, claims, tokens), so its
 * failure stops the start; the `delivery log` alone can do without it — an ingress still takes
 * webhooks without a log, because the log must never cost an event; `api endpoints` need it like
 * workers (Idempotency-Keys); `polls` too (their lease and cursor); `nobody`: not opened.
 */
export type StateNeed = "workers" | "api endpoints" | "polls" | "delivery log" | "nobody";

/** Opens the state store for whoever needs it; a failure that need not stop the process is logged. */
export async function openStateStore(
  env: Pick<CoreEnv, "DATA_DIR"> & Pick<StateEnv, "DATABASE_URL">,
  need: StateNeed,
  logger: Logger,
): Promise<StateDb | undefined> {
  if (need === "nobody") return undefined;
  try {
    return await openStateDb({ dataDir: env.DATA_DIR, databaseUrl: env.DATABASE_URL });
  } catch (error) {
    // API endpoints need it for their Idempotency-Keys: a start without it would answer calls it cannot keep.
    if (need === "workers" || need === "api endpoints" || need === "polls") throw error;
    logger.error({ err: (error as Error).message }, "delivery log off: cannot open the state store");
    return undefined;
  }
}
