import { ConfigError } from "../config/config-error.js";
import { loadEnv } from "../env.js";
import { loadRoutes } from "../config/load-routes.js";
import { ListenError } from "../lifecycle/listen-early.js";
import { startRouter, type Role } from "../main.js";
import { createLogger } from "../ops/logger.js";

/**
 * `webhook-router start [--role]`: run until SIGTERM/SIGINT, then drain and exit. A start that
 * fails (a port in use, a state store that cannot open) has closed what it started: one error
 * line, and exit code 1 so a process manager retries — a port may be held by an older router
 * still draining. Configuration errors go up to the CLI (exit 78, no retry can help).
 */
export async function start(role: Role): Promise<number> {
  const env = loadEnv();
  const table = loadRoutes(env.ROUTES_DIR);
  const logger = createLogger({ level: env.LOG_LEVEL, format: env.LOG_FORMAT });
  let router: Awaited<ReturnType<typeof startRouter>>;
  try {
    router = await startRouter({ env, table, logger, role });
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    const where = error instanceof ListenError ? { port: env.PORT, host: env.HOST, code: error.code } : {};
    logger.error(where, `could not start: ${(error as Error).message}`);
    logger.flush();
    // What started has been closed; should a library still hold a handle, exit all the same.
    setTimeout(() => process.exit(1), 5_000).unref();
    return 1;
  }

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
  return -1; // keeps running; the signal handlers exit
}
