import type { Logger } from "pino";
import type { CoreEnv } from "../../config/env.js";
import type { StateEnv } from "../../state/state-env.js";
import type { OpsEnv } from "../ops-env.js";
import type { RoutingTable } from "../../config/load-routes.js";
import { openStateDb, type StateDb } from "../../state/state-db.js";
import { createDeliveryLog, type DeliveryLog } from "./delivery-log.js";

/**
 * Opens the state store when the workers need it (dedup, tokens) or the delivery log is on, and
 * the log over it. Workers cannot run without the store, so its failure stops them; an ingress
 * still takes webhooks without a log (logged), because the log must never cost an event.
 */
export async function openStateAndLog(
  env: Pick<CoreEnv, "DATA_DIR"> & Pick<StateEnv, "DATABASE_URL"> & Pick<OpsEnv, "DELIVERY_LOG" | "DELIVERY_LOG_RETENTION" | "DELIVERY_LOG_PAYLOADS">,
  table: RoutingTable,
  logger: Logger,
  needsStore: boolean,
): Promise<{ db: StateDb | undefined; deliveryLog: DeliveryLog | undefined }> {
  if (!needsStore && !env.DELIVERY_LOG) return { db: undefined, deliveryLog: undefined };
  let db: StateDb;
  try {
    db = await openStateDb({ dataDir: env.DATA_DIR, databaseUrl: env.DATABASE_URL });
  } catch (error) {
    if (needsStore) throw error;
    logger.error({ err: (error as Error).message }, "delivery log off: cannot open the state store");
    return { db: undefined, deliveryLog: undefined };
  }
  if (!env.DELIVERY_LOG) return { db, deliveryLog: undefined };
  const deliveryLog = createDeliveryLog({
    db,
    table,
    logger,
    engine: env.DATABASE_URL ? "postgresql" : "sqlite",
    retentionMs: env.DELIVERY_LOG_RETENTION,
    payloads: env.DELIVERY_LOG_PAYLOADS,
  });
  return { db, deliveryLog };
}
