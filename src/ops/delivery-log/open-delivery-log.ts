import type { Logger } from "pino";
import type { RoutingTable } from "../../config/load-routes.js";
import type { StateDb } from "../../state/state-db.js";
import type { StateEnv } from "../../state/state-env.js";
import type { OpsEnv } from "../ops-env.js";
import { createDeliveryLog, type DeliveryLog } from "./delivery-log.js";

/** The delivery log over an open state store, as the environment sets it up; none when DELIVERY_LOG is off. */
export function deliveryLogFromEnv(
  db: StateDb | undefined,
  env: Pick<StateEnv, "DATABASE_URL"> & Pick<OpsEnv, "DELIVERY_LOG" | "DELIVERY_LOG_RETENTION" | "DELIVERY_LOG_PAYLOADS">,
  table: RoutingTable,
  logger: Logger,
): DeliveryLog | undefined {
  if (!db || !env.DELIVERY_LOG) return undefined;
  return createDeliveryLog({
    db,
    table,
    logger,
    engine: env.DATABASE_URL ? "postgresql" : "sqlite",
    retentionMs: env.DELIVERY_LOG_RETENTION,
    payloads: env.DELIVERY_LOG_PAYLOADS,
  });
}
