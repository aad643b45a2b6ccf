import { loadEnv } from "../config/env.js";
import { loadRoutes } from "../config/load-routes.js";
import { startRouter, type Role } from "../main.js";
import { createLogger } from "../ops/logger.js";

/** `webhook-router start [--role]`: run until SIGTERM/SIGINT, then drain and exit. */
export async function start(role: Role): Promise<void> {
  const env = loadEnv();
  const table = loadRoutes(env.ROUTES_DIR);
  const logger = createLogger({ level: env.LOG_LEVEL });
  const router = await startRouter({ env, table, logger, role });

  const stop = (signal: string) => {
    logger.info({ signal }, "signal received");
    router
      .close()
      .then(() => {
        logger.flush();
        process.exit(0);
      })
      .catch((error: unknown) => {
        logger.error({ err: error }, "unclean shutdown");
        logger.flush();
        process.exit(1);
      });
  };
  process.once("SIGTERM", () => stop("SIGTERM"));
  process.once("SIGINT", () => stop("SIGINT"));
}
